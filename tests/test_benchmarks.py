"""The benchmark scripts stay runnable: their hand-written reference model follows the
scenario's current fields and sees the arrivals theory expects."""

import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import labsim
from labsim.scenario.rates import grievances_per_year

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_minimal_reference_model_sees_the_expected_arrivals():
    textbook = labsim.load_scenario("textbook_network")
    days = 2 * 365.0
    count = _module("bench_core").minimal_textbook(textbook, days, seed=1)
    per_year = sum(grievances_per_year(textbook, kind) for kind in ("individual", "collective"))
    expected = per_year * days / 365.0
    assert abs(count - expected) < 4 * math.sqrt(expected)  # Poisson: 4 standard deviations


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_robustness_benchmark_runs_at_a_tiny_size():
    bench = _module("bench_robustness")
    tiny = labsim.RunSettings(years=0.5, replications=2, seed=1, warmup_days=30.0)
    assert bench.measure("serial", 2, tiny) > 0
    assert bench.refit_seconds(2, seed=1) > 0


@pytest.mark.slow
def test_the_room_benchmark_runs_two_pages_that_answer_and_leave_no_kernel():
    pytest.importorskip("served_pages")  # Debian's chromium and Playwright
    bench = _module("bench_room")
    row = bench.run(bench.arguments(["--moves=2", "--mode=same", "--after-close=10",
                                     "--think", "0.5", "1", "--browsers-yield"]), 2)
    assert row["failures"] == [] and row["updates"] >= 2
    assert row["first_p50"] <= row["update_p50"]  # the first estimate, then the answer
    assert row["render_p95"] is not None and row["kernels_after_close"] == 0
    assert 0 < row["pss_per_visit"] < 1024 ** 3


@pytest.mark.slow
def test_the_room_benchmark_moves_pages_over_their_websockets_without_browsers():
    """``--no-browsers``: participants' devices elsewhere; the moves answer as on a page, and
    each page's closing shuts its kernel down."""
    bench = _module("bench_room")
    row = bench.run(bench.arguments(["--no-browsers", "--moves=2", "--mode=same",
                                     "--after-close=10", "--think", "0.5", "1"]), 2)
    assert row["failures"] == [] and row["updates"] == 4
    assert row["first_p50"] <= row["update_p50"]
    assert row["server_p95"] <= row["update_p95"] + 0.05  # the page shows tenths of a second
    assert row["render_p95"] is not None and row["kernels_after_close"] == 0


@pytest.mark.slow
def test_the_room_benchmark_measures_the_servers_part_of_first_views_without_a_browser():
    bench = _module("bench_room")
    row = bench.run(bench.arguments(["--pages-only"]), 2)
    assert row["failures"] == 0 and 0 < row["sent_p50"] <= row["sent_p95"] < 120
    assert row["cpu_server"] > 0


YIELDING = """
import os, subprocess, sys
sys.path.insert(0, sys.argv[1])
from bench_room import yield_cpu
browser = subprocess.Popen(["sleep", "30"])
server = subprocess.Popen(["sleep", "30"])
yield_cpu(os.getpid(), leaving_out=server.pid)
print(os.getpriority(os.PRIO_PROCESS, browser.pid), os.getpriority(os.PRIO_PROCESS, server.pid),
      os.getpriority(os.PRIO_PROCESS, 0))
browser.kill(), server.kill()
"""


@pytest.mark.skipif(os.getpriority(os.PRIO_PROCESS, 0) >= 19, reason="already at the lowest")
def test_the_room_benchmark_lowers_its_browsers_priority_and_not_the_servers():
    shown = subprocess.run([sys.executable, "-c", YIELDING, str(BENCHMARKS)], capture_output=True,
                           text=True, timeout=60, check=True).stdout.split()
    own = str(os.getpriority(os.PRIO_PROCESS, 0))
    assert shown == ["19", own, own]
