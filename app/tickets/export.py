"""Turning rows into CSV text, a chunk at a time, so an export of any size streams."""
import csv
import io


def stream_csv(header, rows, chunk=500):
    """Yield CSV text for *header* and then *rows*, about *chunk* rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
