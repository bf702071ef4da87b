# LeadOps dashboard. Configure with DATABASE_URL, LEADOPS_COOKIE_KEY and LEADOPS_AUDIT_KEY
# (see README); without DATABASE_URL it serves the SQLite demo with built-in demo keys.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --create-home --uid 10001 leadops \
    && mkdir -p /app/data \
    && chown leadops:leadops /app/data
COPY --chown=leadops:leadops . .
USER leadops

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"

# Migrations and the sealing of new audit chains first (no-op when up to date), then the app
# on all interfaces of the container.
CMD ["sh", "-c", "python cli.py init-db && exec streamlit run app.py --server.address=0.0.0.0 --server.port=8501"]
