"""Command line: ``labsim run | compare | sweep | calibrate | validate`` call what notebooks
call."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .calibration import DEFAULT_FREE, calibrate, load_targets
from .errors import InputError
from .evidence import COLUMNS, evidence
from .executors import ExecutorLike, local_processes
from .experiments import compare, sweep
from .files import read_toml
from .presets import load_scenario
from .report import format_comparison, format_evidence, format_summary, overload_lines, verdict
from .runner import run
from .scenario_io import save_scenario
from .settings import RunSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labsim", description="Simulate labour dispute prevention and resolution.")
    commands = parser.add_subparsers(dest="command", required=True)

    run_cmd = commands.add_parser("run", help="run a scenario and print its KPIs")
    run_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    _add_run_options(run_cmd, years=5.0, reps=30)
    run_cmd.add_argument("--out", help="directory to write the tables as CSV")
    run_cmd.add_argument("--all", action="store_true", help="print every KPI, not the key ones")

    compare_cmd = commands.add_parser(
        "compare", help="compare scenarios or policies with common random numbers")
    compare_cmd.add_argument("scenarios", nargs="+", help="scenario or policy files (2 or more)")
    compare_cmd.add_argument("--reference", help="name of the scenario to compare against "
                             "(default: the first)")
    _add_run_options(compare_cmd, years=3.0, reps=10)
    compare_cmd.add_argument("--all", action="store_true", help="every KPI, not the key ones")

    sweep_cmd = commands.add_parser("sweep", help="run a base scenario over a grid of overrides")
    sweep_cmd.add_argument("base", help="base scenario file or preset")
    sweep_cmd.add_argument("--grid", required=True,
                           help='TOML file: [grid] with "dotted.path" = [values, ...]')
    sweep_cmd.add_argument("--out", required=True, help="directory for results and cache")
    _add_run_options(sweep_cmd, years=3.0, reps=10)
    calibrate_cmd = commands.add_parser(
        "calibrate", help="fit grievance rates and escalation shares to observed figures")
    calibrate_cmd.add_argument("base", help="base scenario file or preset")
    calibrate_cmd.add_argument("--targets", help="targets CSV (default: "
                               "datasets/observed/calibration_targets.csv)")
    calibrate_cmd.add_argument("--method", choices=["surrogate", "simulation"],
                               default="surrogate", help="fit on expected flows (fast) or "
                               "refine on simulations (slow)")
    calibrate_cmd.add_argument("--free", help="comma-separated parameters to fit (default: "
                               "grievance scales and escalation shares)")
    calibrate_cmd.add_argument("--out", help="write the calibrated scenario to this TOML file")
    _add_run_options(calibrate_cmd, years=3.0, reps=10)

    evidence_cmd = commands.add_parser(
        "evidence", help="hold a scenario against the observed figures of the public record")
    evidence_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    evidence_cmd.add_argument("--csv", help="also write the table to this CSV file")
    _add_run_options(evidence_cmd, years=5.0, reps=10)

    validate_cmd = commands.add_parser("validate", help="check a scenario file")
    validate_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    return parser


def _add_run_options(parser: argparse.ArgumentParser, years: float, reps: int) -> None:
    parser.add_argument("--years", type=float, default=years,
                        help=f"simulated years (default {years:g})")
    parser.add_argument("--reps", type=int, default=reps,
                        help=f"replications (default {reps})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--warmup-days", type=float, default=365.0,
                        help="days simulated before counting starts (default 365)")
    parser.add_argument("--processes", type=int,
                        help="local processes to run replications in (default: one per core)")
    parser.add_argument("--executor", choices=["serial", "processes", "dask"],
                        default="processes", help="where replications run")
    parser.add_argument("--scheduler", help="Dask scheduler ADDRESS (implies --executor dask)")


def _settings(args: argparse.Namespace) -> RunSettings:
    return RunSettings(years=args.years, replications=args.reps, seed=args.seed,
                       warmup_days=args.warmup_days)


def _executor(args: argparse.Namespace) -> ExecutorLike:
    if args.scheduler:
        return args.scheduler
    if args.processes is not None and args.executor == "processes":
        if args.processes < 1:
            raise InputError("--processes", args.processes, "a whole number >= 1")
        return local_processes(args.processes)
    return args.executor


def _said(settings: RunSettings) -> str:
    return (f"{settings.years:g} years x {settings.replications} replications, seed "
            f"{settings.seed}, warm-up {settings.warmup_days:g} days")


def _run(args: argparse.Namespace) -> None:
    results = run(args.scenario, _settings(args), _executor(args),
                  progress=sys.stderr.isatty())
    print(f"{results.scenario.name}: {_said(results.settings)}")
    print(format_summary(results.summary(), full=args.all))
    for line in overload_lines({results.scenario.name: results.overloaded()}):
        print(line)
    if args.out:
        for path in results.to_csv(args.out):
            print(f"wrote {path}")


def _compare(args: argparse.Namespace) -> None:
    settings = _settings(args)
    comparison = compare(args.scenarios, reference=args.reference, settings=settings,
                         executor=_executor(args), progress=sys.stderr.isatty())
    differences = comparison.differences()
    print(f"{', '.join(comparison.names)}: {_said(settings)}, common random numbers")
    print(format_comparison(comparison.kpis(), differences, full=args.all))
    print()
    print("\n".join(overload_lines(comparison.overloaded()) + verdict(differences)))


def _read_grid(path: str) -> dict:
    data = read_toml(path, "grid")
    if not isinstance(data.get("grid"), dict):
        raise InputError("grid", path, 'a [grid] table of "dotted.path" = [values]')
    return data["grid"]


def _sweep(args: argparse.Namespace) -> None:
    grid = _read_grid(args.grid)
    out = Path(args.out)
    settings = _settings(args)
    rows = sweep(args.base, grid=grid, settings=settings, executor=_executor(args),
                 cache_dir=out / "cache", progress=True)
    out.mkdir(parents=True, exist_ok=True)
    rows.to_csv(out / "sweep.csv", index=False)
    points = rows["point"].nunique()
    print(f"{points} points x {args.reps} replications ({_said(settings)})")
    print(f"wrote {out / 'sweep.csv'}")


def _calibrate(args: argparse.Namespace) -> None:
    targets = (load_targets(args.targets, scenario=load_scenario(args.base).name)
               if args.targets else None)
    free = tuple(args.free.split(",")) if args.free else DEFAULT_FREE
    result = calibrate(args.base, targets, free=free, method=args.method,
                       settings=_settings(args), executor=_executor(args))
    print(f"calibrated {result.scenario.name} ({args.method}, {result.evaluations} "
          f"evaluations); fit error {result.objective:.3f}")
    for name, value in result.fitted.items():
        print(f"  {name} = {value:.4g}")
    print(result.table.drop(columns="source").to_string(index=False, float_format="%.4g"))
    if args.out:
        print(f"wrote {save_scenario(result.scenario, args.out)}")


def _evidence(args: argparse.Namespace) -> None:
    settings = _settings(args)
    table = evidence(args.scenario, settings, _executor(args))
    print(f"{args.scenario}: {_said(settings)}; observed figures from datasets/observed/")
    print(format_evidence(table))
    if args.csv:
        table.loc[:, list(COLUMNS)].to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")


COMMANDS = {"run": _run, "compare": _compare, "sweep": _sweep, "calibrate": _calibrate,
            "evidence": _evidence}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            scenario = load_scenario(args.scenario)
            print(f"{args.scenario}: valid scenario '{scenario.name}'")
        else:
            COMMANDS[args.command](args)
    except InputError as err:
        print(f"labsim: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
