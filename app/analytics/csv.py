"""A report table as CSV cells: durations in seconds, references as INC-n, text safe from spreadsheets."""
from datetime import date

PREFIXES = {"incident": "INC-", "ticket": "TCK-"}


def cell(value, kind):
    if value is None:
        return ""
    if kind == "duration":
        return str(round(value))
    if kind in ("percent", "share"):
        return f"{value * 100:.1f}"
    if kind in PREFIXES:
        return f"{PREFIXES[kind]}{value}"
    if isinstance(value, date):
        return value.isoformat()
    text = str(getattr(value, "value", value))
    # A leading = + - @ would make a spreadsheet run the cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_rows(table):
    """The CSV header and rows of *table*; a row may name its own kind last (the summary's mixed rows)."""
    header = [c.label + (" (seconds)" if c.kind == "duration" else " (%)" if c.kind in ("percent", "share") else "")
              for c in table.columns]
    rows = []
    for row in table.rows:
        own_kind = row[len(table.columns)] if len(row) > len(table.columns) else None
        rows.append([cell(value, own_kind if column.kind == "mixed" else column.kind)
                     for column, value in zip(table.columns, row)])
    return header, rows
