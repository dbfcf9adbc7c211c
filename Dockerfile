# Snowball worker and simulator image: `docker compose up` builds it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the wheel needs (pyproject's readme and force-included schemas included).
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
RUN pip install . && rm -rf /src

# Faust keeps its table state under SNOWBALL_DATA_DIR; metrics listen on all interfaces so
# Prometheus can reach them from another container.
RUN useradd --system --create-home --home-dir /var/lib/snowball snowball
USER snowball
WORKDIR /var/lib/snowball
ENV SNOWBALL_DATA_DIR=/var/lib/snowball/data \
    SNOWBALL_METRICS_HOST=0.0.0.0 \
    SNOWBALL_METRICS_PORT=9108
EXPOSE 9108
# Healthy once the worker reads its partitions with its tables restored (/readyz on the metrics port);
# /healthz alone (`python -m streams.app.health live`) says whether it is alive, for a liveness probe.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "streams.app.health", "ready"]

ENTRYPOINT ["snowball"]
CMD ["worker"]
