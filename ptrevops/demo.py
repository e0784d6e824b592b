"""`make demo`: embedded services, migrations, demo data, then web + worker + beat.

Ctrl-C stops the three processes and then the embedded PostgreSQL and Redis.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date

from ptrevops import embedded

HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
PORT = os.environ.get("DEMO_PORT", "8000")


def demo_inbox():
    return embedded.var_dir() / "inbox" / "demo"


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], check=True)


def _load_demo_group() -> None:
    """First run only: generate a 3-clinic, 12-month group and import it through the
    paths a clinic group uses: the EMR bundle now (command line), the payers' 835
    files through the organization's inbox folder, imported by the Celery worker
    once it is up (watch them arrive on the Imports page)."""
    data = embedded.var_dir() / "demo-data"
    marker = data / "imported.json"
    if marker.exists():
        return
    end = date.today().isoformat()
    print(f"Generating the demo clinic group (3 clinics, 12 months to {end})…", flush=True)
    _manage(
        "generate_demo",
        "--out",
        str(data),
        "--clinics",
        "3",
        "--months",
        "12",
        "--seed",
        "7",
        "--end",
        end,
    )
    print("Importing the EMR export bundle…", flush=True)
    _manage("import_bundle", "--org", "demo", "--verbosity", "0", str(data / "bundle"))
    inbox = demo_inbox()
    inbox.mkdir(parents=True, exist_ok=True)
    remittances = sorted((data / "835").iterdir())
    for path in remittances:
        shutil.copy2(path, inbox / path.name)
    marker.write_text(json.dumps({"end": end, "remittance_files": len(remittances)}))
    print(f"{len(remittances)} 835 files are in the inbox; the worker imports them.", flush=True)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")
    embedded_services = "DATABASE_URL" not in os.environ
    if embedded_services:
        embedded.ensure_started()
    _manage("migrate", "--no-input", "-v", "0")
    _manage("seed_demo")
    _load_demo_group()
    inbox = demo_inbox()
    inbox_waiting = inbox.exists() and any(p.is_file() for p in inbox.iterdir())
    celery = [sys.executable, "-m", "celery", "-A", "ptrevops"]
    children = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"]
        ),
        subprocess.Popen([*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"]),
        subprocess.Popen([*celery, "beat", "--loglevel", "INFO"]),
    ]
    if inbox_waiting:
        _manage("import_inbox", "--org", "demo", "--queue")
    print(
        f"\nptrevops is running: open http://{HOST}:{PORT}/analytics/ (the Overview) "
        "— press Ctrl-C to stop.\n",
        flush=True,
    )

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            if any(child.poll() is not None for child in children):
                print("a demo process exited; stopping the others", file=sys.stderr)
                break
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded_services:
            embedded.stop()
        print("ptrevops stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
