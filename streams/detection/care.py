"""Alerts for community managers: unanswered complaints, repeat critics, negative posts from high-reach accounts.

These are about relationships, not crises: they never open or escalate a snowball episode.
"""

from __future__ import annotations

from streams.detection.config import DetectorConfig
from streams.detection.memory import evict_oldest_inserted
from streams.detection.state import AuthorRecord, BrandState, OverdueComplaint, PendingComplaint
from streams.models import Alert, AlertKind, ClassifiedMention, Severity
from streams.timeunits import HOUR_MS


def _snippet(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def track_complaint(state: BrandState, mention_id: str, t: int, author_id: str | None, text: str,
                    cfg: DetectorConfig) -> None:
    """Watch a complaint until the brand answers or the deadline passes (``expire_complaints``).

    A full table takes no more: the complaint is counted, its deadline not watched. The table keeps the complaints
    it holds rather than the newest: those are due first. Dropping the oldest instead would, on a brand with more
    complaints per deadline than the table holds (25 a minute, 2 hours, 1,000 entries), drop every complaint
    before its deadline and never alert."""
    pending = state.pending
    if len(pending) < cfg.max_pending:
        pending[mention_id] = PendingComplaint(t, author_id, text[:81])  # shown as _snippet(...)
    else:
        state.stats["complaints_untracked"] += 1


def brand_reply(state: BrandState, cm: ClassifiedMention) -> list[Alert]:
    """A reply from one of the brand's accounts closes the complaint it answers (and its alert, if overdue)."""
    target = cm.mention.in_reply_to_id
    if target is None:
        return []
    if state.pending.pop(target, None) is not None:
        state.stats["answered_in_time"] += 1
        return []
    overdue = state.overdue.pop(target, None)
    if overdue is None:
        return []
    state.stats["answered_late"] += 1
    t = cm.mention.created_at
    waited = (t - overdue.at) / HOUR_MS
    return [Alert(
        alert_id=f"{cm.brand_id}:unanswered:{target}", kind=AlertKind.UNANSWERED_COMPLAINT, brand_id=cm.brand_id,
        severity=Severity.RESOLVED, opened_at=overdue.due, event_time=t, score=round(waited, 2),
        summary=f"{cm.brand_id}: complaint {target} answered after {waited:.1f} h",
        signals={"hours_waited": round(waited, 2)}, reasons=[f"the brand replied {waited:.1f} h after the complaint"],
        mention_ids=[target, cm.mention.id], author_id=overdue.author,
    )]


def expire_complaints(state: BrandState, brand_id: str, now: int, cfg: DetectorConfig) -> list[Alert]:
    """Complaints past their deadline with no brand reply: one alert each, then kept as overdue until answered."""
    alerts = []
    pending, overdue = state.pending, state.overdue
    # ``overdue_sorted``: the overdue complaints' due times never decrease in insertion order (the usual case:
    # complaints expire in arrival order), so the ones a day past due are a prefix.
    in_order = state.overdue_sorted
    last_due = next(reversed(overdue.values())).due if in_order and overdue else None
    expired = []
    for mention_id, (t, author, snippet) in pending.items():
        if t + cfg.answer_deadline_ms > now:
            break  # arrival order is near event order; a straggler is caught at the next tick
        expired.append(mention_id)
        due = t + cfg.answer_deadline_ms
        hours = cfg.answer_deadline_ms / HOUR_MS
        alerts.append(Alert(
            alert_id=f"{brand_id}:unanswered:{mention_id}", kind=AlertKind.UNANSWERED_COMPLAINT, brand_id=brand_id,
            severity=Severity.WATCH, opened_at=due, event_time=now, score=round((now - t) / HOUR_MS, 2),
            summary=f"{brand_id}: complaint unanswered for {hours:g} h: {_snippet(snippet)}",
            signals={"hours_waited": round((now - t) / HOUR_MS, 2), "deadline_hours": hours},
            reasons=[f"no reply from a {brand_id} account within {hours:g} h"],
            mention_ids=[mention_id], author_id=author,
        ))
        if in_order and (mention_id in overdue or (last_due is not None and due < last_due)):
            in_order = False
        overdue[mention_id] = OverdueComplaint(t, due, author)
        last_due = due
    for mention_id in expired:
        del pending[mention_id]
    retention = cfg.overdue_retention_ms
    if in_order:
        # A day past due: still unanswered, but no longer tracked. In due order, so a prefix.
        gone = []
        for mention_id, v in overdue.items():
            if v.due + retention > now:
                break
            gone.append(mention_id)
        for mention_id in gone:
            del overdue[mention_id]
        low = next(iter(overdue.values())).due if overdue else None
    else:
        # A lower bound of the overdue complaints' due times (None: none), so most ticks skip the scan.
        low = state.overdue_low
        if expired:
            first = min(overdue[k].due for k in expired)
            low = first if low is None else min(low, first)
        if low is not None and low + retention <= now:
            for mention_id in [k for k, v in overdue.items() if v.due + retention <= now]:
                del overdue[mention_id]  # a day past due: still unanswered, but no longer tracked
            low = min((v.due for v in overdue.values()), default=None)
        in_order = not overdue  # none left: the next ones start an ordered run
    state.overdue_low = low
    state.overdue_sorted = in_order
    state.stats["overdue_evicted"] += evict_oldest_inserted(overdue, cfg.max_overdue)
    return alerts


def repeat_critic(cm: ClassifiedMention, author: AuthorRecord, cfg: DetectorConfig) -> list[Alert]:
    """The same author back with negative posts again and again: a relationship to repair, not a crisis.

    ``author`` is the author's record; its ``negative_times`` include this post's.
    """
    times = author.negative_times
    t = cm.mention.created_at
    if len(times) < cfg.repeat_count or max(times) - min(times) > cfg.repeat_window_ms:
        return []
    if author.repeat_alert_at is not None and t - author.repeat_alert_at < cfg.repeat_cooldown_ms:
        return []
    author.repeat_alert_at = t
    author_id = cm.mention.author.id if cm.mention.author else "?"
    hours = (max(times) - min(times)) / HOUR_MS
    return [Alert(
        alert_id=f"{cm.brand_id}:repeat_critic:{author_id}:{min(times)}", kind=AlertKind.REPEAT_CRITIC,
        brand_id=cm.brand_id, severity=Severity.WATCH, opened_at=t, event_time=t, score=float(len(times)),
        summary=f"{cm.brand_id}: {author_id} posted {len(times)} negative mentions in {hours:.1f} h",
        signals={"negative_mentions": float(len(times)), "hours": round(hours, 2)},
        reasons=[f"{len(times)} negative mentions from the same author within {hours:.1f} h: "
                 "reach out one to one; this voice alone is not a snowball"],
        mention_ids=[cm.mention.id], author_id=author_id,
    )]


def high_reach_negative(cm: ClassifiedMention, author: AuthorRecord | None, cfg: DetectorConfig) -> list[Alert]:
    """A negative post from a verified or high-follower account: many people see it at once."""
    a = cm.mention.author
    if a is None:
        return []
    large = a.followers >= cfg.high_reach_followers or a.verified or cm.enrichment.author_tier in ("large", "verified")
    if not large:
        return []
    t = cm.mention.created_at
    if author is not None:
        if author.reach_alert_at is not None and t - author.reach_alert_at < cfg.high_reach_cooldown_ms:
            return []
        author.reach_alert_at = t
    severity = Severity.WARNING if a.followers >= cfg.very_high_reach_followers else Severity.WATCH
    why = "verified account" if a.verified else f"{a.followers:,} followers"
    return [Alert(
        alert_id=f"{cm.brand_id}:high_reach:{cm.mention.id}", kind=AlertKind.HIGH_REACH_NEGATIVE,
        brand_id=cm.brand_id, severity=severity, opened_at=t, event_time=t, score=float(a.followers),
        summary=f"{cm.brand_id}: negative post from {a.handle or a.id} ({why}): {_snippet(cm.mention.text)}",
        signals={"followers": float(a.followers), "verified": float(a.verified)},
        reasons=[f"negative post from a high-reach account ({why})"],
        mention_ids=[cm.mention.id], author_id=a.id,
    )]
