from ptrevops.settings.environment import Services


def test_redis_urls_get_their_own_database_numbers():
    server = Services({}, "redis://127.0.0.1:6379/0", None)
    assert server.redis_cache_url == "redis://127.0.0.1:6379/1"
    assert server.celery_broker_url == "redis://127.0.0.1:6379/0"
    assert Services({}, "redis://h:6379", None).redis_cache_url == "redis://h:6379/1"


def test_unix_socket_redis_urls():
    embedded = Services({}, "unix:///tmp/x/redis.sock", None)
    assert embedded.redis_cache_url == "unix:///tmp/x/redis.sock?db=1"
    assert embedded.celery_broker_url == "redis+socket:///tmp/x/redis.sock"
