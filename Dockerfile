# Handshake: `docker build -t handshake .` (see README, "Deploy").
# Two stages: the build stage installs the locked dependencies (requirements.lock, every
# package pinned with its hashes) and Handshake into a virtualenv; the runtime stage is
# the slim image, that virtualenv and a user that is not root. Nothing else.
# PYTHON_IMAGE: the same Python in both stages (the virtualenv links to its interpreter);
# a registry mirror or a locally built image can stand in with --build-arg.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/handshake
# The dependencies first, in a layer of their own: rebuilt only when the lock changes.
COPY requirements.lock ./
RUN /opt/handshake/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
COPY standins ./standins
# Handshake itself; its dependencies and build tools all came from the lock above.
RUN /opt/handshake/bin/pip install --no-deps --no-build-isolation . \
    && /opt/handshake/bin/pip check

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 handshake \
    && useradd --system --uid 10001 --gid handshake --no-create-home \
       --home-dir /data --shell /usr/sbin/nologin handshake \
    && mkdir -p /data /config \
    && chown handshake:handshake /data
COPY --from=build /opt/handshake /opt/handshake
# The defaults of a container: listen on every interface, the SQLite file (without
# PostgreSQL) and the pid file on the /data volume, the config mounted at /config.
ENV PATH=/opt/handshake/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HANDSHAKE_HOST=0.0.0.0 \
    HANDSHAKE_PORT=3000 \
    HANDSHAKE_CONFIG=/config/handshake.yml \
    HANDSHAKE_PID_FILE=/data/handshake.pid \
    DATABASE_URL=sqlite:////data/handshake.db
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 3000
# The slim image has no curl: the interpreter that runs Handshake asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HANDSHAKE_PORT', '3000'), timeout=4)"]
ENTRYPOINT ["handshake"]
CMD ["serve"]
