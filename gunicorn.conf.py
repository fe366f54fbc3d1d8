"""gunicorn settings, read from the working directory by `gunicorn run:app`."""
import gc
import os

# Loopback unless told otherwise: put a proxy in front, or set GUNICORN_BIND (the image does).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"
# Load the app once in the master: a configuration error (no SECRET_KEY) then stops
# the server with its one-line message instead of crash-looping workers.
preload_app = True


def pre_fork(server, worker):
    """Leave the preloaded app out of the workers' garbage collections.

    Everything loaded before the fork (modules, the app, compiled templates) lives as long as the
    worker; without this, each full collection walked all of it again, and touching it copied the
    master's memory pages into every worker.
    """
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """Give each worker its own database connections, never the master's, and warm it up before it serves."""
    from app.extensions import db
    from app.slack.warmup import warm_up
    from run import app

    with app.app_context():
        db.engine.dispose(close=False)
    # The first Slack request must answer within Slack's 3 s: pay its first-time costs now.
    server.log.info("worker %s warmed up in %.2f s", worker.pid, warm_up(app))
