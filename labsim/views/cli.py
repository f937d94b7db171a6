"""Command line: ``labsim run | compare | sweep | calibrate | evidence | robustness | validate |
cache prune`` call what notebooks call; every error ends in one line."""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..analysis.catalog import VERDICT_KPIS
from ..analysis.kpis import late_stages, overloaded_stages, summarise
from ..analysis.provenance import scenario_hash, stamp
from ..analysis.robustness import MIN_REPLICATIONS_FOR_COUNTS
from ..errors import InputError, RunError, WriteError
from ..experiments.cache import prune
from ..experiments.calibration import DEFAULT_FREE, calibrate, load_targets
from ..experiments.comparison import compare, replicate
from ..experiments.corners import corners
from ..experiments.evidence import COLUMNS, JUDGED_SEEDS, evidence
from ..experiments.executors import ExecutorLike, cores, local_processes
from ..experiments.expected_verdict import verdict_map
from ..experiments.identification import consistent_set, identifiability
from ..experiments.runner import run_to_directory
from ..experiments.search import sweep
from ..experiments.worlds import ROBUSTNESS_SETTINGS, can_check, robustness
from ..files import check_output_dir, check_output_file, read_toml, write_atomically
from ..i18n import LANGUAGES, _, display_name, use_language
from ..scenario.flows import expected_flows
from ..scenario.io import save_scenario
from ..scenario.presets import load_assumptions, load_scenario
from ..scenario.settings import RunSettings
from .report import (
    break_even_line,
    format_comparison,
    format_corners,
    format_evidence,
    format_identifiability,
    format_robustness,
    format_summary,
    format_targets,
    headline,
    late_lines,
    overload_lines,
    robustness_lines,
    verdict,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labsim", description="Simulate labour dispute prevention and resolution.")
    parser.add_argument("--lang", choices=list(LANGUAGES), help="language of tables, verdicts "
                        "and errors (default: LABSIM_LANG, else English)")
    commands = parser.add_subparsers(dest="command", required=True)

    run_cmd = commands.add_parser("run", help="run a scenario and print its KPIs")
    run_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    _add_run_options(run_cmd, years=5.0, reps=30)
    run_cmd.add_argument("--out", help="directory to write the tables as CSV (checked before "
                         "the run; tables are streamed, so any size fits in memory)")
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
    calibrate_cmd.add_argument("--consistent-set", metavar="CSV",
                               help="also draw 100 parameter sets (assumptions from their "
                               "ranges, the fitted parameters re-fitted) and write those that "
                               "reproduce the record to this CSV file")
    _add_run_options(calibrate_cmd, years=3.0, reps=10)

    evidence_cmd = commands.add_parser(
        "evidence", help="hold a scenario against the observed figures of the public record")
    evidence_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")
    evidence_cmd.add_argument("--csv", help="also write the table to this CSV file")
    _add_run_options(evidence_cmd, years=5.0, reps=10)
    evidence_cmd.add_argument("--seeds", type=int, default=JUDGED_SEEDS,
                              help=f"seeds whose replications are pooled, from --seed on "
                                   f"(default {JUDGED_SEEDS})")

    robust_cmd = commands.add_parser(
        "robustness", help="how sure a comparison is: the policies in many plausible worlds "
        "drawn from the assumptions' ranges, each re-fitted to the observed record")
    robust_cmd.add_argument("policies", nargs="+", help="policy files or presets sharing one "
                            "base scenario (2 or more; the first is the reference)")
    robust_cmd.add_argument("--draws", type=int, default=64,
                            help="plausible worlds to draw (default 64)")
    robust_cmd.add_argument("--csv", help="write one row per KPI to this CSV file")
    robust_cmd.add_argument("--save", metavar="DIR", help="save the whole result (worlds, "
                            "differences, stamp) to this directory, e.g. for the dashboard")
    robust_cmd.add_argument("--no-refit", action="store_true",
                            help="do not re-fit the calibrated parameters in each world")
    robust_cmd.add_argument("--cache", help="directory to keep finished replications in "
                            "(a repeated or interrupted check computes only the rest)")
    robust_cmd.add_argument("--all", action="store_true", help="every KPI, not the key ones")
    robust_cmd.add_argument("--map", metavar="CSV", help="also draw the strike-day verdict "
                            "over prevention's and resolution's effects (expected values, "
                            "about 20 s) and write it to this file")
    robust_cmd.add_argument("--corners", action="store_true",
                            help="instead of drawn worlds: the two extreme worlds, one "
                            "favouring each of two policies (also with staffing held central)")
    _add_run_options(robust_cmd, years=ROBUSTNESS_SETTINGS.years,
                     reps=ROBUSTNESS_SETTINGS.replications,
                     warmup=ROBUSTNESS_SETTINGS.warmup_days)

    validate_cmd = commands.add_parser("validate", help="check a scenario file")
    validate_cmd.add_argument("scenario", help="scenario TOML file, or a preset name")

    cache_cmd = commands.add_parser("cache", help="look after a result cache")
    cache_actions = cache_cmd.add_subparsers(dest="action", required=True)
    prune_cmd = cache_actions.add_parser(
        "prune", help="remove cache entries of other code versions, damaged entries, and "
        "temporary, partial and lock files of processes that are gone")
    prune_cmd.add_argument("directory", help="a cache (sweep --out DIR/cache, robustness "
                           "--cache DIR) or a run --out folder; its cache/ folder too")
    return parser


def _add_run_options(parser: argparse.ArgumentParser, years: float, reps: int,
                     warmup: float = 365.0) -> None:
    parser.add_argument("--lang", choices=list(LANGUAGES), default=argparse.SUPPRESS,
                        help="language of tables, verdicts and errors (also before the command)")
    parser.add_argument("--years", type=float, default=years,
                        help=f"simulated years (default {years:g})")
    parser.add_argument("--reps", type=int, default=reps,
                        help=f"replications (default {reps})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--warmup-days", type=float, default=warmup,
                        help=f"days simulated before counting starts (default {warmup:g})")
    parser.add_argument("--processes", type=int,
                        help="local processes to run replications in (default: one per core)")
    parser.add_argument("--executor", choices=["serial", "processes", "dask"],
                        default="processes", help="where replications run")
    parser.add_argument("--scheduler", help="Dask scheduler ADDRESS (implies --executor dask)")
    parser.add_argument("--force", action="store_true",
                        help="run even when the run is estimated to need more than half the "
                        "memory or ten minutes, or --processes is above twice the cores")


def _settings(args: argparse.Namespace) -> RunSettings:
    return RunSettings(years=args.years, replications=args.reps, seed=args.seed,
                       warmup_days=args.warmup_days, force=args.force)


def _executor(args: argparse.Namespace) -> ExecutorLike:
    if args.scheduler:
        return args.scheduler
    if args.processes is not None and args.executor == "processes":
        if args.processes < 1:
            raise InputError("--processes", args.processes, "a whole number >= 1")
        if args.processes > 2 * cores() and not args.force:
            raise InputError("--processes", args.processes, f"at most {2 * cores()} (twice "
                             f"the {cores()} cores here; --force to use more)")
        return local_processes(args.processes)
    return args.executor


def _said(settings: RunSettings) -> str:
    return _("{years:g} years x {replications} replications, seed {seed}, warm-up {warmup:g} "
             "days").format(years=settings.years, replications=settings.replications,
                            seed=settings.seed, warmup=settings.warmup_days)


def _run(args: argparse.Namespace) -> None:
    scenario, settings = load_scenario(args.scenario), _settings(args)
    if args.out is not None:
        out = check_output_dir(args.out, "--out")
        kpis = run_to_directory(scenario, out, settings, _executor(args),
                                progress=sys.stderr.isatty())
    else:
        kpis = replicate([scenario], settings, _executor(args),
                         progress=sys.stderr.isatty())[0]
    summary = summarise(kpis)
    print(f"{display_name(scenario.name)}: {_said(settings)}")
    print(format_summary(summary, full=args.all))
    fitted = load_targets(scenario=scenario.name)
    if fitted:
        print("\n" + _("The record it was fitted to "
                        "(datasets/observed/calibration_targets.csv):"))
        print("\n".join(format_targets(summary, fitted)))
    for line in (overload_lines({scenario.name: overloaded_stages(summary)})
                 + late_lines({scenario.name: late_stages(summary)})):
        print(line)
    print(f"({stamp(scenario, settings)})")
    if args.out is not None:
        print(_("wrote {files} to {folder}").format(
            files=", ".join(sorted(p.name for p in out.glob("*.csv"))), folder=out))


def _compare(args: argparse.Namespace) -> None:
    settings = _settings(args)
    scenarios = [load_scenario(path) for path in args.scenarios]
    comparison = compare(scenarios, reference=args.reference, settings=settings,
                         executor=_executor(args), progress=sys.stderr.isatty())
    differences = comparison.differences()
    print(_("{names}: {settings}, the same grievances for each (common random "
            "numbers)").format(names=", ".join(map(display_name, comparison.names)),
                               settings=_said(settings)))
    print(format_comparison(comparison.kpis(), differences, full=args.all))
    print()
    print("\n".join(overload_lines(comparison.overloaded()) + late_lines(comparison.late())
                    + [headline(differences)] + verdict(differences)))
    if can_check(args.scenarios):
        print(_("How far these hold across the assumptions' plausible ranges: {command}").format(
            command=f"labsim robustness {' '.join(args.scenarios)}"))
    print(f"({stamp({s.name: s for s in scenarios}, settings)})")


def _read_grid(path: str) -> dict:
    data = read_toml(path, "grid")
    if not isinstance(data.get("grid"), dict):
        raise InputError("grid", path, 'a [grid] table of "dotted.path" = [values]')
    return data["grid"]


def _sweep(args: argparse.Namespace) -> None:
    grid = _read_grid(args.grid)
    out = check_output_dir(args.out, "--out")
    base, settings = load_scenario(args.base), _settings(args)
    rows = sweep(base, grid=grid, settings=settings, executor=_executor(args),
                 cache_dir=out / "cache", progress=True)
    identity = json.dumps([scenario_hash(base), grid, repr(settings)], sort_keys=True,
                          default=str)
    path = out / f"sweep-{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:10]}.csv"
    try:
        write_atomically(path, f"# {stamp(base, settings)}; grid {json.dumps(grid)}\n"
                         + rows.to_csv(index=False))
    except WriteError as err:
        err.add_note(f"every replication is cached in {out / 'cache'}: the same command "
                     "writes the file without computing them again")
        raise
    points = rows["point"].nunique()
    print(f"{points} points x {args.reps} replications ({_said(settings)})")
    print(f"wrote {path}")


def _calibrate(args: argparse.Namespace) -> None:
    out = check_output_file(args.out, "--out") if args.out is not None else None
    sets = (check_output_file(args.consistent_set, "--consistent-set")
            if args.consistent_set is not None else None)
    base, settings = load_scenario(args.base), _settings(args)
    targets = load_targets(args.targets, scenario=base.name) if args.targets else None
    result_targets = targets if targets is not None else load_targets(scenario=base.name)
    free = tuple(args.free.split(",")) if args.free else DEFAULT_FREE
    result = calibrate(base, targets, free=free, method=args.method, settings=settings,
                       executor=_executor(args))
    print(f"calibrated {result.scenario.name} ({args.method}, {result.evaluations} "
          f"evaluations); fit error {result.objective:.3f}")
    for name, value in result.fitted.items():
        print(f"  {name} = {value:.4g}")
    print(result.table.drop(columns="source").to_string(index=False, float_format="%.4g"))
    if out is not None:
        print(f"wrote {save_scenario(result.scenario, out, header=stamp(base, settings))}")
    assumptions = load_assumptions(args.base)
    known = expected_flows(base)
    if any(t.kpi not in known for t in result_targets):
        print("What the record pins down: not profiled (the profile re-fits on the expected "
              "flows, which do not give "
              f"{', '.join(t.kpi for t in result_targets if t.kpi not in known)})"
              + ("; no consistent set written for the same reason" if sets else ""))
        return
    profile = identifiability(base, result_targets, free, assumptions,
                              progress=sys.stderr.isatty())
    print("\nWhat the record pins down (each parameter moved across its range, the fitted ones "
          "re-fitted; consistent = every target within its tolerance, with the other "
          "assumptions at their central values):")
    print(format_identifiability(profile))
    loose = profile[(profile["kind"] == "assumption") & (profile["share_of_range"] > 0.75)]
    if len(loose):
        names = ", ".join(loose["parameter"].head(3)) + (", ..." if len(loose) > 3 else "")
        print(f"The record does not constrain {len(loose)} of {len(assumptions)} assumptions "
              f"({names}): their ranges, not the data, decide how sure a verdict is "
              "(labsim robustness).")
    if sets is not None:
        table = consistent_set(base, assumptions, 100, result_targets, free, args.seed)
        write_atomically(sets, f"# {stamp(base, settings)}; parameter sets reproducing the "
                         "record\n" + table.to_csv(index=False))
        print(f"wrote {len(table)} of 100 drawn parameter sets (those consistent with the "
              f"record) to {sets}")


def _evidence(args: argparse.Namespace) -> None:
    out = check_output_file(args.csv, "--csv") if args.csv is not None else None
    if args.seeds < 1:
        raise InputError("--seeds", args.seeds, "a whole number >= 1")
    scenario, settings = load_scenario(args.scenario), _settings(args)
    table = evidence(scenario, settings, _executor(args), seeds=args.seeds)
    print(f"{args.scenario}: {_said(settings)}, pooled over {args.seeds} seeds "
          f"({settings.seed} to {settings.seed + args.seeds - 1}); observed figures from "
          "datasets/observed/")
    print(format_evidence(table))
    print(f"({stamp(scenario, settings)})")
    if out is not None:
        write_atomically(out, f"# {stamp(scenario, settings)}\n"
                         + table.loc[:, list(COLUMNS)].to_csv(index=False))
        print(f"wrote {out}")


def _robustness(args: argparse.Namespace) -> None:
    out = check_output_file(args.csv, "--csv") if args.csv is not None else None
    cache = check_output_dir(args.cache, "--cache") if args.cache is not None else None
    saved = check_output_dir(args.save, "--save") if args.save is not None else None
    vmap = check_output_file(args.map, "--map") if args.map is not None else None
    settings = _settings(args)
    if vmap is not None:
        _verdict_map(args, vmap)
    if args.corners:
        _corners(args, settings, out)
        return
    result = robustness(args.policies, draws=args.draws, settings=settings,
                        executor=_executor(args), refit=not args.no_refit,
                        progress=sys.stderr.isatty(), cache_dir=cache)
    summary = result.summary()
    kpis = list(summary["kpi"].unique()) if args.all else VERDICT_KPIS
    print(_("{names}: {worlds} plausible worlds ({assumptions} assumptions drawn from their "
            "ranges{refit}); {settings} per world, common random numbers").format(
        names=", ".join(map(display_name, result.names)), worlds=len(result.worlds),
        assumptions=len(result.assumptions), settings=_said(settings),
        refit="" if args.no_refit else _(", calibrated parameters re-fitted in each")))
    if result.refused_draws:
        print(f"{result.refused_draws} drawn worlds broke a rule of the model (e.g. the "
              "workplace settling more than every grievance) and were redrawn")
    for world, why in result.left_out.items():
        print(f"world {world} left out: {why}")
    if not result.counts_reliable:
        print(f"note: {settings.replications} replication{'s' * (settings.replications != 1)}"
              " per world are fewer than the "
              f"{MIN_REPLICATIONS_FOR_COUNTS} needed to call a world's difference clear: "
              "read the spread of differences and the worlds each side wins on average")
    print(format_robustness(summary, kpis))
    print()
    print("\n".join(robustness_lines(summary, kpis)))
    print(f"({result.stamp})")
    if out is not None:
        print(f"wrote {result.to_csv(out)}")
    if saved is not None:
        print(f"saved the result in {result.save(saved)}")


def _verdict_map(args: argparse.Namespace, out: Path) -> None:
    """``labsim robustness A B --map out.csv``: the strike-day verdict over the two effects."""
    if len(args.policies) != 2:
        raise InputError("policies", args.policies, "exactly two policies for --map")
    found = verdict_map(args.policies, refit=not args.no_refit, progress=sys.stderr.isatty())
    print(break_even_line(found))
    print(f"wrote {found.save(out)}")


def _corners(args: argparse.Namespace, settings: RunSettings, out: Path | None) -> None:
    """``labsim robustness A B --corners``: the verdict KPIs in the two extreme worlds."""
    if len(args.policies) != 2:
        raise InputError("policies", args.policies, "exactly two policies for --corners")
    table = corners(args.policies, settings=settings, executor=_executor(args),
                    refit=not args.no_refit, progress=sys.stderr.isatty())
    first, second = (display_name(Path(name).stem) for name in args.policies)
    print(f"{second} against {first} (relative difference; points for a share) in the "
          f"plausible world that most favours each, also with today's staff counts held "
          f"central; {_said(settings)} per corner, common random numbers")
    print(format_corners(table, [Path(name).stem for name in args.policies]))
    for note in table["note"]:
        if note:
            print(note)
    if out is not None:
        said = stamp({name: load_scenario(name) for name in args.policies}, settings)
        text = f"# {said}, corners\n{table.to_csv(index=False)}"
        print(f"wrote {write_atomically(out, text)}")


def _cache(args: argparse.Namespace) -> None:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise InputError("directory", args.directory, "an existing folder")
    pruned = prune(directory)
    if not pruned.files:
        print(f"nothing to remove in {directory}")
        return
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(pruned.files.items()))
    size = pruned.freed_bytes
    print(f"removed {pruned.files.total()} files from {directory} ({reasons}), freeing "
          + (f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"))


def _validate(args: argparse.Namespace) -> None:
    scenario = load_scenario(args.scenario)
    print(f"{args.scenario}: valid scenario '{scenario.name}'")


COMMANDS = {"run": _run, "compare": _compare, "sweep": _sweep, "calibrate": _calibrate,
            "evidence": _evidence, "robustness": _robustness, "validate": _validate,
            "cache": _cache}


def _in_one_line(err: BaseException) -> str:
    """An error and its notes (what was kept, what to do), on one line."""
    return "; ".join(part for part in (str(err), *getattr(err, "__notes__", ())) if part)


def _show_warning(show_otherwise: Callable[..., None], message: Warning | str,
                  category: type[Warning], *where: Any) -> None:
    """labsim's own warnings as one line; other libraries' as Python shows them."""
    if category.__module__.startswith("labsim"):
        print(_("labsim: warning: {message}").format(message=message), file=sys.stderr)
    else:
        show_otherwise(message, category, *where)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.lang:
        use_language(args.lang)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = functools.partial(_show_warning, warnings.showwarning)
            COMMANDS[args.command](args)
    except InputError as err:
        print(_("labsim: error: {message}").format(message=_in_one_line(err)), file=sys.stderr)
        return 2
    except RunError as err:
        print(_("labsim: error: {message}").format(message=_in_one_line(err)), file=sys.stderr)
        return 1
    except MemoryError:
        print(_("labsim: error: out of memory: run fewer years or replications (the size check "
                "was skipped with --force)"), file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        print(_("labsim: interrupted: {message}").format(
            message=_in_one_line(err) or _("nothing was written")), file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
