"""Alerts for community managers: unanswered complaints, repeat critics, negative posts from high-reach accounts,
and how complaints end (time to the brand's first reply, authors who come back negative after it).

These are about relationships, not crises: they never open or escalate a snowball episode.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice
from operator import attrgetter

from streams.detection.config import DetectorConfig
from streams.detection.memory import evict_oldest_inserted
from streams.detection.state import (
    AuthorRecord,
    BrandState,
    ComplaintsAlert,
    OverdueComplaint,
    PendingComplaint,
    ReplyOutcome,
)
from streams.models import Alert, AlertKind, ClassifiedMention, Severity
from streams.timeunits import HOUR_MS

_at = attrgetter("at")


def _snippet(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def track_complaint(state: BrandState, mention_id: str, t: int, author_id: str | None, text: str, url: str | None,
                    cfg: DetectorConfig) -> None:
    """Watch a complaint until the brand answers or the deadline passes (``expire_complaints``).

    A full table takes no more: the complaint is counted, its deadline not watched. The table keeps the complaints
    it holds rather than the newest: those are due first. Dropping the oldest instead would, on a brand with more
    complaints per deadline than the table holds (25 a minute, 2 hours, 1,000 entries), drop every complaint
    before its deadline and never alert."""
    pending = state.pending
    if len(pending) < cfg.max_pending:
        pending[mention_id] = PendingComplaint(t, author_id, text[:81], url)  # shown as _snippet(...)
    else:
        state.stats["complaints_untracked"] += 1


def brand_reply(state: BrandState, cm: ClassifiedMention, cfg: DetectorConfig) -> None:
    """A reply from one of the brand's accounts closes the complaint it answers. Its time to first reply is kept
    for the caller (``take_replies``) and its author watched for coming back negative (``came_back``); an overdue
    one leaves the brand's unanswered-complaints alert, which is updated at a next evaluation."""
    target = cm.mention.in_reply_to_id
    if target is None:
        return
    complaint: PendingComplaint | OverdueComplaint | None = state.pending.pop(target, None)
    if complaint is not None:
        state.stats["answered_in_time"] += 1
    else:
        complaint = state.overdue.pop(target, None)
        if complaint is None:
            return
        state.stats["answered_late"] += 1
        if state.complaints_alert is not None:
            state.complaints_alert.changed = True
    t = cm.mention.created_at
    state.replies.append(ReplyOutcome(complaint.at, t))
    if complaint.author is not None:
        answered = state.answered
        answered.pop(complaint.author, None)  # to the end: the order is the replies'
        answered[complaint.author] = t
        if len(answered) > cfg.max_answered:
            evict_oldest_inserted(answered, cfg.max_answered)


def came_back(state: BrandState, author_id: str, t: int, cfg: DetectorConfig) -> None:
    """A negative post from an author whose complaint the brand answered: within ``came_back_window_ms`` of the
    reply, the reply did not settle it (``came_back_negative``)."""
    replied = state.answered.get(author_id)
    if replied is None or t <= replied:
        return
    del state.answered[author_id]
    if t - replied <= cfg.came_back_window_ms:
        state.stats["came_back_negative"] += 1


def take_replies(state: BrandState) -> list[ReplyOutcome]:
    """The brand's replies to complaints since the last call (each complaint's first reply), oldest first."""
    replies, state.replies = state.replies, []
    return replies


def expire_complaints(state: BrandState, brand_id: str, now: int, cfg: DetectorConfig) -> list[Alert]:
    """Complaints past their deadline with no brand reply become overdue, listed in the brand's one
    unanswered-complaints alert until answered or a day past due (``complaints_alert``)."""
    pending, overdue = state.pending, state.overdue
    # ``overdue_sorted``: the overdue complaints' due times never decrease in insertion order (the usual case:
    # complaints expire in arrival order), so the ones a day past due are a prefix.
    in_order = state.overdue_sorted
    last_due = next(reversed(overdue.values())).due if in_order and overdue else None
    expired = []
    for mention_id, complaint in pending.items():
        if complaint.at + cfg.answer_deadline_ms > now:
            break  # arrival order is near event order; a straggler is caught at the next tick
        expired.append(mention_id)
        due = complaint.at + cfg.answer_deadline_ms
        if in_order and (mention_id in overdue or (last_due is not None and due < last_due)):
            in_order = False
        overdue[mention_id] = OverdueComplaint(complaint.at, due, complaint.author, complaint.snippet, complaint.url)
        last_due = due
    for mention_id in expired:
        del pending[mention_id]
    state.stats["complaints_overdue"] += len(expired)
    before = len(overdue)
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
    if (expired or len(overdue) != before) and state.complaints_alert is not None:
        state.complaints_alert.changed = True
    return complaints_alert(state, brand_id, now, cfg)


