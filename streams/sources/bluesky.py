"""Bluesky: one Jetstream event (the firehose as JSON), as ``wss://jetstream*.bsky.network/subscribe`` sends it.

Only ``commit`` events that create an ``app.bsky.feed.post`` are mentions; other events (likes,
follows, identity, account, deletes) give none. The mention id is the post's AT URI
(``at://<did>/app.bsky.feed.post/<rkey>``), which replies and quotes point at as they are. Jetstream
carries no handle nor follower count: the author is the DID, with 0 followers.
"""

from __future__ import annotations

from typing import Any

from streams.models import InvalidMention

SOURCE = "bluesky"
POST = "app.bsky.feed.post"


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{POST}/{rkey}"


def _quoted(embed: Any) -> str | None:
    if not isinstance(embed, dict):
        return None
    record = embed.get("record")
    if embed.get("$type") == "app.bsky.embed.recordWithMedia" and isinstance(record, dict):
        record = record.get("record")
    if isinstance(record, dict) and isinstance(record.get("uri"), str) and f"/{POST}/" in record["uri"]:
        return record["uri"]
    return None


def records(event: Any) -> list[dict[str, Any]]:
    if not isinstance(event, dict):
        raise InvalidMention("not_an_object", "a Jetstream event is a JSON object")
    commit = event.get("commit")
    if event.get("kind") != "commit" or not isinstance(commit, dict):
        return []
    if commit.get("operation") != "create" or commit.get("collection") != POST:
        return []
    did, rkey, post = event.get("did"), commit.get("rkey"), commit.get("record")
    if not isinstance(did, str) or not isinstance(rkey, str) or not isinstance(post, dict):
        raise InvalidMention("missing_field", "a post commit needs did, rkey and record")
    reply = post.get("reply") if isinstance(post.get("reply"), dict) else {}
    parent = reply.get("parent") if isinstance(reply.get("parent"), dict) else {}
    langs = post.get("langs") if isinstance(post.get("langs"), list) else []
    return [{
        "id": post_uri(did, rkey),
        "source": SOURCE,
        "text": post.get("text"),
        "created_at": post.get("createdAt"),
        "author": {"id": did, "handle": None, "followers": 0, "verified": False},
        "in_reply_to_id": parent.get("uri"),
        "quotes_id": _quoted(post.get("embed")),
        "url": f"https://bsky.app/profile/{did}/post/{rkey}",
        "lang_hint": langs[0].split("-")[0].lower() if langs and isinstance(langs[0], str) else None,
    }]
