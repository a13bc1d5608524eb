"""Rendered pack parts kept for reuse, keyed by a hash of what they were made from.

A part (one item's section, see ``governance.packs.parts``) depends only on its HTML,
the pack's CSS and the renderer; the key is the SHA-256 of those. Parts that loaded
files of their own (images from static or media) are not kept, since their HTML alone
does not say what they looked like. Entries live in the private storage
(``PACKS_PRIVATE_ROOT/pack-parts``, never served): ``<key>.pdf`` and ``<key>.json``
(page count, anchors, bookmarks, page orientations and the PDF's own hash, checked on
reading). A changed paper gives a new key, so nothing is ever stale; old entries are
removed after ``PACKS_PART_CACHE_DAYS`` (default 60) by :func:`prune`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

from governance.packs.parts import PartResult

FORMAT = "pack-parts-1"  # bump when a part's rendering changes for the same HTML


def part_key(html: str, css: str, renderer: str) -> str:
    digest = hashlib.sha256()
    for value in (FORMAT, renderer, css, html):
        digest.update(value.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


class PartCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.directory / key[:2]
        return folder / f"{key}.pdf", folder / f"{key}.json"

    def get(self, key: str, name: str) -> PartResult | None:
        if self.directory is None:
            return None
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text())
            pdf = pdf_path.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(pdf).hexdigest() != meta.get("sha256"):
            return None
        with contextlib.suppress(OSError):
            os.utime(meta_path)  # recently used: kept by prune()
        return PartResult(
            name=name,
            pdf=pdf,
            page_count=int(meta["page_count"]),
            anchors={str(k): int(v) for k, v in meta["anchors"].items()},
            bookmarks=[(str(t), int(p), int(level)) for t, p, level in meta["bookmarks"]],
            landscape=[bool(v) for v in meta["landscape"]],
            warnings=[str(w) for w in meta.get("warnings", [])],
        )

    def put(self, key: str, part: PartResult) -> None:
        if self.directory is None or part.fetched:
            return
        pdf_path, meta_path = self._paths(key)
        meta = {
            "sha256": hashlib.sha256(part.pdf).hexdigest(),
            "page_count": part.page_count,
            "anchors": part.anchors,
            "bookmarks": part.bookmarks,
            "landscape": part.landscape,
            "warnings": part.warnings,
        }
        try:
            pdf_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            for path, data in ((pdf_path, part.pdf), (meta_path, json.dumps(meta).encode())):
                partial = path.with_name(f"{path.name}.{os.getpid()}.part")
                partial.write_bytes(data)
                os.replace(partial, path)
        except OSError:
            return  # a cache that cannot be written is only slower


def prune(directory: Path, days: int) -> int:
    """Delete entries not used for ``days`` days; returns how many were deleted."""
    cutoff = time.time() - days * 86400
    removed = 0
    for meta in directory.glob("*/*.json"):
        with contextlib.suppress(OSError):
            if meta.stat().st_mtime < cutoff:
                meta.with_suffix(".pdf").unlink(missing_ok=True)
                meta.unlink()
                removed += 1
    return removed
