"""labsim's version, from the installed package's metadata (pyproject.toml is its source)."""

from __future__ import annotations

from importlib import metadata

try:
    VERSION = metadata.version("labsim")
except metadata.PackageNotFoundError:  # a source tree on sys.path, not installed
    VERSION = "0+unknown"
