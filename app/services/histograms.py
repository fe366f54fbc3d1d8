"""Duration histograms with fixed log-spaced buckets, packed into one integer, and the percentiles read from them.

Bucket 0 holds durations under one second; bucket b >= 1 holds [2**((b-1)/4), 2**(b/4)) seconds,
four buckets per doubling, up to about 30 years. A value is read back as its bucket's geometric
middle, which is within 2**(1/8) - 1 (9.05%) of every duration in the bucket (half a second for
bucket 0). A percentile interpolates between the two values around its rank, as percentile_cont
does, so it is within the same bound of the exact percentile.

A cell keeps the histograms of its measures (MTTA and MTTR, say) as one packed integer: the count
of measure m's bucket b is the FIELD_BITS-bit field number m * BUCKETS + b. Adding two packed
integers adds every bucket of every measure at once, so summing a year of cells is one integer
addition per cell, not a dictionary merge. A field holds up to 2**32 - 1 durations, far more than
any period holds records; stored, the integer is its little-endian bytes.
"""
import math

PER_DOUBLING = 4
LAST_BUCKET = PER_DOUBLING * 30
BUCKETS = LAST_BUCKET + 1
FIELD_BITS = 32
RELATIVE_ERROR = 2 ** (1 / (2 * PER_DOUBLING)) - 1   # 0.0905
ABSOLUTE_ERROR = 0.5                                  # seconds, for durations under one second

_FIELD = (1 << FIELD_BITS) - 1


def bucket(seconds: float) -> int:
    """The bucket that holds *seconds* (negative durations, from clocks that disagree, count as zero)."""
    if seconds < 1:
        return 0
    return min(1 + math.floor(PER_DOUBLING * math.log2(seconds)), LAST_BUCKET)


def middle(number: int) -> float:
    """The value a bucket stands for: its geometric middle (0.5 s for bucket 0)."""
    if number == 0:
        return 0.5
    return 2 ** ((number - 0.5) / PER_DOUBLING)


def one(seconds: float, measure: int = 0) -> int:
    """The packed histograms that hold a single duration of *seconds* in the *measure*-th histogram."""
    return 1 << (FIELD_BITS * (measure * BUCKETS + bucket(seconds)))


def unpack(packed: int, measure: int = 0) -> dict:
    """{bucket: count} of the *measure*-th histogram in *packed*, empty buckets left out."""
    rest = packed >> (FIELD_BITS * measure * BUCKETS)
    histogram = {}
    for number in range(BUCKETS):
        if not rest:
            break
        count = rest & _FIELD
        if count:
            histogram[number] = count
        rest >>= FIELD_BITS
    return histogram


def to_bytes(packed: int) -> bytes:
    return packed.to_bytes((packed.bit_length() + 7) // 8, "little")


def from_bytes(stored: bytes | None) -> int:
    return int.from_bytes(stored, "little") if stored else 0


def percentiles(histogram: dict, shares=(0.5, 0.9)) -> tuple:
    """(count, value at each share) of *histogram* ({bucket: count}), interpolated like percentile_cont; values None when empty."""
    ordered = sorted((int(b), n) for b, n in histogram.items() if n)
    count = sum(n for _, n in ordered)
    if not count:
        return (0, *[None] * len(shares))

    def at(rank):
        seen = 0
        for number, n in ordered:
            seen += n
            if rank < seen:
                return middle(number)
        return middle(ordered[-1][0])

    values = []
    for share in shares:
        position = share * (count - 1)
        low, high = math.floor(position), math.ceil(position)
        values.append(at(low) + (at(high) - at(low)) * (position - low))
    return (count, *values)
