# sanctions: the HTTP API and web UI (`sanctions serve`) in a slim image.
#   docker build -t sanctions .
#   docker run -v sanctions-data:/data -p 8000:8000 sanctions
#   docker run -v sanctions-data:/data sanctions sanctions update   # or load files mounted in
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 sanctions \
    && mkdir /data && chown sanctions:sanctions /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && rm -rf /root/.cache

USER sanctions
# The store (customer data and the audit trail) lives on the volume, created 0600.
ENV SANCTIONS_DB=/data/sanctions.db
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["sanctions", "serve", "--host", "0.0.0.0", "--port", "8000"]
