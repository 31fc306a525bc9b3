"""Shared start of the benchmark scripts: Django on a throwaway SQLite file, migrated and seeded."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_django(workdir: Path, *, seed: bool = True) -> None:
    """Test settings on ``workdir/bench.sqlite3`` with media in ``workdir/media``, no broker
    (tasks in-process); migrate, then ``seed_demo`` unless ``seed`` is False."""
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zi_portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if seed:
        call_command("seed_demo", "--password", "Bench-Pass-1", stdout=io.StringIO())