def complaints_alert(state: BrandState, brand_id: str, now: int, cfg: DetectorConfig) -> list[Alert]:
    """The brand's unanswered-complaints alert: opened when a complaint falls past the deadline, updated at most
    every ``unanswered_update_interval_ms`` while its list changes, resolved when the list empties. One alert a
    person can keep up with, instead of one per complaint; each complaint is in its ``complaints``."""
    alert = state.complaints_alert
    if alert is None:
        if not state.overdue:
            return []
        alert = state.complaints_alert = ComplaintsAlert(f"{brand_id}:unanswered:{now}", now, now)
        return [_complaints_update(state, brand_id, alert, Severity.WATCH, now, cfg)]
    if not state.overdue:
        state.complaints_alert = None
        return [_complaints_update(state, brand_id, alert, Severity.RESOLVED, now, cfg)]
    if alert.changed and now - alert.last_emit >= cfg.unanswered_update_interval_ms:
        alert.last_emit, alert.changed = now, False
        return [_complaints_update(state, brand_id, alert, Severity.WATCH, now, cfg)]
    return []


def _complaints_update(state: BrandState, brand_id: str, alert: ComplaintsAlert, severity: Severity, now: int,
                       cfg: DetectorConfig) -> Alert:
    overdue = state.overdue
    order = _oldest(overdue, cfg.complaints_listed)
    hours = cfg.answer_deadline_ms / HOUR_MS
    complaints, reasons = [], []
    for at, mention_id in order:
        c = overdue[mention_id]
        waited = round((now - at) / HOUR_MS, 2)
        text, line = _listed(c.author, c.snippet, c.url)
        complaints.append({"mention_id": mention_id, "author_id": c.author, "complained_at": at,
                           "hours_waited": waited, "url": c.url, "text": text})
        reasons.append(f"{waited:.1f} h{line}")
    count = len(overdue)
    oldest_at = order[0][0] if order else min(map(_at, overdue.values()), default=None)
    oldest = (now - oldest_at) / HOUR_MS if oldest_at is not None else 0.0
    if severity is Severity.RESOLVED:
        summary = f"{brand_id}: no complaint left unanswered past {hours:g} h"
        reasons = ["every complaint past the deadline was answered, or is a day past due (no longer tracked)"]
    else:
        summary = (f"{brand_id}: {count} complaint{'s' if count > 1 else ''} unanswered past {hours:g} h, "
                   f"the oldest for {oldest:.1f} h")
        if count > len(order):
            reasons.append(f"... and {count - len(order)} more")
    return Alert(
        alert_id=alert.id, kind=AlertKind.UNANSWERED_COMPLAINT, brand_id=brand_id, severity=severity,
        opened_at=alert.opened, event_time=now, score=float(count), summary=summary,
        signals={"complaints_overdue": float(count), "oldest_hours_waited": round(oldest, 2),
                 "deadline_hours": hours},
        reasons=reasons, mention_ids=[mention_id for _, mention_id in order], complaints=complaints,
    )


def _oldest(overdue: dict[str, OverdueComplaint], listed: int) -> list[tuple[int, str]]:
    """(time, id) of the ``listed`` oldest overdue complaints, oldest first, ties by id.

    Complaints fall overdue in arrival order, so the oldest are nearly always the first inserted: when the first
    ``listed`` are all older than every other one, only they are sorted. Otherwise (a straggler), all are."""
    if listed <= 0:
        return []
    first = list(zip(map(_at, islice(overdue.values(), listed)), overdue, strict=False))
    if len(overdue) > listed and max(first)[0] >= min(map(_at, islice(overdue.values(), listed, None))):
        return sorted(zip(map(_at, overdue.values()), overdue, strict=True))[:listed]
    first.sort()
    return first


@lru_cache(maxsize=4096)
def _listed(author: str | None, snippet: str, url: str | None) -> tuple[str, str]:
    """(the complaint's text as listed, the end of its line in the alert's reasons), the same update after update."""
    text = _snippet(snippet)
    return text, f", {author or 'unknown author'}: {text}" + (f" ({url})" if url else "")


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
