"""Encryption at rest for everything a person wrote in their own words.

Fernet (from ``cryptography``) with a list of keys: the first encrypts, all of them
decrypt, so a key can be rotated (``innerchild keys rotate``) without losing data.
The embedded default keeps a key file beside the database, readable only by its owner; a
key file others can read is refused (whoever can read it can read every journal), with the
command that fixes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ..private_files import mode_of, private_dir


class KeyError_(Exception):
    """The key setting or key file is unusable; the message says what to do."""


class Cipher:
    def __init__(self, keys: list[str]):
        if not keys:
            raise KeyError_("no encryption key")
        try:
            self._fernets = [Fernet(k.strip().encode()) for k in keys]
        except (ValueError, TypeError):
            raise KeyError_(
                "INNERCHILD_ENCRYPTION_KEY must be Fernet keys (make one with: innerchild keys new)"
            ) from None
        self._multi = MultiFernet(self._fernets)

    def encrypt(self, text: str) -> str:
        return self._multi.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._multi.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise KeyError_("stored data cannot be decrypted with the configured key(s)") from None

    def rotate(self, token: str) -> str:
        """Re-encrypt under the first key."""
        return self._multi.rotate(token.encode("ascii")).decode("ascii")


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


KEY_FILE = "secret.key"


def key_file_keys(data_dir: Path) -> tuple[list[str], Path, bool]:
    """The key file's keys, creating it (owner-only) on first use. Returns (keys, path, created).
    A key file that others can read stops here: ``KeyError_`` with the command that fixes it."""
    path = data_dir / KEY_FILE
    created = False
    if not path.exists():
        private_dir(data_dir)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key() + "\n")
        created = True
    mode = mode_of(path)
    if mode & 0o077:
        raise KeyError_(f"the key file {path} can be read by others (mode {mode:o}): make it private with: chmod 600 {path}")
    keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return keys, path, created


_active: Cipher | None = None


def use_cipher(cipher: Cipher) -> None:
    """Set the process's cipher. One database key per process, set by the composition root."""
    global _active
    _active = cipher


def active_cipher() -> Cipher:
    if _active is None:
        raise KeyError_("no encryption key configured")
    return _active
