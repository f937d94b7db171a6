"""Speed of experiments: run with `make bench` (or `python benchmarks/bench_experiments.py`).

1. The interactive case: 2 policies x 10 replications x 3 simulated years, compared, on
   2 processes once the pool is warm (target < 1.0 s), for the full warm-up (365 days) and
   the dashboard's preview warm-up (180 days), and a revisited slider position (cached).
2. Sweep throughput in scenarios per second: 1 and 2 local processes and a 2-worker Dask
   LocalCluster, side by side.
"""

from __future__ import annotations

import statistics
import tempfile
import time

import labsim
from labsim.experiments.comparison import compare
from labsim.experiments.executors import local_processes
from labsim.experiments.search import sweep

RUN = labsim.RunSettings(years=3.0, replications=10)
TWO = local_processes(2)
GRID = {"individual_conciliation.labour_inspectors": [6, 8, 10, 12],
        "arbitration.arbitrators": [15, 25]}


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interactive() -> None:
    policies = {name: labsim.load_scenario(name)
                for name in ("prevention_first", "resolution_first")}
    compare(policies, settings=RUN, executor=TWO)  # warm the pool
    print("interactive: 2 policies x 10 replications x 3 years, 2 processes, warm pool")
    for warmup in (365.0, 180.0):
        times = [timed(lambda s=seed, w=warmup: compare(
                     policies, settings=RUN.replace(seed=s, warmup_days=w), executor=TWO))
                 for seed in range(1, 8)]
        print(f"  warm-up {warmup:3.0f} days : median {statistics.median(times):.3f} s, "
              f"best {min(times):.3f} s   (target < 1.0 s)")
    with tempfile.TemporaryDirectory() as cache:
        base = policies["prevention_first"]
        points = [{"prevention.prevention_officers": n} for n in (30, 40)]
        sweep(base, points=points, cache_dir=cache, executor=TWO, progress=False, settings=RUN)
        again = timed(lambda: sweep(base, points=points, cache_dir=cache, executor=TWO,
                                    progress=False, settings=RUN))
        print(f"  revisited position (cache): {again:.3f} s")


def throughput() -> None:
    base = labsim.load_scenario("cambodia_baseline")
    small = {"settings": labsim.RunSettings(years=2.0, replications=2, warmup_days=180.0),
             "progress": False}
    points = len(GRID["individual_conciliation.labour_inspectors"]) * len(
        GRID["arbitration.arbitrators"])
    rates = {}
    sweep(base, grid=GRID, executor=TWO, **small)  # warm the pool
    rates["1 local process"] = points / timed(
        lambda: sweep(base, grid=GRID, executor="serial", **small))
    rates["2 local processes"] = points / timed(
        lambda: sweep(base, grid=GRID, executor=TWO, **small))
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        sweep(base, grid=GRID, executor=client, **small)  # warm the workers
        rates["2-worker Dask LocalCluster"] = points / timed(
            lambda: sweep(base, grid=GRID, executor=client, **small))
    print(f"sweep throughput: {points} scenarios x 2 replications x 2 years")
    for name, rate in rates.items():
        print(f"  {name:28s}: {rate:6.2f} scenarios/s")


if __name__ == "__main__":
    interactive()
    throughput()
