# Relay: gunicorn serving the app as a non-root user.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=run.py \
    RELAY_ENV=production \
    GUNICORN_BIND=0.0.0.0:8000

WORKDIR /app
RUN groupadd --system relay && useradd --system --gid relay --home-dir /app relay

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=relay:relay . .
RUN mkdir -p /app/instance && chown relay:relay /app/instance

USER relay
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"

# Migrate, then serve (gunicorn.conf.py: bind, workers, threads; tune with WEB_CONCURRENCY).
CMD ["sh", "-c", "flask db upgrade && exec gunicorn run:app"]
