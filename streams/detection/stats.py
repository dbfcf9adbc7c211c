"""Count statistics: the Poisson GLR change-point scan and the Poisson upper tail.

Pure Python on purpose: these run inside ``process`` for every evaluation tick, where a scipy call
(tens of microseconds of overhead each) would cost more than the arithmetic itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

_EPS = 1e-12


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
    best, best_k, best_o, best_e = 0.0, 0, 0.0, 0.0
    o = e = 0.0
    n = len(observed)
    log = math.log
    for k in range(1, n + 1):
        o += observed[n - k]
        e += expected[n - k]
        if k < min_window or o <= e or e <= 0:
            continue
        llr = o * log(o / e) - (o - e)  # poisson_llr, inlined for speed
        if llr > best:
            best, best_k, best_o, best_e = llr, k, o, e
    if best_k == 0:  # nothing raised: describe the shortest judged window
        k = min(min_window, n)
        best_k, best_o, best_e = k, sum(observed[n - k:]), sum(expected[n - k:])
    return best / max(dispersion, 1.0), best_k, best_o, best_e


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
