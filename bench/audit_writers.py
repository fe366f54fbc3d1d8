"""Benchmark: concurrent writers to different records, with the audit trail before and after per-record chains.

    python bench/audit_writers.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
        [--before REF] [--writers 1,4,16] [--seconds 4] [--slack-clients 20] [--no-slack]

Extracts REF (default: the commit before per-record audit chains, i.e. the global
`audit_chain` counter) into a temporary directory and runs the same workload against it
and against this checkout, one after the other in this run, each on a new PostgreSQL
database built by that tree's migrations. Each of N writer threads has its own incident
and, for --seconds, comments on it (three times in four) or declares a new incident
(once in four), one transaction each, through the services as the app does. Then
bench/slack_latency.py (this checkout's copy, in both trees) measures the Slack modal
submission at --slack-clients clients. Prints one table.
"""
import argparse
import json
import os
from pathlib import Path
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = Path(__file__).resolve().parents[1]
MIGRATION = "migrations/versions/5e7a0c2d9b14_audit_chains_per_record_and_checkpoints.py"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def child(tree, url, writers, seconds):
    """Run in a subprocess with *tree* first on sys.path: migrate, seed, write, print one JSON line."""
    sys.path.insert(0, tree)
    os.chdir(tree)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Role, User
    from app.services import incidents
    from app.services.seed import seed_demo
    from config import DevelopmentConfig, database_url

    app = create_app(type("Bench", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": database_url(url),
                                                          "DEBUG": False, "RELAY_INPROCESS_WORKER": False,
                                                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": writers + 2}}))
    with app.app_context():
        upgrade(directory=os.path.join(tree, "migrations"))
        seed_demo(log=lambda *_: None)
        org = db.session.scalar(db.select(User).where(User.email == "manager@example.com")).org_id
        for n in range(writers):
            db.session.add(User(email=f"writer{n}@example.com", display_name=f"Writer {n}", role=Role.MANAGER,
                                org_id=org, password_hash="!"))
        db.session.commit()
        numbers = [incidents.declare_incident(db.session.scalar(db.select(User).where(
            User.email == f"writer{n}@example.com")), title=f"Writer {n}", severity="sev3").number
            for n in range(writers)]
    timings = {"comment": [], "declare": []}
    start, stop = threading.Barrier(writers), time.perf_counter() + seconds + 0.5

    def write(n):
        with app.app_context():
            actor = db.session.scalar(db.select(User).where(User.email == f"writer{n}@example.com"))
            start.wait()
            i = 0
            while time.perf_counter() < stop:
                began = time.perf_counter()
                if i % 4 == 3:
                    incidents.declare_incident(actor, title=f"New {n}.{i}", severity="sev4")
                    kind = "declare"
                else:
                    incidents.comment_on_incident(actor, numbers[n], f"note {i}")
                    kind = "comment"
                timings[kind].append(time.perf_counter() - began)
                i += 1
            db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    with app.app_context():
        verified = app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
        db.engine.dispose()
    print(json.dumps({"wall": wall, "verified": verified,
                      **{k: [t * 1000 for t in v] for k, v in timings.items()}}))


def scratch_database(base):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    sys.path.insert(0, str(ROOT))
    from config import database_url

    url = make_url(database_url(base))
    name = f"relay_audit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def run_writers(tree, base, writers, seconds):
    url, drop = scratch_database(base)
    try:
        out = subprocess.run([sys.executable, __file__, "--child", tree, "--database-url", url,
                              "--writers", str(writers), "--seconds", str(seconds)],
                             capture_output=True, text=True, env={**os.environ, "RELAY_ENV": "development"})
        if out.returncode:
            raise SystemExit(f"writers failed in {tree}:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        drop()


def run_slack(tree, base, clients):
    url, drop = scratch_database(base)
    try:
        out = subprocess.run([sys.executable, str(Path(tree) / "bench" / "slack_latency.py"), "--database-url", url,
                              "--clients", str(clients)], capture_output=True, text=True, cwd=tree)
        line = next((line for line in out.stdout.splitlines() if "view_submission" in line), None)
        if line is None:
            raise SystemExit(f"slack_latency failed in {tree}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
        n, p50, p99, high = line[48:].split()[:4]  # after the 48-character label
        return {"n": n, "p50": p50, "p99": p99, "max": high, "line": line}
    finally:
        drop()


def before_ref():
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "-1", "--", MIGRATION], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    ref = f"{added}^" if added else "HEAD"
    return subprocess.run(["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def extract(ref, into):
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    # One harness for both trees: this checkout's copy of the Slack benchmark.
    (Path(into) / "bench" / "slack_latency.py").write_text((ROOT / "bench" / "slack_latency.py").read_text())
    if not (Path(into) / ".venv").exists():
        os.symlink(ROOT / ".venv", Path(into) / ".venv")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server (scratch databases are made on it)")
    parser.add_argument("--before", help="the git ref of the old scheme (default: the commit before it changed)")
    parser.add_argument("--writers", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--slack-clients", type=int, default=20)
    parser.add_argument("--no-slack", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    counts = [int(n) for n in args.writers.split(",")]
    if args.child:
        return child(args.child, args.database_url, counts[0], args.seconds)
    if not args.database_url.startswith(("postgres://", "postgresql")):
        parser.error("--database-url must be PostgreSQL: SQLite runs one writer at a time either way")
    ref = args.before or before_ref()
    scratch = tempfile.mkdtemp(prefix="relay-audit-bench-")
    extract(ref, scratch)  # removed at the end
    trees = [(f"before ({ref[:12]})", scratch), ("after (this checkout)", str(ROOT))]
    print(f"{args.seconds:.0f} s per run; each writer comments on its own incident, every 4th write declares one")
    print(f"{'scheme':28} {'writers':>7} {'writes/s':>9} {'comment p50':>12} {'p99':>7} "
          f"{'declare p50':>12} {'p99':>7}  verify")
    for writers in counts:
        for label, tree in trees:
            result = run_writers(tree, args.database_url, writers, args.seconds)
            comments, declares = result["comment"], result["declare"]
            rate = (len(comments) + len(declares)) / result["wall"]
            print(f"{label:28} {writers:>7} {rate:>9.0f} {statistics.median(comments):>10.1f}ms "
                  f"{percentile(comments, 99):>5.0f}ms {statistics.median(declares) if declares else 0:>10.1f}ms "
                  f"{percentile(declares, 99):>5.0f}ms  {'ok' if result['verified'] else 'BROKEN'}", flush=True)
    if not args.no_slack:
        print(f"\nSlack modal submission (declares an incident), {args.slack_clients} clients, "
              "bench/slack_latency.py:")
        for label, tree in trees:
            result = run_slack(tree, args.database_url, args.slack_clients)
            print(f"{label:28} n={result['n']:>4}  p50 {result['p50']:>5} ms  p99 {result['p99']:>5} ms  "
                  f"max {result['max']:>5} ms", flush=True)
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
