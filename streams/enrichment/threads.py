"""How a mention relates to the post it answers, reposts or quotes."""

from __future__ import annotations

from enum import StrEnum

from streams.models import RawMention


class Relation(StrEnum):
    POST = "post"
    REPLY = "reply"
    REPOST = "repost"
    QUOTE = "quote"


def relation_of(mention: RawMention) -> tuple[Relation, str]:
    """The relation and the parent id (the mention's own id for a post).

    A repost wins over a quote and a quote over a reply: what spreads a post is what the
    amplification signals measure, and a quote that also replies still brings the quoted
    post to a new audience.
    """
    if mention.reposts_id:
        return Relation.REPOST, mention.reposts_id
    if mention.quotes_id:
        return Relation.QUOTE, mention.quotes_id
    if mention.in_reply_to_id:
        return Relation.REPLY, mention.in_reply_to_id
    return Relation.POST, mention.id
