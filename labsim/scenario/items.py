"""What a budget buys: prevention officers, workplace training and the staff of each staffed
stage (from the stage registry), each with the scenario field it sets, its unit cost and the
lever it belongs to.

>>> [item.name for item in ITEMS][:3]
['prevention_officers', 'training', 'labour_inspectors']
>>> item("training").column
'trained_workplace_share'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ScenarioError
from ..i18n import N_
from .dotted import get_path
from .parameters import Scenario, UnitCosts
from .stages import STAFFED_BY_ROUTE, route_on, staff_count, staffing, stage_entry


@dataclass(frozen=True)
class Item:
    """One thing money buys, and where it sits in a scenario."""

    name: str
    """Its key in a policy's allocation and in cost tables."""
    label: str
    """Its words in a table row."""
    lever: str
    """"prevention" or "resolution": which policy lever buys it."""
    path: str
    """Dotted path of what it sets: a count of staff, or a share trained."""
    unit_cost: str
    """The ``UnitCosts`` field: US dollars a year for one person, or for training one
    workplace or one staff member."""
    route: str = "core"
    """The route it belongs to (it exists only when the scenario runs that route)."""
    share_of: str | None = None
    """For training, whom the share is of: "workplaces", or the staffed stage whose staff
    are trained. It costs share x their number x unit cost and is bought as a share."""
    bought_by_policies: bool = True
    counts_as_resolution_budget: bool = False
    """Whether its cost counts in the cost per resolved filed dispute."""

    @property
    def column(self) -> str:
        """The name of what it sets, as tables show it: 'labour_inspectors',
        'trained_workplace_share'."""
        return self.path.rsplit(".", 1)[-1]

    @property
    def style(self) -> str:
        """How its quantity reads: 'count' (whole people) or 'percent' (a share)."""
        return "count" if self.share_of is None else "percent"


PREVENTION_ITEMS = (
    Item("prevention_officers", N_("Prevention officers"), "prevention",
         "prevention.prevention_officers", "prevention_officer_usd_per_year"),
    Item("training", N_("Workplaces trained in dialogue"), "prevention",
         "prevention.trained_workplace_share", "training_usd_per_workplace_per_year",
         share_of="workplaces"),
)


def _staff_items(name: str) -> tuple[Item, ...]:
    """A staffed stage's staff as an item, and the training of them if a policy can buy it."""
    staff, route = staffing(name), stage_entry(name).route
    items = (Item(staff.item, staff.item_label, "resolution", staff.count_path, staff.unit_cost,
                  route=route, bought_by_policies=staff.bought_by_policies,
                  counts_as_resolution_budget=staff.counts_as_resolution_budget),)
    if staff.training is not None:
        t = staff.training
        items += (Item(t.item, t.label, "resolution", t.path, t.unit_cost, route=route,
                       share_of=name, bought_by_policies=staff.bought_by_policies,
                       counts_as_resolution_budget=staff.counts_as_resolution_budget),)
    return items


ITEMS: tuple[Item, ...] = (*PREVENTION_ITEMS,
                           *(item for name in STAFFED_BY_ROUTE for item in _staff_items(name)))
"""Everything a budget can buy, in the order tables show them."""
BOUGHT = tuple(entry for entry in ITEMS if entry.bought_by_policies)
"""What a policy's money can buy (its allocation's keys)."""
STAGE_OF_ITEM = {staffing(name).item: name for name in STAFFED_BY_ROUTE}
"""The staffed stage whose staff an item is (training items are not staff)."""
_BY_NAME = {entry.name: entry for entry in ITEMS}


def item(name: str) -> Item:
    """The item called ``name``; KeyError names an unknown one."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a budget item (one of "
                       f"{', '.join(_BY_NAME)})") from None


def items_on(s: Scenario) -> tuple[Item, ...]:
    """The items scenario ``s`` has (the optional routes' staff only where they run)."""
    return tuple(entry for entry in ITEMS if route_on(s, entry.route))


def unit_costs(s: Scenario) -> UnitCosts:
    """The scenario's unit costs, or a ScenarioError saying it has none."""
    if s.costs is None:
        raise ScenarioError("costs", None, "a [costs] section in the scenario", s.name)
    return s.costs


def enterprises(s: Scenario) -> int:
    """Enterprises in all sectors: the workplaces training can reach."""
    return sum(sector.enterprises for sector in s.arrivals.sectors)


def quantity(s: Scenario, entry: Item) -> float:
    """What the scenario has of an item: staff, or the share of workplaces trained."""
    return get_path(s, entry.path)


def trainees(s: Scenario, entry: Item) -> float:
    """How many a training item's share is of: workplaces, or a stage's staff."""
    return enterprises(s) if entry.share_of == "workplaces" else staff_count(s, entry.share_of)


def cost_usd(s: Scenario, entry: Item) -> float:
    """What the scenario's quantity of an item costs a year, US dollars."""
    unit = getattr(unit_costs(s), entry.unit_cost)
    if entry.share_of is not None:
        return quantity(s, entry) * trainees(s, entry) * unit
    return quantity(s, entry) * unit


def unit_cost_usd(s: Scenario, entry: Item) -> float:
    """What one unit costs a year: a person, or training everyone it can train."""
    unit = getattr(unit_costs(s), entry.unit_cost)
    return trainees(s, entry) * unit if entry.share_of is not None else unit


def bought_with(s: Scenario, entry: Item, dollars: float) -> float:
    """What ``dollars`` a year buy of an item: whole people (an exact multiple never floors
    one short), or a share trained of at most 1."""
    unit = unit_cost_usd(s, entry)
    if entry.share_of is not None:
        return min(1.0, dollars / unit) if unit > 0 else 0.0
    return math.floor(dollars / unit + 1e-9) if unit > 0 else 0
