"""A table's columns as numpy arrays, each read from pandas once.

The KPIs of one replication read the same few columns of the case table dozens of times,
often of a subset of its rows; through pandas that indexing took a quarter of a replication.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def _array(column: pd.Series) -> np.ndarray:
    """A column's values, read-only: text (categories included) with '' where missing, so
    that comparing it with a name runs in numpy; a nullable number or truth value (a table
    read back with pandas' nullable types) as floats with NaN where missing."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        names = np.append(column.cat.categories.to_numpy(dtype=str), "")
        values = names[column.cat.codes.to_numpy()]  # code -1 (missing) reads the last: ''
    elif isinstance(dtype, pd.StringDtype):
        values = column.to_numpy(dtype=object, na_value="")
    elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and column.hasnans:
        values = column.to_numpy(dtype=float, na_value=np.nan)
    else:
        values = column.to_numpy()
    return _frozen(values.view())  # a view: the table's own array stays writeable


def _frozen(values: np.ndarray) -> np.ndarray:
    values.flags.writeable = False
    return values


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
        """The rows where ``mask`` (booleans, one per row, by position) is true."""
        mask = np.array(mask, dtype=bool)  # a copy: the caller may reuse its own
        if mask.shape != (self._length,):
            raise ValueError(f"a mask of {mask.shape} for {self._length} rows")
        return Columns(lambda name: _frozen(self[name][mask]), self._names,
                       int(np.count_nonzero(mask)))
