"""The only way WeasyPrint may read anything while rendering a pack: deny by default.

WeasyPrint's default fetcher follows ``file://``, ``http(s)://``, ``ftp://`` and ``data:``
URLs from the document, its stylesheets and ``<link rel="attachment">`` (which embeds
the file it fetches into the PDF). :class:`PackURLFetcher` replaces it and serves only:

- ``data:`` URLs of PNG, JPEG or GIF images (checked by their content, not just the
  declared type);
- the project's own static and media files, addressed as ``https://packs.invalid/<STATIC_URL>…``
  or ``…/<MEDIA_URL>…`` (the pack's base URL; ``.invalid`` never resolves), found under
  the configured directories after resolving symlinks, limited to stylesheet, font and
  image types.

Everything else raises :class:`URLRefused`; WeasyPrint logs the error and renders on
without the resource. The fetcher never opens a network connection: it installs no
urllib handlers and follows no redirects.

The roots are passed in as plain data (see :func:`default_roots`), so the fetcher also
works in the isolated render process, which does not load Django.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from governance.render_engine import (  # WeasyPrint's, or a clear error
    UNICODE_SCHEME_RE,
    URLFetcher,
    URLFetcherResponse,
)

BASE_URL = "https://packs.invalid/"

IMAGE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
# What a pack may load from static/media files, by extension.
FILE_TYPES: dict[str, str] = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
MAX_FILE_BYTES = 10 * 1024 * 1024


class URLRefused(ValueError):
    """The pack asked for a URL it may not have."""


@dataclass(frozen=True)
class Root:
    """Files under ``directory`` are served at ``BASE_URL + prefix``."""

    prefix: str  # e.g. "static/" (no leading slash, trailing slash)
    directory: str


def _prefix(url: str) -> str | None:
    """A URL setting such as ``static/`` or ``/static/`` as a path prefix, or None."""
    if not url or "://" in url:
        return None  # served from another host: never fetched
    path = "/" + url.strip("/") + "/"
    return path.lstrip("/")


def default_roots() -> list[Root]:
    """The project's static and media directories with their URL prefixes (needs Django)."""
    from django.apps import apps
    from django.conf import settings

    roots: list[Root] = []
    static = _prefix(str(getattr(settings, "STATIC_URL", "") or ""))
    if static:
        dirs: list[Path] = []
        if getattr(settings, "STATIC_ROOT", None):
            dirs.append(Path(settings.STATIC_ROOT))
        for entry in getattr(settings, "STATICFILES_DIRS", []):
            dirs.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
        base = Path(settings.BASE_DIR).resolve()
        for config in apps.get_app_configs():  # our own apps' static dirs, not third parties'
            app_static = Path(config.path) / "static"
            if app_static.is_dir() and app_static.resolve().is_relative_to(base):
                dirs.append(app_static)
        roots.extend(Root(static, str(d)) for d in dirs)
    media = _prefix(str(getattr(settings, "MEDIA_URL", "") or ""))
    if media and getattr(settings, "MEDIA_ROOT", None):
        roots.append(Root(media, str(settings.MEDIA_ROOT)))
    return roots


class PackURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves images inline and our own files, nothing else."""

    def __init__(self, roots: list[Root] | None = None) -> None:
        super().__init__(timeout=5, allowed_protocols=(), allow_redirects=False)
        # No urllib handlers at all: even a path into OpenerDirector cannot reach anything.
        self.handlers.clear()
        self.handle_open.clear()
        self.handle_error.clear()
        self.process_request.clear()
        self.process_response.clear()
        self.roots = list(roots or [])
        self.refused: list[str] = []
        self.files: list[str] = []  # our own files asked for (found or not)

    def fetch(self, url, headers=None):  # WeasyPrint's signature
        try:
            return self._fetch(str(url))
        except URLRefused as exc:
            self.refused.append(str(url)[:200])
            raise exc

    def open(self, url, data=None, timeout=None):
        raise URLRefused("The pack fetcher does not open URLs through urllib.")

    def _fetch(self, url: str) -> URLFetcherResponse:
        match = UNICODE_SCHEME_RE.match(url)
        scheme = match[1].lower() if match else ""
        if scheme == "data":
            return self._data(url)
        if url.startswith(BASE_URL):
            self.files.append(url[:200])
            return self._file(url)
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise URLRefused(f"Refused to fetch {shown!r}: packs load no external resources.")

    @staticmethod
    def _data(url: str) -> URLFetcherResponse:
        header, sep, payload = url[5:].partition(",")
        if not sep:
            raise URLRefused("Refused a malformed data: URL.")
        parts = [p.strip().lower() for p in header.split(";")]
        mime = parts[0]
        if mime not in IMAGE_SIGNATURES:
            raise URLRefused(f"Refused a data: URL of type {mime or 'text/plain'!r}: images only.")
        raw = unquote_to_bytes(payload)
        if "base64" in parts[1:]:
            try:
                body = base64.b64decode(b"".join(raw.split()), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise URLRefused("Refused a data: URL that is not valid base64.") from exc
        else:
            body = raw
        if not body.startswith(IMAGE_SIGNATURES[mime]):
            raise URLRefused(f"Refused a data: URL whose content is not {mime}.")
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    def _file(self, url: str) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path)
        if "\\" in path or "\x00" in path:
            raise URLRefused("Refused a file path with forbidden characters.")
        relative = path.lstrip("/")
        for root in self.roots:
            if not relative.startswith(root.prefix):
                continue
            rest = relative[len(root.prefix) :]
            parts = rest.split("/")
            if not rest or any(p in ("", ".", "..") for p in parts) or posixpath.isabs(rest):
                raise URLRefused(f"Refused the path {path!r}: no '..' or empty segments.")
            kind = FILE_TYPES.get(Path(rest).suffix.lower())
            if kind is None:
                raise URLRefused(f"Refused {path!r}: packs may load only styles, fonts and images.")
            base = Path(root.directory).resolve()
            candidate = (base / Path(*parts)).resolve()  # follows symlinks
            if not candidate.is_relative_to(base):
                raise URLRefused(f"Refused {path!r}: it leads outside {root.prefix}.")
            if candidate.is_file():
                if candidate.stat().st_size > MAX_FILE_BYTES:
                    raise URLRefused(f"Refused {path!r}: the file is too large.")
                body = candidate.read_bytes()
                mime = kind or mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": mime})
        raise URLRefused(f"Refused {path!r}: no such static or media file.")
