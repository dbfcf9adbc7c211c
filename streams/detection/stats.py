"""Count statistics: the Poisson GLR change-point scan and the Poisson upper tail.

Pure Python on purpose: these run inside ``process`` for every evaluation tick, where a scipy call
(tens of microseconds of overhead each) would cost more than the arithmetic itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate

_EPS = 1e-12


def decayed(value: float, since: int, now: int, half_life_ms: int) -> float:
    """``value`` as of ``since``, halved every ``half_life_ms`` until ``now`` (never grown: now <= since keeps it)."""
    if value == 0.0 or now <= since:
        return value
    return value * 0.5 ** ((now - since) / half_life_ms)


def poisson_llr(observed: float, expected: float) -> float:
    """Log-likelihood ratio of "rate raised to observed/expected" against "rate as expected"; 0 if not raised."""
    if observed <= expected or expected <= 0:
        return 0.0
    return observed * math.log(observed / expected) - (observed - expected)


def glr_scan(
    observed: Sequence[float], expected: Sequence[float], min_window: int, dispersion: float = 1.0
) -> tuple[float, int, float, float]:
    """GLR-CUSUM for a raised Poisson rate with unknown start, over windows ending at the latest bucket.

    ``observed``/``expected`` are per bucket, oldest first. Returns (statistic, window length in buckets,
    observed, expected) at the most likely change point; the statistic is divided by the quasi-Poisson
    ``dispersion`` so an overdispersed brand needs proportionally more evidence.
    """
    return glr_scans(observed, expected, min_window, dispersion, 0)[:4]


def glr_scans(
    observed: Sequence[float], expected: Sequence[float], min_window: int, dispersion: float = 1.0, short: int = 0
) -> tuple[float, int, float, float, float]:
    """``glr_scan``, plus the statistic of the ``short`` newest buckets judged from one bucket on (0: not asked).

    The window sums are accumulated newest first (``itertools.accumulate``: the same float additions, in the
    same order, as a loop adding one bucket at a time), so the result does not depend on how it is computed.
    Of equal statistics the shortest window wins.
    """
    n = len(observed)
    log = math.log
    sums_o = list(accumulate(reversed(observed)))
    sums_e = list(accumulate(reversed(expected)))
    # The log-likelihood ratio of each window (k = 1..n buckets); 0 where the rate is not raised.
    llrs = [o * log(o / e) - (o - e) if o > e > 0 else 0.0 for o, e in zip(sums_o, sums_e, strict=True)]
    scale = max(dispersion, 1.0)
    best_short = max(llrs[:short], default=0.0) if short else 0.0
    best = max(llrs[min_window - 1:], default=0.0)
    if best > 0:
        k = llrs.index(best, min_window - 1) + 1
        best_o, best_e = sums_o[k - 1], sums_e[k - 1]
    else:  # nothing raised: describe the shortest judged window
        best = 0.0
        k = min(min_window, n)
        best_o, best_e = sum(observed[n - k:]), sum(expected[n - k:])
    return best / scale, k, best_o, best_e, (best_short / scale if best_short > 0 else 0.0)


def glr_below_sums(last_o: float, last_e: float, older_o: Sequence[float], older_e: Sequence[float],
                   min_window: int, dispersion: float, threshold: float) -> bool:
    """True when ``glr_scan``'s statistic is certainly below ``threshold`` (False: it may not be), at the cost of a
    few logarithms, from the newest bucket's counts and the sums of the i older buckets (i = 0, 1, ...), newest
    first, which stay the same while only the newest bucket fills.

    Windows are taken in blocks of lengths [a, b]: no window of a block can score more than the block's longest
    observed count against its shortest expected count (the statistic grows with the observed count and falls
    with the expected one, and both only grow with the window). These sums are not added in the scan's order:
    a relative margin far above float rounding covers that.
    """
    if threshold <= 0:
        return False
    n = len(older_o)
    limit = threshold * max(dispersion, 1.0) * (1.0 - 1e-9)
    log = math.log
    a = min_window - 1
    while a < n:
        b = a + (a // 2 if a > 1 else 1)  # min(n - 1, a + max(1, a // 2)), without the calls
        if b > n - 1:
            b = n - 1
        o, e = last_o + older_o[b], last_e + older_e[a]
        if o > e > 0 and o * log(o / e) - (o - e) >= limit:
            return False
        a = b + 1
    return True


def poisson_sf(k: float, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu), via the regularised lower incomplete gamma P(k, mu); k may be fractional."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    return _gamma_p(k, mu)


def _gamma_p(a: float, x: float) -> float:
    # Numerical Recipes gser/gcf: series below a+1, continued fraction above.
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(500):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-12:
                break
        return min(1.0, total * math.exp(log_front))
    b = x + 1 - a
    c = 1 / _EPS
    d = 1 / b
    h = d
    for i in range(1, 500):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _EPS if abs(d) < _EPS else d
        c = b + an / c
        c = _EPS if abs(c) < _EPS else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-12:
            break
    return max(0.0, 1.0 - math.exp(log_front) * h)


def doubling_time(recent: float, earlier: float, span_ms: int) -> float:
    """Doubling time (minutes) of a count going from ``earlier`` to ``recent`` over ``span_ms``; -1: not growing."""
    growth = math.log((recent + 1.0) / (earlier + 1.0))
    if growth <= 0:
        return -1.0
    return span_ms / 60_000 * math.log(2) / growth
