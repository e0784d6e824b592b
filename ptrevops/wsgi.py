import os

from django.core.wsgi import get_wsgi_application

from ptrevops.heap import freeze_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")
application = get_wsgi_application()

# Everything loaded so far lives as long as the worker: out of the cyclic collector's
# reach, a full collection scans only what requests leave behind (bench/api_lists.py:
# full-collection pauses of 100–180 ms became 40–60 ms; the caches the first
# requests build are frozen by ptrevops.heap.FreezeHeapAfterWarmup).
freeze_heap()
