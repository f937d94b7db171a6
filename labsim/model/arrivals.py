"""Grievance arrivals: a Poisson process with monthly seasonality.

Pure functions. A month is 365/12 days (the model's calendar has 365-day years).
"""

from __future__ import annotations

import numpy as np

from ..scenario.parameters import YEAR_DAYS
from .streams import Draws

MONTH_DAYS = YEAR_DAYS / 12


def cumulative_intensity(rate_per_day: float, seasonality: tuple[float, ...],
                         horizon_days: float) -> tuple[np.ndarray, np.ndarray]:
    """Month boundaries (days) and the expected number of arrivals up to each."""
    months = int(np.ceil(horizon_days / MONTH_DAYS))
    bounds = np.arange(months + 1) * MONTH_DAYS
    multipliers = np.asarray(seasonality)[np.arange(months) % 12]
    expected = np.concatenate(([0.0], np.cumsum(rate_per_day * multipliers * MONTH_DAYS)))
    return bounds, expected


def arrival_times(rate_per_day: float, seasonality: tuple[float, ...], horizon_days: float,
                  uniforms: Draws) -> np.ndarray:
    """Arrival days in [0, horizon) of a Poisson process with piecewise-constant monthly rate.

    Unit-rate Poisson points are mapped through the inverse cumulative intensity, so a
    lower rate stretches the same points rather than drawing new ones.
    """
    if rate_per_day <= 0:
        return np.empty(0)
    bounds, expected = cumulative_intensity(rate_per_day, seasonality, horizon_days)
    total = float(np.interp(horizon_days, bounds, expected))
    points, reached = [], 0.0
    while reached < total:
        gaps = -np.log1p(-uniforms.take(max(64, int(total - reached) + 64)))
        cumulative = reached + np.cumsum(gaps)
        points.append(cumulative[cumulative < total])
        reached = float(cumulative[-1])
    unit_points = np.concatenate(points) if points else np.empty(0)
    return np.interp(unit_points, expected, bounds)
