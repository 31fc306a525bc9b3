# ZI Portal: one image for the web (gunicorn), Celery worker and Celery beat services.
# Front-end assets are vendored under static/vendor/ (scripts/vendor_assets.sh), so the build
# needs no npm and the running portal loads nothing from a CDN.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint: Pango (+ its FreeType backend) and HarfBuzz subsetting for embedded fonts;
# fonts-dejavu-core is only a fallback, PDFs use the vendored Noto Sans.
# python-magic: libmagic1 (brings its magic database).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        libmagic1 \
    && rm -rf /var/lib/apt/lists/*

# Office evidence (DOCX/XLSX/PPTX) is shown page by page when LibreOffice is in the image: build with
# --build-arg OFFICE_PREVIEW=1 (a few hundred MB more); without it office files are downloads only.
ARG OFFICE_PREVIEW=0
RUN if [ "$OFFICE_PREVIEW" = "1" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends \
            libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
        && rm -rf /var/lib/apt/lists/*; \
    fi

RUN groupadd --system --gid 10001 zi \
    && useradd --system --uid 10001 --gid zi --home-dir /app --no-create-home --shell /usr/sbin/nologin zi

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# collectstatic runs once at build time. Production settings refuse to load without a
# SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, so throwaway values are given to this one command
# only (it never connects to a database); they are not stored in the image's environment.
RUN DJANGO_SETTINGS_MODULE=zi_portal.settings.prod \
    SECRET_KEY=build-time-collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://collectstatic@localhost:5432/never-connected \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown zi:zi /app/media

ENV DJANGO_SETTINGS_MODULE=zi_portal.settings.prod \
    MEDIA_ROOT=/app/media

USER zi

EXPOSE 8000

# The request log is the portal's own (one JSON line per request), so gunicorn keeps no access log.
CMD ["gunicorn", "zi_portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", \
     "--workers", "2", \
     "--threads", "4", \
     "--timeout", "60", \
     "--worker-tmp-dir", "/dev/shm"]
