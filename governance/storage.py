"""Private file storage for uploads (proposal attachments, paper appendices).

Files live outside ``MEDIA_ROOT``, under ``settings.PRIVATE_UPLOADS_ROOT`` (default
``<PACKS_PRIVATE_ROOT>/uploads``), so a web server configured to serve ``/media/``
can never expose them. The storage has no URL: a file is only ever streamed by a view
that has checked the reader's permission first (``decisions.views.proposals.
attachment_download``, ``governance.meetings.views.papers.appendix_download``).

Model fields name the callable ``private_storage`` (``FileField(storage=...)``), so a
migration records the callable, not a path, and tests can point the directory
elsewhere with the ``settings`` fixture: the location is read on every use.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    explicit = getattr(settings, "PRIVATE_UPLOADS_ROOT", None)
    if explicit:
        return Path(explicit)
    packs = getattr(settings, "PACKS_PRIVATE_ROOT", None)
    return Path(packs or Path(settings.BASE_DIR) / "private_media") / "uploads"


class PrivateUploadStorage(FileSystemStorage):
    """A file system storage without a URL, rooted at ``private_root()``."""

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; stream them from a permission-checked view.")


_storage = PrivateUploadStorage()


def private_storage() -> PrivateUploadStorage:
    """The storage of uploaded files (a callable, so migrations do not freeze a path)."""
    return _storage


def move_to_private_storage(model, field: str = "file") -> int:
    """Move the files of ``model`` rows still in the default storage (``MEDIA_ROOT``, where
    they were kept before) into the private storage, under the same names. For the
    migrations that switched attachments and appendices to private storage; files
    already moved or missing are left alone. Returns how many were moved."""
    from django.core.files.storage import default_storage

    moved = 0
    for name in model.objects.exclude(**{field: ""}).values_list(field, flat=True).iterator():
        if not default_storage.exists(name) or _storage.exists(name):
            continue
        with default_storage.open(name, "rb") as source:
            saved = _storage.save(name, source)
        if saved != name:  # pragma: no cover - the name was free a moment ago
            _storage.delete(saved)
            continue
        default_storage.delete(name)
        moved += 1
    return moved
