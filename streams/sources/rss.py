"""RSS and Atom: one feed entry, as the RSS connector hands it over (a plain JSON object).

The connector reads feeds with feedparser and keeps, per entry: ``id`` (the guid or Atom id, else
the link), ``link``, ``title``, ``summary`` and ``content`` (HTML), ``published`` / ``updated``
(ISO-8601, UTC), ``author``, ``feed`` (the feed's URL), ``language`` (the feed's) and ``fetched_at``.
An entry without a date takes the time it was first fetched: the closest event time there is.
Text is the title, then the content (or summary) as plain text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from streams.models import InvalidMention
from streams.sources.mastodon import html_to_text

SOURCE = "news"


def records(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise InvalidMention("not_an_object", "a feed entry is a JSON object")
    body = payload.get("content") or payload.get("summary")
    text = html_to_text(body) if isinstance(body, str) else body
    title = payload.get("title")
    if isinstance(title, str) and title.strip():
        title = html_to_text(title)
        text = f"{title}\n\n{text}" if isinstance(text, str) and text and not text.startswith(title) else title
    author = payload.get("author")
    feed = payload.get("feed") if isinstance(payload.get("feed"), str) else ""
    language = payload.get("language")
    return [{
        "id": payload.get("id"),
        "source": payload.get("kind") or SOURCE,
        "text": text,
        "created_at": payload.get("published") or payload.get("updated") or payload.get("fetched_at"),
        "author": {"id": f"{urlsplit(feed).hostname or 'feed'}:{author}", "handle": author}
        if isinstance(author, str) and author else None,
        "url": payload.get("link"),
        "lang_hint": language.split("-")[0].lower() if isinstance(language, str) and language else None,
    }]
