# The scoring API (api/) in a container: the model comes from a mounted models/
# directory (default) or an MLflow tracking URI; nothing is downloaded at run time.
#   docker build -t readiness-api .
#   docker run --rm -p 8000:8000 -v "$PWD/models:/models:ro" readiness-api
# See docs/container.md.
FROM python:3.12-slim

# LightGBM's wheel links against the system OpenMP runtime, which slim images lack.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The package first (its layer is reused while only api/ changes); no dev extras.
COPY pyproject.toml README.md ./
COPY src/ src/
RUN pip install . && rm -rf src build

COPY api/ api/

RUN useradd --create-home --uid 10001 readiness \
    && mkdir -p /models /mlflow \
    && chown readiness:readiness /models /mlflow
USER readiness

# READINESS_MODEL_DIR: a bundle written by `readiness train` (mount models/ here).
# Set READINESS_MODEL_URI (e.g. models:/lead-readiness@champion) and
# READINESS_TRACKING_URI to load from an MLflow registry instead.
ENV READINESS_MODEL_DIR=/models/lead-readiness \
    READINESS_PROJECT_DIR=/mlflow \
    READINESS_N_JOBS=1 \
    MPLCONFIGDIR=/tmp/matplotlib
VOLUME ["/models"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["uvicorn", "api.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
