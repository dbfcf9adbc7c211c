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

from streams.detection.config import DetectorConfig
from streams.detection.memory import evict_lowest, evict_oldest_inserted
from streams.detection.state import BrandState, Bucket, Cascade, Root
from streams.models import ClassifiedMention


def kernel_cdf(s_ms: float, cfg: DetectorConfig) -> float:
    """Share of a post's audience reached ``s_ms`` after it was posted."""
    if s_ms <= 0:
        return 0.0
    s0, theta = cfg.seismic_s0_ms, cfg.seismic_theta
    c0 = 1.0 / (s0 * (1.0 + 1.0 / theta))
    if s_ms <= s0:
        return c0 * s_ms
    return c0 * s0 + c0 * s0 / theta * (1.0 - (s_ms / s0) ** -theta)


def new_cascade(t: int, followers: int) -> Cascade:
    return Cascade(t0=t, events=[[t, followers]], dropped_audience=0, relays=0, last=t)


def add_relay(cascade: Cascade, t: int, followers: int, cfg: DetectorConfig) -> None:
    cascade.events.append([t, followers])
    cascade.relays += 1
    cascade.last = max(cascade.last, t)
    if len(cascade.events) > cfg.max_cascade_events:
        dropped = cascade.events.pop(1)  # keep the root; the oldest relay's audience is long since reached
        cascade.dropped_audience += dropped[1]


def forecast(cascade: Cascade, now: int, cfg: DetectorConfig) -> tuple[float, float, bool]:
    """(predicted final number of relays, infectiousness p_t * n_star, supercritical)."""
    relays = cascade.relays
    spent = float(cascade.dropped_audience)
    remaining = 0.0
    audience_total = float(cascade.dropped_audience)
    for t, n in cascade.events:
        reached = kernel_cdf(now - t, cfg)
        spent += n * reached
        remaining += n * (1.0 - reached)
        audience_total += n
    if relays == 0 or spent <= 0:
        return float(relays), 0.0, False
    p = relays / spent
    n_star = (audience_total - cascade.events[0][1]) / relays  # mean audience of a relay, dropped ones included
    branching = p * n_star
    if branching >= 1.0:
        return float(relays), branching, True
    return relays + p * remaining / (1.0 - branching), branching, False


# -- counting ------------------------------------------------------------------------------------------------------

def count_relay(state: BrandState, cm: ClassifiedMention, cell: Bucket, cfg: DetectorConfig) -> None:
    """Replies, reposts and quotes of a recent negative post feed that post's cascade, whatever their tone."""
    m = cm.mention
    root_id = cm.enrichment.root_id
    if not root_id or root_id == m.id:
        root_id = m.reposts_id or m.quotes_id or m.in_reply_to_id
    if root_id is None:
        return
    followers = m.author.followers if m.author else cfg.seismic_default_followers
    cascades = state.cascades
    cascade = cascades.get(root_id)
    if cascade is None:
        root = state.roots.get(root_id)
        if root is None:
            return
        cascade = cascades[root_id] = new_cascade(root.at, max(root.followers, 1))
        if len(cascades) > cfg.max_cascades:
            evict_lowest(cascades, cfg.max_cascades, _last_relay)
            if root_id not in cascades:
                return
    add_relay(cascade, m.created_at, max(followers, 1), cfg)
    cell.relays += 1


def note_root(state: BrandState, mention_id: str, t: int, followers: int, cfg: DetectorConfig) -> None:
    """A negative post of its own (not a reply, quote or repost) may start a cascade."""
    roots = state.roots
    roots[mention_id] = Root(t, followers)
    if len(roots) > cfg.max_roots:
        evict_oldest_inserted(roots, cfg.max_roots)


def forget(state: BrandState, now: int, cfg: DetectorConfig) -> None:
    """Cascades silent longer than the horizon can no longer matter."""
    horizon = cfg.horizon_buckets * cfg.bucket_ms
    cascades = state.cascades
    for key in [k for k, c in cascades.items() if now - c.last > horizon]:
        del cascades[key]


def _last_relay(cascade: Cascade) -> int:
    return cascade.last


# -- the signal ------------------------------------------------------------------------------------------------------

def largest(state: BrandState, now: int, cfg: DetectorConfig) -> tuple[str, int, float, float, bool] | None:
    """(root id, relays, forecast, branching, supercritical) of the live cascade with the most relays, or None."""
    horizon = cfg.horizon_buckets * cfg.bucket_ms
    live = [(c.relays, root) for root, c in state.cascades.items() if now - c.last <= horizon]
    if not live:
        return None
    relays, root = max(live)
    if relays == 0:
        return None
    final, branching, supercritical = forecast(state.cascades[root], now, cfg)
    return root, relays, final, branching, supercritical
