"""The deployment's Ed25519 key: signing event hashes and checkpoints, publishing keys.

The private key comes from the environment, never from the database:
``AUDIT_SIGNING_KEY`` (PEM, or base64 of the 32 raw bytes or of a PEM/DER key) or
``AUDIT_SIGNING_KEY_FILE`` (a file holding either). With neither, a development key is
generated once into ``AUDIT_DEV_KEY_FILE`` (git-ignored ``private_media/``) so that
``dev.py serve`` and the tests need no setup; with DEBUG off that is a system check
error (``manage.py check --deploy``).

Old keys stay verifiable after a rotation: ``AUDIT_PUBLIC_KEYS`` (comma-separated
base64 raw public keys) and ``AUDIT_PUBLIC_KEYS_FILE`` (a published ``keys.json``) add
public keys, and each event names its ``key_id`` (the first 16 hex digits of the
SHA-256 of the raw public key).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from governance.audit import chain


class SigningKey:
    """The private key with its public half and ``key_id``."""

    def __init__(self, private: Ed25519PrivateKey):
        self.private = private
        self.public_raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = chain.key_id_for(self.public_raw)

    def sign(self, message: bytes) -> str:
        """Base64 of the Ed25519 signature of ``message``."""
        return base64.b64encode(self.private.sign(message)).decode("ascii")

    def sign_hash(self, event_hash: str) -> str:
        return self.sign(chain.event_message(event_hash))


def _private_from_text(text: str, source: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = base64.b64decode(text, validate=True)
            if len(raw) == 32:
                key = Ed25519PrivateKey.from_private_bytes(raw)
            elif raw.startswith(b"-----BEGIN"):
                key = serialization.load_pem_private_key(raw, password=None)
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"{source} is not an Ed25519 private key ({exc}).") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{source} is not an Ed25519 private key.")
    return key


def _dev_key(path: Path) -> Ed25519PrivateKey:
    """Read the development key file, generating it first (atomically) if missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        temp.write_bytes(pem)
        temp.chmod(0o600)
        try:
            os.link(temp, path)  # fails if a parallel process made it first
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return _private_from_text(path.read_text("ascii"), str(path))


def key_configured() -> bool:
    """Whether the deployment names its key (rather than using the generated dev key)."""
    return bool(settings.AUDIT_SIGNING_KEY or settings.AUDIT_SIGNING_KEY_FILE)


@functools.cache
def signing_key() -> SigningKey:
    """The deployment's signing key (read once a process)."""
    if settings.AUDIT_SIGNING_KEY:
        return SigningKey(_private_from_text(settings.AUDIT_SIGNING_KEY, "AUDIT_SIGNING_KEY"))
    if settings.AUDIT_SIGNING_KEY_FILE:
        path = Path(settings.AUDIT_SIGNING_KEY_FILE)
        try:
            text = path.read_text("ascii")
        except OSError as exc:
            raise ImproperlyConfigured(f"AUDIT_SIGNING_KEY_FILE: cannot read {path}.") from exc
        return SigningKey(_private_from_text(text, "AUDIT_SIGNING_KEY_FILE"))
    return SigningKey(_dev_key(Path(settings.AUDIT_DEV_KEY_FILE)))


def _public_from_b64(text: str, source: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"{source}: {text!r} is not an Ed25519 public key.") from exc
    return raw


@functools.cache
def public_keys() -> dict[str, bytes]:
    """Every known public key (raw bytes) by ``key_id``: the current key first, then
    retired ones from ``AUDIT_PUBLIC_KEYS`` and ``AUDIT_PUBLIC_KEYS_FILE``."""
    current = signing_key()
    keys = {current.key_id: current.public_raw}
    for text in settings.AUDIT_PUBLIC_KEYS:
        raw = _public_from_b64(text, "AUDIT_PUBLIC_KEYS")
        keys.setdefault(chain.key_id_for(raw), raw)
    if settings.AUDIT_PUBLIC_KEYS_FILE:
        path = Path(settings.AUDIT_PUBLIC_KEYS_FILE)
        for key_id, raw in chain.load_keys(path).items():
            keys.setdefault(key_id, raw)
    return keys


def keys_document() -> dict:
    """The published ``keys.json``: what ``chain.py --keys`` reads."""
    current = signing_key().key_id
    return {
        "algorithm": "Ed25519",
        "key_id": "first 16 hex digits of SHA-256 of the raw 32-byte public key",
        "signed_message": {
            "event": chain.EVENT_PREFIX.decode() + "<hash>",
            "checkpoint": chain.CHECKPOINT_PREFIX + "<seq>\\n<hash>\\n<signed at, ISO-8601>",
        },
        "keys": [
            {
                "key_id": key_id,
                "public_key": base64.b64encode(raw).decode("ascii"),
                "current": key_id == current,
            }
            for key_id, raw in public_keys().items()
        ],
    }


def keys_json() -> str:
    return json.dumps(keys_document(), indent=2)


def reset_cache() -> None:
    """Forget the loaded keys (tests that change the key settings call this)."""
    signing_key.cache_clear()
    public_keys.cache_clear()
