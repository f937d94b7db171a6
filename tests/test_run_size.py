"""A run's size is said before it starts: the memory estimate against what runs take
(measured in fresh processes), and refusals that name the estimate."""

import json
import subprocess
import sys

import pytest

import labsim
from labsim.experiments.run_size import check_size, estimate

MEASURE = """
import json, sys, tracemalloc
import labsim
from labsim.experiments.run_size import estimate
s = labsim.load_scenario(sys.argv[1])
settings = labsim.RunSettings(years=float(sys.argv[2]), replications=int(sys.argv[3]))
labsim.run(s, labsim.RunSettings(years=0.1, replications=1, warmup_days=1), executor="serial")
tracemalloc.start()  # every allocation, numpy's included; steadier than the resident size
labsim.run(s, settings, executor="serial")
print(json.dumps([tracemalloc.get_traced_memory()[1], estimate([s], settings, 1, True).peak_bytes]))
"""


@pytest.mark.slow
@pytest.mark.parametrize(("name", "years", "replications"), [
    ("cambodia_baseline", 5, 10), ("cambodia_baseline", 10, 10), ("migrant_grievances", 5, 20)])
def test_the_memory_estimate_is_within_twice_the_measured_peak(name, years, replications):
    out = subprocess.run([sys.executable, "-c", MEASURE, name, str(years), str(replications)],
                         capture_output=True, text=True, check=True).stdout
    measured, estimated = json.loads(out)
    assert measured / 2 <= estimated <= measured * 2, (measured, estimated)


def test_a_run_too_big_for_memory_is_refused_before_it_starts(baseline):
    with pytest.raises(labsim.InputError) as info:
        labsim.run(baseline, labsim.RunSettings(years=1e9, replications=1))
    assert "GiB" in info.value.allowed and "force" in info.value.allowed


def test_a_run_too_long_is_refused_unless_forced(baseline):
    settings = labsim.RunSettings(years=100, replications=1000)
    size = estimate([baseline], settings, 2, keep_cases=False)
    assert size.seconds > 600
    with pytest.raises(labsim.InputError) as info:
        labsim.replicate([baseline], settings,
                         executor=labsim.experiments.executors.local_processes(2))
    assert "minutes" in info.value.allowed


def test_the_cli_says_force_when_a_run_is_too_big(capsys):
    from labsim.views.cli import main
    assert main(["run", "cambodia_baseline", "--years", "1e9", "--reps", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--force" in err


@pytest.mark.parametrize(("settings", "named"), [
    (labsim.RunSettings(years=0.1, replications=1, warmup_days=1e9), "warmup_days"),
    (labsim.RunSettings(years=1e9, replications=1), "years"),
    (labsim.RunSettings(years=100, replications=1000), "replications"),  # ten minutes, not memory
])
def test_a_refusal_names_the_setting_that_makes_the_run_big(baseline, settings, named):
    with pytest.raises(labsim.InputError) as info:
        check_size([baseline], settings, 2, keep_cases=False)
    assert (info.value.path, info.value.value) == (named, getattr(settings, named))


@pytest.mark.parametrize(("preset", "changes", "named", "value"), [
    ("cambodia_baseline", {"arrivals.sectors.other.workers": 4_000_000_000,
                           "arrivals.sectors.other.individual_grievances_per_1000_workers_per_year":
                           365_000.0},
     "arrivals.sectors.other.workers/individual_grievances_per_1000_workers_per_year",
     (4_000_000_000, 365_000.0)),
    ("migrant_grievances", {"migrant_route.complaints_per_year": 1e12},
     "migrant_route.complaints_per_year", 1e12),
])
def test_a_scenario_too_big_for_the_smallest_run_names_the_fields_raising_its_grievances(
        baseline, preset, changes, named, value):
    busy = labsim.with_overrides(preset, {**changes, "name": "busy"})
    with pytest.raises(labsim.InputError) as info:
        check_size([baseline, busy], labsim.RunSettings(years=0.1, replications=1, warmup_days=0),
                   1, keep_cases=False)
    assert (info.value.path, info.value.value, info.value.source) == (named, value, "busy")
    assert "force" in info.value.allowed
