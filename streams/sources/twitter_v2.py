"""X/Twitter API v2: a search or lookup response, or one filtered-stream event.

The tweet objects are in ``data`` (a list, or one object on the stream), their authors in
``includes.users`` and the tweets they reference in ``includes.tweets``. Requested fields:
``tweet.fields=created_at,author_id,referenced_tweets,public_metrics,lang,note_tweet``,
``expansions=author_id,referenced_tweets.id``, ``user.fields=username,verified,public_metrics``.
"""

from __future__ import annotations

from typing import Any

from streams.models import InvalidMention

SOURCE = "twitter"
# Codes X uses for "no linguistic content" or "undetermined": no language hint at all.
_NO_LANGUAGE = {"und", "qam", "qct", "qht", "qme", "qst", "zxx", "art"}


def _objects(value: Any, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise InvalidMention("wrong_type", f"{what} must hold JSON objects")
    return items


def _full_text(tweet: dict[str, Any]) -> Any:
    # Posts over 280 characters carry their whole text in note_tweet; "text" is cut.
    note = tweet.get("note_tweet")
    return note.get("text") if isinstance(note, dict) and note.get("text") else tweet.get("text")


def records(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise InvalidMention("not_an_object", "an API v2 response is a JSON object")
    includes = payload.get("includes") or {}
    if not isinstance(includes, dict):
        raise InvalidMention("wrong_type", "includes must be an object")
    users = {u.get("id"): u for u in _objects(includes.get("users"), "includes.users")}
    referenced = {t.get("id"): t for t in _objects(includes.get("tweets"), "includes.tweets")}
    rules = _objects(payload.get("matching_rules"), "matching_rules")
    brand_hint = next((r["tag"] for r in rules if isinstance(r.get("tag"), str)), None)
    return [_record(t, users, referenced, brand_hint) for t in _objects(payload.get("data"), "data")]


def _record(
    tweet: dict[str, Any], users: dict[Any, dict], referenced: dict[Any, dict], brand_hint: str | None
) -> dict[str, Any]:
    refs = {r.get("type"): r.get("id") for r in _objects(tweet.get("referenced_tweets"), "referenced_tweets")}
    text = _full_text(tweet)
    if refs.get("retweeted") in referenced:
        # A retweet's own text is "RT @user: " and a cut copy; the original says what it is about.
        text = _full_text(referenced[refs["retweeted"]]) or text
    user = users.get(tweet.get("author_id")) or {}
    user_metrics = user.get("public_metrics") or {}
    metrics = tweet.get("public_metrics") or {}
    username = user.get("username")
    lang = tweet.get("lang")
    return {
        "id": tweet.get("id"),
        "source": SOURCE,
        "text": text,
        "created_at": tweet.get("created_at"),
        "author": {
            "id": tweet.get("author_id"),
            "handle": username,
            "followers": user_metrics.get("followers_count", 0),
            "verified": bool(user.get("verified", False)),
        } if tweet.get("author_id") else None,
        "brand_hint": brand_hint,
        "in_reply_to_id": refs.get("replied_to"),
        "reposts_id": refs.get("retweeted"),
        "quotes_id": refs.get("quoted"),
        "url": f"https://x.com/{username or 'i/web'}/status/{tweet.get('id')}",
        "lang_hint": lang if isinstance(lang, str) and lang not in _NO_LANGUAGE else None,
        "engagement": {
            "likes": metrics.get("like_count", 0),
            "reposts": metrics.get("retweet_count", 0),
            "replies": metrics.get("reply_count", 0),
            "quotes": metrics.get("quote_count", 0),
        },
    }
