"""Words for a snowball alert: one summary line and one reason per signal, each with its value."""

from __future__ import annotations

from streams.detection.severity import Held
from streams.detection.window import WindowSignals
from streams.models import Severity


def summary(brand_id: str, severity: Severity, sig: WindowSignals) -> str:
    if sig.topic:
        where = f" about {sig.topic}"
    elif sig.clusters and sig.clusters[0].share >= 0.3:  # what much of the wave says, when one thing does
        where = " about " + ", ".join(sig.clusters[0].terms[:3])
    else:
        where = ""
    if severity is Severity.RESOLVED:
        return f"{brand_id}: negative wave{where} has calmed down ({sig.ratio_hour:.1f}x baseline over the last hour)"
    if sig.day_glr > sig.glr:
        # The day-scale test is the stronger evidence (a sustained surge, or an episode it keeps open through a
        # quiet hour): "0 voices in 20 min" would tell the reader nothing of why the alert is there.
        return (f"{brand_id}: negative mentions{where} up for {sig.day_hours:.0f} h ({severity}): "
                f"{sig.day_observed:.0f} voices, {sig.day_ratio:.1f}x the same hours of the {sig.day_reference_days} "
                f"days before")
    return (f"{brand_id}: negative mentions{where} snowballing ({severity}): {sig.observed:.0f} voices in "
            f"{sig.window_min:.0f} min, {sig.ratio:.1f}x the {sig.expected:.1f} expected")


def reasons(sig: WindowSignals, held: Held, severity: Severity) -> list[str]:
    """One line per signal, then why the window holds no higher level: "held back" when that level is above the
    alert's (it could escalate), "below LEVEL now" when the episode keeps a level its window no longer reaches
    (an update or a resolution: the alert's severity is the episode's, never lowered until it resolves)."""
    out = [
        f"volume: {sig.observed:.0f} independent negative voices in {sig.window_min:.0f} min against "
        f"{sig.expected:.1f} expected for this hour and weekday ({sig.ratio:.1f}x; GLR {sig.glr:.1f}, "
        f"p={sig.p_value:.2g}, dispersion {sig.dispersion:.2f})",
        f"share: {sig.negative_share:.0%} of the last hour's {sig.mentions_hour:.0f} mentions are negative",
    ]
    if sig.doubling_min > 0:
        trend = "accelerating" if sig.acceleration > 0 else "slowing"
        out.append(f"growth: doubling every {sig.doubling_min:.0f} min, {trend} (acceleration {sig.acceleration:+.2f})")
    else:
        out.append("growth: not growing over the last 30 minutes")
    out.append(f"breadth: {sig.distinct_authors} distinct negative authors in the hour, {sig.first_time_share:.0%} "
               f"first-time; the most active wrote {sig.top_author_share:.0%}")
    out.append(f"amplification: {sig.engagement:.0f} reposts/replies/quotes counted on negative posts, "
               f"{sig.relays:.0f} relays seen, reach {sig.reach:,.0f} followers, "
               f"{sig.high_reach:.0f} high-reach or verified authors")
    if sig.cascade_root is not None:
        heading = ("still supercritical (each relay brings more than one)" if sig.cascade_supercritical
                   else f"heading for about {sig.cascade_forecast:.0f} relays")
        out.append(f"cascade: the largest negative cascade ({sig.cascade_root}) has {sig.cascade_relays:.0f} relays, "
                   f"{heading}; branching {sig.cascade_branching:.2f}")
    if sig.day_glr > 0:
        out.append(f"day scale: {sig.day_observed:.0f} voices in the last {sig.day_hours:.0f} h against "
                   f"{sig.day_expected:.0f} on the same hours of the {sig.day_reference_days} days before "
                   f"({sig.day_ratio:.2f}x, weekday-adjusted; GLR {sig.day_glr:.1f}); the newest hours "
                   f"{sig.day_ratio_recent:.2f}x")
    if sig.topic:
        out.append(f"topic: {sig.topic} carries {sig.topic_share:.0%} of the negative voices")
    if sig.terms:
        out.append("emerging terms: " + ", ".join(f"{t} ({s:.1f})" for t, s in sig.terms))
    if sig.clusters:
        out.append("about: " + "; ".join(f"{', '.join(c.terms)} in {c.share:.0%}" for c in sig.clusters)
                   + " of the hour's negative posts")
    if sig.brand_posts:
        out.append(f"brand voice: {sig.brand_posts} public post{'s' if sig.brand_posts > 1 else ''} or replies from "
                   f"the brand since the episode began, the latest {sig.minutes_since_brand_post:.0f} min ago")
    elif severity is not Severity.RESOLVED:
        out.append(f"brand voice: no public word from the brand since the episode began "
                   f"({sig.episode_minutes:.0f} min): say publicly that the problem is being handled")
    for level, why in held:
        escalates = severity is not Severity.RESOLVED and level.rank > severity.rank
        out.append(f"held back: {why}" if escalates else f"below {level} now: {why}")
    return out
