"""Numbers stay unique when the first ones are taken at the same moment (PostgreSQL)."""
import threading

import pytest

from app.models import next_number


def test_concurrent_first_numbers_are_all_different(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so there is no race to lose")
    barrier, numbers, errors = threading.Barrier(4), [], []

    def take():
        with app.app_context():
            try:
                barrier.wait()
                numbers.append(next_number("race"))
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]
