"""Pinned tables: a refactor changes no number.

A few scenarios and seeds are run and their case, visit and KPI tables reduced to a
fingerprint (values rounded to 9 significant digits, so the last bit of a platform's maths
library does not matter). A deliberate model change updates the pins in its own commit:
``python tests/test_pinned.py`` rewrites ``tests/pinned/tables.json``.
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import labsim

PINS = Path(__file__).resolve().parent / "pinned" / "tables.json"
CASES = {
    "cambodia_baseline": {"seed": 3},
    "migrant_grievances": {"seed": 5},
    "korea_inspired": {"seed": 7},
    "resolution_first": {"seed": 3},
    "textbook_network": {"seed": 11},
}
RUN = {"years": 1.5, "replications": 2, "warmup_days": 90.0}
"""Run settings of the pins (with each scenario's seed)."""


def _fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of the table's CSV with every float rounded to 9 significant digits."""
    rounded = table.copy()
    for column in rounded.columns:
        if pd.api.types.is_float_dtype(rounded[column]):
            rounded[column] = rounded[column].map(
                lambda v: "nan" if np.isnan(v) else f"{v:.9g}")
    return hashlib.sha256(rounded.to_csv(index=False).encode()).hexdigest()


def fingerprints(name: str) -> dict[str, str]:
    results = labsim.run(name, labsim.RunSettings(**RUN, **CASES[name]), executor="serial")
    kpis = results.kpis.reset_index()
    visits = results.visits[["replication", "stage", "request_day", "start_day", "end_day"]]
    return {"cases": _fingerprint(results.cases), "visits": _fingerprint(visits),
            "kpis": _fingerprint(kpis[sorted(kpis.columns)])}


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@pytest.mark.parametrize("name", sorted(CASES))
def test_tables_match_their_pins(name):
    pinned = json.loads(PINS.read_text(encoding="utf-8"))[name]
    assert fingerprints(name) == pinned


if __name__ == "__main__":
    PINS.write_text(json.dumps({name: fingerprints(name) for name in sorted(CASES)}, indent=1)
                    + "\n", encoding="utf-8")
    sys.exit(0)
