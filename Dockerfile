# Production image: web (gunicorn), Celery worker and beat all run from it.
FROM node:20-bookworm-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=zhonglou.settings.production PIP_DISABLE_PIP_VERSION_CHECK=1
# Pango and the Noto CJK fonts: WeasyPrint renders the dossier's PDF with them.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 zhonglou
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY zhonglou ./zhonglou
COPY accounts ./accounts
COPY indicators ./indicators
COPY assessments ./assessments
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
COPY --from=static /app/node_modules/echarts/dist ./node_modules/echarts/dist
COPY --from=static /app/node_modules/htmx.org/dist ./node_modules/htmx.org/dist
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown zhonglou /app/media
USER zhonglou
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn zhonglou.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
