FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY ptrevops ptrevops
COPY clinics clinics
COPY episodes episodes
COPY billing billing
COPY analytics analytics
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN DJANGO_SETTINGS_MODULE=ptrevops.settings.production DATABASE_URL=postgres://build/none \
    REDIS_URL=redis://build:6379/0 SECRET_KEY=collectstatic-only \
    python manage.py collectstatic --no-input -v 0
RUN useradd --create-home ptrevops && mkdir -p /app/var && chown ptrevops /app/var
USER ptrevops
EXPOSE 8000
CMD ["gunicorn", "ptrevops.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
