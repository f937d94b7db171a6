"""A table's columns as numpy arrays, each read from pandas once.

The KPIs of one replication read the same few columns of the case table dozens of times,
often of a subset of its rows; through pandas that indexing took a quarter of a replication.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def _array(column: pd.Series) -> np.ndarray:
    """A column's values; a categorical one as text (a missing category as ''), so that
    comparing it with a name runs in numpy."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = np.append(column.cat.categories.to_numpy(dtype=str), "")
        return names[column.cat.codes.to_numpy()]  # code -1 (missing) reads the last: ''
    return column.to_numpy()


class Columns:
    """Read-only columns by name (``table["end_day"]`` is a numpy array) of a table or of
    some of its rows; a column is computed when first asked for and then kept.

    >>> cases = Columns.of(pd.DataFrame({"kind": pd.Categorical(["individual", "migrant"]),
    ...                                  "end_day": [3.0, float("nan")]}))
    >>> cases.rows(cases["kind"] != "migrant")["end_day"]
    array([3.])
    """

    __slots__ = ("_read", "_names", "_kept", "_length")

    def __init__(self, read: Callable[[str], np.ndarray], names: frozenset[str], length: int):
        self._read, self._names, self._length = read, names, length
        self._kept: dict[str, np.ndarray] = {}

    @classmethod
    def of(cls, table: pd.DataFrame | Columns) -> Columns:
        """``table``'s columns (the same object if it already is one)."""
        if isinstance(table, Columns):
            return table
        return cls(lambda name: _array(table[name]), frozenset(table.columns), len(table))

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._kept:
            self._kept[name] = self._read(name)
        return self._kept[name]

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __len__(self) -> int:
        return self._length

    def rows(self, mask: np.ndarray) -> Columns:
        """The rows where ``mask`` (a boolean array, one per row) is true."""
        mask = np.asarray(mask, dtype=bool)
        return Columns(lambda name: self[name][mask], self._names, int(np.count_nonzero(mask)))
