"""Arrivals follow their Poisson rate and seasonality; streams are stable and independent."""

import numpy as np
import pytest
from scipy import stats

from labsim.model.arrivals import MONTH_DAYS, arrival_times
from labsim.model.streams import Draws, duration_quantiles, stream_generator
from labsim.scenario.parameters import Duration

SEASON = (1.4, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 1.4, 1.45, 1.45, 1.4)


def test_arrivals_match_rate_and_monthly_seasonality():
    rate, years = 3.0, 40
    times = arrival_times(rate, SEASON, years * 365.0, Draws(stream_generator(1, 0, "a")))
    per_month = np.bincount((times // MONTH_DAYS).astype(int) % 12, minlength=12)
    expected = rate * np.array(SEASON) * MONTH_DAYS * years
    chi2 = stats.chisquare(per_month, expected * per_month.sum() / expected.sum())
    assert chi2.pvalue > 0.001
    assert len(times) == pytest.approx(rate * 365 * years, rel=4 / np.sqrt(rate * 365 * years))


def test_gaps_are_exponential_without_seasonality():
    times = arrival_times(2.0, (1.0,) * 12, 5000.0, Draws(stream_generator(2, 0, "a")))
    gaps = np.diff(times)
    assert stats.kstest(gaps, "expon", args=(0, 0.5)).pvalue > 0.001


def test_zero_rate_gives_no_arrivals():
    assert len(arrival_times(0.0, (1.0,) * 12, 100.0, Draws(stream_generator(2, 0, "a")))) == 0


def test_draws_do_not_depend_on_how_they_are_taken():
    a, b = Draws(stream_generator(3, 1, "x")), Draws(stream_generator(3, 1, "x"))
    one_by_one = [a.next() for _ in range(700)]
    assert np.array_equal(np.concatenate([b.take(5), b.take(300), b.take(395)]), one_by_one)


def test_streams_are_keyed_by_name_replication_and_seed():
    first = stream_generator(1, 0, "arbitration.service").random(5)
    assert np.array_equal(first, stream_generator(1, 0, "arbitration.service").random(5))
    for other in (stream_generator(1, 0, "court.delay"), stream_generator(1, 1,
                  "arbitration.service"), stream_generator(2, 0, "arbitration.service")):
        assert not np.array_equal(first, other.random(5))


@pytest.mark.parametrize("duration", [
    Duration("lognormal", mean_days=17.6, cv=0.7),
    Duration("gamma", mean_days=10.0, cv=0.5),
    Duration("exponential", mean_days=4.0),
    Duration("triangular", low_days=5.0, mode_days=15.0, high_days=15.0),
])
def test_durations_have_their_stated_mean(duration):
    u = stream_generator(5, 0, "d").random(200_000)
    draws = duration_quantiles(duration, u)
    assert draws.mean() == pytest.approx(duration.mean, rel=0.02)
    assert (draws >= 0).all()
    if duration.family in ("lognormal", "gamma"):
        assert draws.std() / draws.mean() == pytest.approx(duration.cv, rel=0.05)


def test_triangular_stays_inside_its_corners():
    d = Duration("triangular", low_days=5.0, mode_days=15.0, high_days=15.0)
    draws = duration_quantiles(d, stream_generator(5, 0, "d").random(10_000))
    assert draws.min() >= 5.0 and draws.max() <= 15.0
