"""Command line: ``labsim run`` and ``labsim validate`` call the same functions as notebooks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import InputError
from .report import format_summary
from .runner import run
from .scenario_io import load_scenario


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labsim", description="Simulate labour dispute prevention and resolution.")
    commands = parser.add_subparsers(dest="command", required=True)

    run_cmd = commands.add_parser("run", help="run a scenario and print its KPIs")
    run_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    run_cmd.add_argument("--years", type=float, default=5.0, help="simulated years (default 5)")
    run_cmd.add_argument("--reps", type=int, default=30, help="replications (default 30)")
    run_cmd.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    run_cmd.add_argument("--warmup-days", type=float, default=365.0,
                         help="days simulated before counting starts (default 365)")
    run_cmd.add_argument("--processes", type=int, default=2,
                         help="parallel processes for replications (default 2)")
    run_cmd.add_argument("--out", help="directory to write the tables as CSV")
    run_cmd.add_argument("--all", action="store_true", help="print every KPI, not the key ones")

    validate_cmd = commands.add_parser("validate", help="check a scenario file")
    validate_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            scenario = load_scenario(args.scenario)
            print(f"{args.scenario}: valid scenario '{scenario.name}'")
            return 0
        results = run(args.scenario, years=args.years, replications=args.reps, seed=args.seed,
                      warmup_days=args.warmup_days, processes=args.processes,
                      progress=sys.stderr.isatty())
    except InputError as err:
        print(f"labsim: error: {err}", file=sys.stderr)
        return 2
    s = results.scenario
    print(f"{s.name}: {args.years:g} years x {args.reps} replications, seed {args.seed}, "
          f"warm-up {args.warmup_days:g} days")
    print(format_summary(results.summary(), full=args.all))
    if args.out:
        for path in results.to_csv(args.out):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
