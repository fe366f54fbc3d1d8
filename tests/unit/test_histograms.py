"""Medians and p90 read from the fixed log-spaced buckets stay within the stated error of the exact values."""
import random

import pytest

from app.services import histograms
from app.services.histograms import ABSOLUTE_ERROR, RELATIVE_ERROR, bucket, middle, percentiles
from app.services.report_stats import percentile


def histogram_of(values):
    counts = {}
    for value in values:
        counts[bucket(value)] = counts.get(bucket(value), 0) + 1
    return counts


def test_the_stated_bound_is_half_a_bucket():
    assert RELATIVE_ERROR == pytest.approx(0.0905, abs=0.0001)
    for seconds in (1, 1.5, 59, 60, 61, 179.9, 3600, 86400 * 3, 86400 * 400):
        assert abs(middle(bucket(seconds)) - seconds) <= RELATIVE_ERROR * seconds + 1e-9
    assert bucket(0) == bucket(0.99) == bucket(-5) == 0 and middle(0) == 0.5
    assert bucket(10 ** 12) == histograms.LAST_BUCKET


@pytest.mark.parametrize("seed", range(20))
def test_percentiles_from_buckets_against_exact_percentile_cont(seed):
    rng = random.Random(seed)
    size = rng.choice([1, 2, 3, 7, 50, 1000])
    values = [rng.choice([rng.uniform(0, 2), rng.uniform(30, 7200), rng.lognormvariate(8, 2)]) for _ in range(size)]
    count, median, p90 = percentiles(histogram_of(values))
    exact = sorted(values)
    assert count == size
    for estimate, share in ((median, 0.5), (p90, 0.9)):
        truth = percentile(exact, share)
        assert abs(estimate - truth) <= RELATIVE_ERROR * truth + ABSOLUTE_ERROR


def test_an_empty_histogram_has_no_percentiles():
    assert percentiles({}) == (0, None, None)
    assert histograms.unpack(0) == {} and histograms.from_bytes(b"") == histograms.from_bytes(None) == 0


def test_packed_histograms_add_up_bucket_by_bucket_and_measure_by_measure():
    rng = random.Random(3)
    values = [[rng.lognormvariate(8, 3) for _ in range(rng.randrange(50))] for _ in range(40)]
    packed = [sum(histograms.one(v, m) for m, v in ((i % 2, v) for i, v in enumerate(vs))) for vs in values]
    stored = [histograms.from_bytes(histograms.to_bytes(p)) for p in packed]
    assert stored == packed
    total = sum(stored)
    for measure in (0, 1):
        mine = [v for vs in values for i, v in enumerate(vs) if i % 2 == measure]
        assert histograms.unpack(total, measure) == histogram_of(mine)
    assert histograms.unpack(histograms.one(10 ** 12, 1), 1) == {histograms.LAST_BUCKET: 1}
    assert histograms.unpack(histograms.one(10 ** 12, 1), 0) == {}
    # A field holds 2**32 - 1 before it would carry into the next bucket.
    full = (2 ** histograms.FIELD_BITS - 1) * histograms.one(100)
    assert histograms.unpack(full) == {bucket(100): 2 ** histograms.FIELD_BITS - 1}
