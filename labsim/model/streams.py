"""Named random streams and inverse-transform sampling.

Each source of randomness (arrivals of a sector, a stage's durations, an outcome
draw) has its own stream, keyed by (seed, replication, stream name). Two scenarios
run with the same seed therefore share random numbers, and adding or changing one
stage does not reshuffle another's draws. Durations are drawn by inverting their
distribution function on the stream's uniforms, so a larger mean lengthens the
same draws instead of replacing them: common random numbers at their strongest.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import numpy as np
from scipy import special

from ..scenario.parameters import Duration

BLOCK = 256
"""Uniforms drawn at a time; draws are identical whatever the block size."""


def stream_generator(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` in one replication; stable across runs and machines."""
    key = zlib.crc32(name.encode("utf-8"))
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, key))
    return np.random.Generator(np.random.PCG64(sequence))


def duration_quantiles(duration: Duration, u: np.ndarray) -> np.ndarray:
    """Inverse distribution function of ``duration`` (calendar days) at uniforms ``u``."""
    family, mean = duration.family, duration.mean
    if family == "fixed":
        return np.full_like(u, mean)
    if family == "exponential":
        return -mean * np.log1p(-u)
    if family == "lognormal":
        sigma2 = math.log1p(duration.cv**2)
        mu = math.log(mean) - sigma2 / 2
        return np.exp(mu + math.sqrt(sigma2) * special.ndtri(u))
    if family == "gamma":
        shape = 1.0 / duration.cv**2
        return special.gammaincinv(shape, u) * (mean / shape)
    if family == "triangular":
        a, c, b = duration.low_days, duration.mode_days, duration.high_days
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < split, left, right)
    raise ValueError(f"unknown duration family {family!r}")  # scenario validation prevents this


def lognormal_counts(mean: float, cv: float, u: np.ndarray) -> np.ndarray:
    """Heavy-tailed whole numbers >= 1 with roughly the given mean (workers per case)."""
    draws = duration_quantiles(Duration("lognormal", mean_days=mean, cv=cv), u) if cv > 0 else (
        np.full_like(u, mean))
    return np.maximum(1, np.rint(draws)).astype(np.int64)


class Draws:
    """Buffered draws from one stream, transformed from uniforms block by block."""

    def __init__(self, generator: np.random.Generator,
                 transform: Callable[[np.ndarray], np.ndarray] | None = None):
        self._generator = generator
        self._transform = transform
        self._buffer = np.empty(0)
        self._next = 0

    def _refill(self) -> None:
        u = self._generator.random(BLOCK)
        self._buffer = self._transform(u) if self._transform else u
        self._next = 0

    def next(self) -> float:
        """One draw."""
        if self._next == len(self._buffer):
            self._refill()
        value = self._buffer[self._next]
        self._next += 1
        return float(value)

    def take(self, n: int) -> np.ndarray:
        """The next ``n`` draws, the same values ``n`` calls to ``next`` would give."""
        parts, needed = [], n
        while needed > 0:
            if self._next == len(self._buffer):
                self._refill()
            chunk = self._buffer[self._next:self._next + needed]
            self._next += len(chunk)
            needed -= len(chunk)
            parts.append(chunk)
        return np.concatenate(parts) if parts else np.empty(0)


class Streams:
    """All named streams of one replication."""

    def __init__(self, seed: int, replication: int):
        self.seed, self.replication = seed, replication

    def uniforms(self, name: str) -> Draws:
        return Draws(stream_generator(self.seed, self.replication, name))

    def durations(self, name: str, duration: Duration) -> Draws:
        return Draws(stream_generator(self.seed, self.replication, name),
                     lambda u: duration_quantiles(duration, u))
