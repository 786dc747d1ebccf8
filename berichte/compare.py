"""Two report documents side by side: two versions of one report, or a year and the year before.

Sections, tables, rows and columns are matched by their keys, so a row that is new in one document (a new
category, a measure added) shows as added and one that is gone as removed, whatever the order.
"""

from dataclasses import dataclass, field


def difference(old, new):
    """``new - old`` for two numbers, else None (text, or a number on one side only)."""
    if isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool):
        result = round(new - old, 2)
        return int(result) if result == int(result) else result
    return None


@dataclass
class Cell:
    old: object
    new: object

    @property
    def changed(self):
        return self.old != self.new

    @property
    def delta(self):
        return difference(self.old, self.new)


@dataclass
class RowChange:
    key: str
    label: str
    state: str  # "changed", "added" or "removed"
    cells: list  # one Cell per column


@dataclass
class TableChange:
    section: str
    title: str
    row_header: str
    columns: list
    rows: list = field(default_factory=list)


def _cells(row, columns, keys):
    """The row's cells in the order of ``columns`` (by key), None where the row's table lacks the column."""
    if row is None:
        return [None] * len(columns)
    position = {key: index for index, key in enumerate(keys)}
    return [row["cells"][position[c["key"]]] if c["key"] in position else None for c in columns]


def _tables(document):
    return {(s["key"], t["key"]): (s, t) for s in document["sections"] for t in s["tables"]}


def version_changes(old, new):
    """What changed from document ``old`` to ``new``: a ``TableChange`` per table with a difference, listing
    the rows that differ in any cell, that were added or that were removed. Both should be in one language
    (``report.build`` in the language of the other, see ``views.VersionComparisonView``)."""
    old_tables, new_tables = _tables(old), _tables(new)
    changes = []
    for key in [*new_tables, *(k for k in old_tables if k not in new_tables)]:
        section, newer = new_tables.get(key) or old_tables[key]
        older = old_tables.get(key, (None, None))[1]
        newer = new_tables.get(key, (None, None))[1]
        base = newer or older
        columns = list(base["columns"])
        if older and newer:
            columns += [c for c in older["columns"] if c["key"] not in {n["key"] for n in columns}]
        old_rows = {r["key"]: r for r in (older or {}).get("rows", [])}
        new_rows = {r["key"]: r for r in (newer or {}).get("rows", [])}
        old_keys = [c["key"] for c in (older or base)["columns"]]
        new_keys = [c["key"] for c in (newer or base)["columns"]]
        change = TableChange(
            section=section["title"], title=base["title"], row_header=base["row_header"], columns=columns
        )
        for row_key in [*new_rows, *(k for k in old_rows if k not in new_rows)]:
            before, after = old_rows.get(row_key), new_rows.get(row_key)
            cells = [
                Cell(o, n)
                for o, n in zip(_cells(before, columns, old_keys), _cells(after, columns, new_keys), strict=True)
            ]
            state = "added" if before is None else "removed" if after is None else "changed"
            # A list names its entries: a new name is a change. A row of numbers is named by the report.
            renamed = state == "changed" and base["kind"] == "list" and before["label"] != after["label"]
            if state != "changed" or renamed or any(cell.changed for cell in cells):
                change.rows.append(RowChange(row_key, (after or before)["label"], state, cells))
        if change.rows:
            changes.append(change)
    return changes


@dataclass
class YearRow:
    label: str
    cells: list  # one Cell (last year, this year) per column


@dataclass
class YearTable:
    section: str
    title: str
    row_header: str
    columns: list
    rows: list = field(default_factory=list)


def _counts(row, columns, keys):
    """The row's numbers by ``columns``; a row a table does not have counted nothing: zeros."""
    if row is None:
        return [0] * len(columns)
    return _cells(row, columns, keys)


def year_comparison(previous, current):
    """The counts tables of ``current`` with, per quarter, last year's number beside this year's and the
    difference. Titles name the year, so tables are matched by key and titled as in ``current``."""
    previous_tables = _tables(previous)
    result = []
    for key, (section, this) in _tables(current).items():
        if this["kind"] != "counts" or section["key"] == "kennzahlen":
            continue  # lists are not compared by number; indicators already show the years side by side
        last = previous_tables.get(key, (None, None))[1]
        keys = [c["key"] for c in this["columns"]]
        last_keys = [c["key"] for c in last["columns"]] if last else keys
        last_rows = {r["key"]: r for r in last["rows"]} if last else {}
        comparison = YearTable(section["title"], this["title"], this["row_header"], this["columns"])
        rows = {r["key"]: r for r in this["rows"]}
        # A row of last year only (a category no longer offered) stays, with nothing this year.
        for key_only_last, last_row in last_rows.items():
            rows.setdefault(key_only_last, {**last_row, "cells": None})
        for row_key, row in rows.items():
            before = last_rows.get(row_key)
            old_cells = _counts(before, this["columns"], last_keys) if last else [None] * len(keys)
            new_cells = _counts(row if row["cells"] is not None else None, this["columns"], keys)
            comparison.rows.append(
                YearRow(row["label"], [Cell(old, new) for old, new in zip(old_cells, new_cells, strict=True)])
            )
        result.append(comparison)
    return result
