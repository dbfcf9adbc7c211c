"""A local site serving an RSS 2.0 and an Atom feed as real sites do: ETag / Last-Modified, 304, 429."""

from __future__ import annotations

import hashlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def rss_item(n: int, *, date: str | None = "Mon, 02 Mar 2026 10:{m:02d}:00 +0000") -> str:
    when = f"<pubDate>{date.format(m=n % 60)}</pubDate>" if date else ""
    return (f"<item><title>Acme : la panne de fibre s'étend ({n})</title>"
            f"<link>https://presse.example/acme-panne-{n}</link>"
            f'<guid isPermaLink="false">presse-example-{n}</guid>{when}'
            f"<dc:creator>Claire Martin</dc:creator>"
            f"<description><![CDATA[<p>Des milliers d'abonnés <b>Acme</b> privés d'internet, jour {n}.</p>]]>"
            f"</description></item>")


def atom_entry(n: int) -> str:
    return (f"<entry><title>Globex review {n}: lost luggage</title><id>tag:reviews.example,2026:{n}</id>"
            f'<link href="https://reviews.example/globex/{n}"/><updated>2026-03-02T11:{n % 60:02d}:00Z</updated>'
            f"<author><name>Sam</name></author><content type=\"html\">&lt;p&gt;Two stars.&lt;/p&gt;</content></entry>")


class FakeFeeds:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.entries: list[str] = []
        self.rate_limited = 0
        self.requests: list[dict[str, str]] = []
        self.app = Starlette(routes=[Route("/feed.xml", self.rss), Route("/atom.xml", self.atom)])

    def _answer(self, request: Request, body: str, media_type: str) -> Response:
        self.requests.append(dict(request.headers))
        if self.rate_limited:
            self.rate_limited -= 1
            return Response("slow down", status_code=429, headers={"Retry-After": "2"})
        etag = '"' + hashlib.sha1(body.encode()).hexdigest() + '"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, media_type=media_type, headers={"ETag": etag})

    async def rss(self, request: Request) -> Response:
        body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Presse Example</title>'
                "<link>https://presse.example/</link><language>fr-FR</language>"
                + "".join(reversed(self.items)) + "</channel></rss>")
        return self._answer(request, body, "application/rss+xml")

    async def atom(self, request: Request) -> Response:
        body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
                "<title>Reviews</title><id>tag:reviews.example,2026:feed</id><updated>2026-03-02T12:00:00Z</updated>"
                + "".join(self.entries) + "</feed>")
        return self._answer(request, body, "application/atom+xml")
