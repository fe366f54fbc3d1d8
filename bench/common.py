"""What the benchmarks share: a scratch database built by the migrations, bulk filling, page timing."""
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import numbered_up_to  # noqa: E402
from config import DevelopmentConfig, database_url  # noqa: E402

BATCH = 5000


def scratch_app(url=None, **settings):
    """An app on *url* (an EMPTY database) or on a new SQLite file; call migrate() in its context."""
    url = database_url(url or f"sqlite:///{tempfile.mkdtemp(prefix='relay-bench-')}/bench.db")
    return create_app(type("BenchConfig", (DevelopmentConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "DEBUG": False, **settings}))


def migrate():
    """Build the schema the way production does, and say where."""
    print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
    upgrade(directory=str(ROOT / "migrations"))


def insert_numbered(model, rows, make_row, counter, noun):
    """Bulk-insert *rows* records numbered 1..rows (make_row(number) -> dict) and set their counter."""
    batch = []
    for number in range(1, rows + 1):
        batch.append(make_row(number))
        if len(batch) == BATCH:
            db.session.execute(insert(model), batch)
            batch.clear()
            print(f"  inserted {number:,} / {rows:,}", end="\r", flush=True)
    if batch:
        db.session.execute(insert(model), batch)
    numbered_up_to(counter, rows)
    db.session.commit()
    print(f"  inserted {rows:,} {noun}            ")


def time_pages(app, pages, runs, login=("admin@example.com", "admin123")):
    """p50 and p95 in ms of each (label, path) as the server sees it, signed in as *login* (the demo admin)."""
    client = app.test_client()
    client.post("/auth/login", data={"email": login[0], "password": login[1]})
    results = []
    for label, path in pages:
        client.get(path).get_data()  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            response.get_data()  # a streamed response is timed to its last byte
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        results.append((label, statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]))
    return results


def print_pages(results, caption, width=26):
    print(f"\n{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8}   ({caption})")
    for label, p50, p95 in results:
        print(f"{label:<{width}} {p50:8.1f} {p95:8.1f}")
