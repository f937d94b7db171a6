"""Speed of a robustness check: run with `make bench` (or `python benchmarks/bench_robustness.py`).

The issue's case: 64 plausible worlds x 2 policies x 10 replications x 3 years, every world
re-fitted to the record, on 2 local processes and on a 2-worker Dask LocalCluster (target
< 60 s each). Reports the time, the re-fit's share of it (the same re-fits timed alone) and
whether the target was met.
"""

from __future__ import annotations

import time

import labsim
from labsim.experiments.calibration import fit_surrogate
from labsim.experiments.executors import ExecutorLike, local_processes
from labsim.experiments.worlds import ROBUSTNESS_SETTINGS, draw_worlds, world_scenario
from labsim.scenario.presets import load_assumptions, load_scenario

POLICIES = ["prevention_first", "resolution_first"]
TARGET_S = 60.0


def refit_seconds(draws: int, seed: int) -> float:
    """The re-fits of one check alone: the central world and every drawn one."""
    base = load_scenario("cambodia_baseline")
    assumptions = load_assumptions("cambodia_baseline")
    worlds, _ = draw_worlds(base, assumptions, draws, seed)
    start = time.perf_counter()
    rows = [[a.central for a in assumptions], *worlds[[a.path for a in assumptions]].to_numpy()]
    for values in rows:
        fit_surrogate(world_scenario(base, assumptions, values))
    return time.perf_counter() - start


def measure(executor: ExecutorLike, draws: int, settings: labsim.RunSettings) -> float:
    start = time.perf_counter()
    labsim.robustness(POLICIES, draws=draws, settings=settings, executor=executor,
                      progress=False)
    return time.perf_counter() - start


def main(draws: int = 64, settings: labsim.RunSettings = ROBUSTNESS_SETTINGS) -> None:
    from distributed import Client, LocalCluster

    print(f"robustness: {draws} worlds x 2 policies x {settings.replications} replications x "
          f"{settings.years:g} years, re-fitted")
    refit = refit_seconds(draws, settings.seed)
    two = local_processes(2)
    measure(two, 2, settings)  # warm the pool
    results = {"2 local processes": measure(two, draws, settings)}
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results["2-worker Dask LocalCluster"] = measure(client, draws, settings)
    for name, seconds in results.items():
        print(f"  {name:28s}: {seconds:5.1f} s  (re-fit {refit:.1f} s = "
              f"{refit / seconds:.0%} of it; target < {TARGET_S:.0f} s: "
              f"{'met' if seconds < TARGET_S else 'NOT met'})")


if __name__ == "__main__":
    main()
