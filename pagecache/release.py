"""The code and templates a page was rendered with: a deploy starts a fresh set of pages."""

import functools
import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings


@functools.cache
def release():
    """A digest of the code, templates and static manifest: a deploy starts a fresh set of
    pages without anyone clearing anything. ``PAGE_CACHE_RELEASE`` overrides it."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    digest = hashlib.sha1()
    base = Path(settings.BASE_DIR)
    folders = {base / "templates", base / "static", base / "config"}
    folders |= {
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(base) and ".venv" not in Path(app.path).parts
    }
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]
