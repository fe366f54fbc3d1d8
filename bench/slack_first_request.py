"""Benchmark: the first /incident and the first modal submission after a start, with and without the warm-up.

    python bench/slack_first_request.py [--database-url URL] [--rounds 3]

Builds a scratch database through the migrations (a SQLite file by default; pass the URL of an
EMPTY PostgreSQL database for the realistic case) and starts the Slack Web API stand-in. Each
round starts two fresh Python processes, one after the other: "cold" serves at once, "warm" runs
app.slack.warmup.warm_up first (as gunicorn's post_fork does). Each sends a signed /incident
(views.open goes to the stand-in) and a modal submission, then a second of each, and reports the
times; the medians are printed side by side.
"""
import argparse
import hashlib
import hmac
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
KINDS = ["first /incident", "second /incident", "first submission", "second submission"]


def settings(url, standin):
    return {"SQLALCHEMY_DATABASE_URI": url, "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": standin["token"],
            "SLACK_API_URL": standin["url"], "DEBUG": False}


def one_start(url, standin, warm, round_no):
    """Runs in a fresh process: build the app, maybe warm it up, time the first and second requests."""
    from bench.common import scratch_app

    app = scratch_app(url, **settings(url, standin))
    warmed = None
    if warm:
        from app.slack.warmup import warm_up
        warmed = warm_up(app)
    client = app.test_client()

    def post(path, body):
        stamp = str(int(time.time()))
        digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        started = time.perf_counter()
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded",
                               headers={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"})
        assert response.status_code == 200, response.data
        return time.perf_counter() - started

    def command(n):
        return post("/slack/commands", urlencode({"command": "/incident", "user_id": "UBENCH", "channel_id": "C1",
                                                  "trigger_id": f"T{round_no}-{n}"}))

    def submit(n):
        values = {"title": {"value": {"type": "plain_text_input", "value": f"Down {n}"}},
                  "severity": {"value": {"type": "static_select", "selected_option": {"value": "sev2"}}}}
        return post("/slack/interactions", urlencode({"payload": json.dumps({
            "type": "view_submission", "user": {"id": "UBENCH"},
            "view": {"id": f"V{round_no}-{warm}-{n}", "callback_id": "incident.declare", "private_metadata": "C1",
                     "state": {"values": values}}})}))

    times = [command(1), command(2), submit(1), submit(2)]
    print(json.dumps({"times": times, "warm_up": warmed}))


def prepare(url, standin):
    """Migrate the scratch database and add the person the requests come from (linked to Slack already)."""
    from bench.common import migrate, scratch_app
    from app.extensions import db
    from app.models import Organization, Role, User

    app = scratch_app(url, **settings(url, standin))
    with app.app_context():
        migrate()
        org = Organization(name="Provider", slug="provider", is_provider=True)
        db.session.add(org)
        db.session.flush()
        db.session.add(User(email="bench@example.com", display_name="Bench", role=Role.RESPONDER, org_id=org.id,
                            password_hash="!", slack_user_id="UBENCH"))
        db.session.commit()
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        spec = json.loads(args.child)
        return one_start(spec["url"], spec["standin"], spec["warm"], spec["round"])

    import tempfile

    from config import database_url
    from tests.slack_standin import SlackStandin

    standin = SlackStandin().start()
    url = database_url(args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='relay-bench-')}/bench.db")
    spec = {"token": standin.token, "url": standin.url}
    prepare(url, spec)
    results = {False: [], True: []}
    for round_no in range(args.rounds):
        for warm in (False, True):  # side by side, alternating, so a busy moment hits both
            child = json.dumps({"url": url, "standin": spec, "warm": warm, "round": round_no})
            out = subprocess.run([sys.executable, __file__, "--child", child], capture_output=True, text=True,
                                 cwd=ROOT, check=True)
            results[warm].append(json.loads(out.stdout.strip().splitlines()[-1]))
    standin.stop()
    print(f"{'':20} {'cold start':>12} {'warmed up':>12}   (median of {args.rounds} starts, seconds)")
    for i, kind in enumerate(KINDS):
        cold = statistics.median(r["times"][i] for r in results[False])
        warm = statistics.median(r["times"][i] for r in results[True])
        print(f"{kind:20} {cold:12.3f} {warm:12.3f}")
    print(f"{'warm-up at boot':20} {'':>12} {statistics.median(r['warm_up'] for r in results[True]):12.3f}")


if __name__ == "__main__":
    main()
