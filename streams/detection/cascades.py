"""Where a negative cascade is heading: SEISMIC (Zhao et al., KDD 2015) on reposts, replies and quotes.

A cascade is a negative root post plus the posts that relay it. SEISMIC models relays as a self-exciting
point process whose memory kernel is flat for ``s0`` then a power law of exponent ``1 + theta``; the
infectiousness p_t is relays so far over the audience already "spent", and the final size is
R_inf = R_t + p_t * N_remaining / (1 - p_t * n_star), with n_star the mean audience of a relay (the root's
own audience is excluded: it starts the cascade, it says nothing about how relays spread). When
p_t * n_star >= 1 the cascade is supercritical: it keeps growing, and we report that instead of a size.
(SEISMIC fits two scale constants on history; with no training data here both are 1.)
"""

from __future__ import annotations

from typing import Any

from streams.detection.config import DetectorConfig


def kernel_cdf(s_ms: float, cfg: DetectorConfig) -> float:
    """Share of a post's audience reached ``s_ms`` after it was posted."""
    if s_ms <= 0:
        return 0.0
    s0, theta = cfg.seismic_s0_ms, cfg.seismic_theta
    c0 = 1.0 / (s0 * (1.0 + 1.0 / theta))
    if s_ms <= s0:
        return c0 * s_ms
    return c0 * s0 + c0 * s0 / theta * (1.0 - (s_ms / s0) ** -theta)


def new_cascade(t: int, followers: int) -> dict[str, Any]:
    # ev: recent [time, audience] events (root first); old: audience of events dropped for space (fully spent).
    return {"t0": t, "ev": [[t, followers]], "old": 0, "r": 0, "last": t}


def add_relay(cascade: dict[str, Any], t: int, followers: int, cfg: DetectorConfig) -> None:
    cascade["ev"].append([t, followers])
    cascade["r"] += 1
    cascade["last"] = max(cascade["last"], t)
    if len(cascade["ev"]) > cfg.max_cascade_events:
        dropped = cascade["ev"].pop(1)  # keep the root; the oldest relay's audience is long since reached
        cascade["old"] += dropped[1]


def forecast(cascade: dict[str, Any], now: int, cfg: DetectorConfig) -> tuple[float, float, bool]:
    """(predicted final number of relays, infectiousness p_t * n_star, supercritical)."""
    relays = cascade["r"]
    spent = float(cascade["old"])
    remaining = 0.0
    audience_total = float(cascade["old"])
    for t, n in cascade["ev"]:
        reached = kernel_cdf(now - t, cfg)
        spent += n * reached
        remaining += n * (1.0 - reached)
        audience_total += n
    if relays == 0 or spent <= 0:
        return float(relays), 0.0, False
    p = relays / spent
    n_star = (audience_total - cascade["ev"][0][1]) / relays  # mean audience of a relay, dropped ones included
    branching = p * n_star
    if branching >= 1.0:
        return float(relays), branching, True
    return relays + p * remaining / (1.0 - branching), branching, False
