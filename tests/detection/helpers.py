"""Small builders of classified mentions for detector tests."""

from __future__ import annotations

from streams.models import Author, Classification, ClassifiedMention, Engagement, Enrichment, RawMention, Sentiment

T0 = 1_772_431_200_000  # a Monday 06:00 UTC
MIN = 60_000
HOUR = 60 * MIN


def cm(mid: str, t: int, *, negative: bool = True, author: str | None = "a1", brand: str = "acme",
       text: str | None = None, followers: int = 100, verified: bool = False, intents: list[str] | None = None,
       topics: list[str] | None = None, reposts_id: str | None = None, in_reply_to_id: str | None = None,
       brand_account: bool = False, fingerprint: str | None = None) -> ClassifiedMention:
    text = text if text is not None else f"post {mid} about the outage and the refund"
    root = reposts_id or in_reply_to_id or mid
    return ClassifiedMention(
        mention=RawMention(id=mid, source="test", text=text, created_at=t,
                           author=Author(id=author, handle=author, followers=followers, verified=verified)
                           if author else None,
                           reposts_id=reposts_id, in_reply_to_id=in_reply_to_id, engagement=Engagement(reposts=1),
                           from_brand_account=brand_account),
        enrichment=Enrichment(brand_id=brand, brands=[brand] if brand else [], topics=topics or [],
                              normalized_text=text.lower(), root_id=root, is_brand_account=brand_account,
                              fingerprint=fingerprint),
        classification=Classification(language="en", sentiment=Sentiment.NEGATIVE if negative else Sentiment.NEUTRAL,
                                      score=0.9, negative_score=0.9 if negative else 0.1,
                                      intents=intents if intents is not None else (["complaint"] if negative else [])),
    )


def background(hours: float, per_hour: float = 12, start: int = T0, brand: str = "acme", prefix: str = "bg"):
    """A regular stream, one mention every 60/per_hour minutes, every fourth negative, many distinct authors."""
    step = int(HOUR / per_hour)
    out = []
    for i in range(int(hours * per_hour)):
        out.append(cm(f"{prefix}{i}", start + i * step, negative=i % 4 == 0, author=f"{prefix}-author{i % 300}",
                      brand=brand, text=f"{prefix} message number {i} with words"))
    return out


def run(detector, mentions, state=None):
    alerts = []
    for m in mentions:
        state, out = detector.process(state, m)
        alerts.extend(out)
    return state, alerts


def run_brands(detector, mentions, states):
    """Run ``mentions`` of several brands, one state each in ``states`` (updated); their alerts as records."""
    alerts = []
    for m in mentions:
        brand = m.enrichment.brand_id
        states[brand], out = detector.process(states.get(brand), m)
        alerts += [a.to_record() for a in out]
    return alerts
