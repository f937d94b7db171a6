"""labsim's version (from the installed package's metadata; pyproject.toml is its source) and
the fingerprint of the code that computes results, for caches and reproducibility stamps."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

try:
    VERSION = metadata.version("labsim")
except metadata.PackageNotFoundError:  # a source tree on sys.path, not installed
    VERSION = "0+unknown"

VIEW_LAYERS = ("views", "workshop")
"""Folders that show results but cannot change them (docs/architecture.md): left out of the
fingerprint."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash of the version and the source of every module that affects results:
    a model change gives a new fingerprint even when the version stays the same."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(VERSION.encode("utf-8"))
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] not in VIEW_LAYERS:
            digest.update(relative.as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
