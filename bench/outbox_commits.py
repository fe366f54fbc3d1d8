"""Benchmark: writers committing outbox rows on PostgreSQL, NOTIFY inside the transaction vs after the commit.

    python bench/outbox_commits.py --database-url postgresql://postgres@127.0.0.1:5432/EMPTY_DB \
        [--writers 8] [--commits 100] [--rounds 2]

Each writer commits --commits single-row INSERTs into a copy of the outbox table (its unique
dedup key, ON CONFLICT DO NOTHING: what a PagerDuty webhook answer does). "inside": a trigger
NOTIFYs in the writing transaction, as Relay did until the trigger was dropped; "after": the
writer sends NOTIFY in a transaction of its own once the INSERT has committed, as
app/outbox/wake.py does now. The reference is the same INSERTs with no NOTIFY at all. The
three alternate, --rounds times, in one run; prints commits/s and per-commit p50/p99.
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
import os
import statistics
import time
import uuid

import psycopg

TABLE = "bench_outbox"
SETUP = [
    f"DROP TABLE IF EXISTS {TABLE}",
    f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, dedup_key varchar(200) UNIQUE NOT NULL, payload json, "
    "created_at timestamp NOT NULL DEFAULT now())",
    "CREATE OR REPLACE FUNCTION bench_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN PERFORM pg_notify('bench_outbox', ''); RETURN NULL; END $$",
]
TRIGGER = (f"CREATE TRIGGER bench_outbox_notify AFTER INSERT ON {TABLE} FOR EACH ROW "
           "EXECUTE FUNCTION bench_outbox_notify()")
INSERT = f"INSERT INTO {TABLE} (dedup_key, payload) VALUES (%s, '{{}}') ON CONFLICT (dedup_key) DO NOTHING"


def writer(url, commits, notify_after):
    times = []
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(commits):
            started = time.perf_counter()
            conn.execute(INSERT, (uuid.uuid4().hex,))
            if notify_after:
                conn.execute("NOTIFY bench_outbox")
            times.append(time.perf_counter() - started)
    return times


def run(url, writers, commits, mode):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TRIGGER IF EXISTS bench_outbox_notify ON {TABLE}")
        if mode == "inside":
            conn.execute(TRIGGER)
    with ThreadPoolExecutor(writers) as pool:
        started = time.perf_counter()
        rows = list(pool.map(lambda _: writer(url, commits, mode == "after"), range(writers)))
        wall = time.perf_counter() - started
    return [t * 1000 for times in rows for t in times], wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database to make a scratch table in")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--commits", type=int, default=100, help="per writer and mode, each round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in SETUP:
            conn.execute(statement)
    modes = {"no NOTIFY (reference)": "none", "NOTIFY inside (trigger)": "inside", "NOTIFY after the commit": "after"}
    results = {name: ([], 0.0) for name in modes}
    try:
        for _ in range(args.rounds):
            for name, mode in modes.items():
                times, wall = run(url, args.writers, args.commits, mode)
                results[name] = (results[name][0] + times, results[name][1] + wall)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
            conn.execute("DROP FUNCTION IF EXISTS bench_outbox_notify()")
    print(f"{args.writers} writers x {args.commits} commits x {args.rounds} rounds per mode, alternating; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print(f"{'':26} {'commits/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (times, wall) in results.items():
        ordered = sorted(times)
        print(f"{name:26} {len(times) / wall:>10.0f} {statistics.median(times):>8.2f} "
              f"{ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]:>8.2f}")


if __name__ == "__main__":
    main()
