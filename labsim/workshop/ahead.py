"""Answers computed ahead: the main dashboard's positions one control at a time away from its
defaults, coarse to fine (each control's ends and middle first), put in the room's cache at
the lowest priority, so a participant's move is most often answered from it.

The positions are read from the dashboard itself (its controls' ranges and steps, and how it
turns them into settings), so they follow it when it changes. ``python -m
labsim.workshop.ahead`` runs it in a room (``labsim.workshop.serve`` starts it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from ..errors import RunError
from ..experiments.comparison import replicate
from . import room
from .controls import POLICY_NAMES, PREVIEW, PolicyControls, adjusted_base, pair_on
from .dashboards import NumberControl, PolicyDashboard, prevention_vs_resolution


def coarse_to_fine(steps: int) -> list[int]:
    """Step numbers 0..``steps``: both ends, then halves, quarters and so on.

    >>> coarse_to_fine(8)
    [0, 8, 4, 2, 6, 1, 3, 5, 7]
    """
    order, stride = [0, steps], 1
    while stride * 2 <= steps:
        stride *= 2
    while stride >= 1:
        order += [n for n in range(0, steps + 1, stride) if n not in order]
        stride //= 2
    return list(dict.fromkeys(order))


def positions(control: NumberControl) -> list[float]:
    """A control's values, coarse to fine."""
    steps = round((control.high - control.low) / control.step)
    return [round(min(control.low + n * control.step, control.high), control.decimals)
            for n in coarse_to_fine(steps)]


def settings_ahead(board: PolicyDashboard) -> Iterator[PolicyControls]:
    """The dashboard's settings with one control moved, coarse to fine across all of them
    (every control's ends first); the dashboard no longer recomputes as they are read."""
    for control in board.controls:
        control.unobserve(board.recompute, names="value")
    queues = [(control, control.value, positions(control)) for control in board.controls]
    seen = {board.current_controls()}
    for rank in range(max(len(values) for _c, _v, values in queues)):
        for control, today, values in queues:
            if rank >= len(values):
                continue
            control.value = values[rank]
            chosen = board.current_controls()
            control.value = today
            if chosen not in seen:
                seen.add(chosen)
                yield chosen


def compute_ahead(base: str = "cambodia_baseline") -> int:
    """Put the answers of ``settings_ahead`` in the room's cache; returns how many."""
    board = prevention_vs_resolution(base, brief_dir=".", facilitator=False)
    wanted = list(settings_ahead(board))
    executor = room.executor(room.Priority.AHEAD)
    for done, chosen in enumerate(wanted, start=1):
        try:
            pair = pair_on(adjusted_base(board.scenario, chosen), chosen)
        except ValueError:  # an InputError: settings the model cannot run, nothing to compute
            pair = None
        if pair is not None:
            replicate([pair[name] for name in POLICY_NAMES], PREVIEW, executor,
                      cache_dir=room.cache_directory())
        room.report_ahead(done, len(wanted))
    return len(wanted)


def main() -> int:
    if not room.in_room():
        print("labsim: answers are computed ahead only for a room (labsim.workshop.serve)",
              file=sys.stderr)
        return 2
    try:
        compute_ahead()
    except (RunError, KeyboardInterrupt):  # the room stopped first
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
