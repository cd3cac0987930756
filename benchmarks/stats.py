"""Percentiles of a sample of durations."""

import math


def percentile(values, p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between the closest ranks
    (NumPy's default), so that p50 of an even-sized sample is the mean of its middle pair."""
    if not values:
        raise ValueError("percentile of an empty sample")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values) -> dict:
    """p50, p95 and p99 of a sample, and its size."""
    return {"n": len(values), **{f"p{p}": percentile(values, p) for p in (50, 95, 99)}}
