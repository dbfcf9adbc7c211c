"""snowball connect SOURCE: a long-running producer that streams a platform's mentions into mentions.raw."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from streams.cli.options import build_settings, settings_options


def connector_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--metrics-port", default=0, show_default=True, type=click.IntRange(0, 65535),
                        help="Serve Prometheus /metrics on this port (0: off).")(func)
    func = click.option("--cursor-topic", default="snowball.connector-cursors", show_default=True,
                        help="Compacted topic that keeps where each connector stands.")(func)
    return settings_options(func)


@click.group(name="connect")
def command() -> None:
    """Stream mentions from a platform into the raw topic, resuming where it stopped after a restart.

    Each connector keeps its cursor in a compacted Kafka topic, produces with delivery confirmed
    before moving it, backs off on errors and honours rate limits. Credentials come from
    environment variables or files only. Setup per platform: docs/sources/.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # request lines carry query strings


def _run(sources: list, flags: dict[str, Any], metrics_port: int, cursor_topic: str) -> None:
    from streams.connectors.base import CredentialRejected, SourceConfigError
    from streams.connectors.run import run_sources

    settings = build_settings(**flags)
    if not settings.broker:
        raise click.UsageError("connect needs a broker: --broker HOST:PORT or SNOWBALL_BROKER")
    try:
        run_sources(sources, settings, metrics_port=metrics_port, cursor_topic=cursor_topic)
    except (CredentialRejected, SourceConfigError) as exc:
        raise click.ClickException(str(exc)) from None


@command.command(name="mastodon")
@click.option("--instance", required=True, help="Instance URL, e.g. https://mastodon.social")
@click.option("--hashtag", "hashtags", multiple=True, help="Hashtag to follow (without #); repeat for several.")
@click.option("--timeline", type=click.Choice(["public", "local"]), help="Follow the public or local timeline.")
@click.option("--list", "list_ids", multiple=True, help="List id to follow (needs a token with read:lists).")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File holding the access token. [else env MASTODON_ACCESS_TOKEN; none needed for hashtags]")
@click.option("--poll/--stream", "poll_only", default=False, show_default=True,
              help="Poll the timeline instead of streaming (streaming falls back to polling by itself).")
@click.option("--poll-interval", default=30.0, show_default=True, type=click.FloatRange(1), help="Seconds.")
@click.option("--once", is_flag=True, help="Catch up from the cursor, then exit (for cron jobs and tries).")
@connector_options
def mastodon(instance: str, hashtags: tuple[str, ...], timeline: str | None, list_ids: tuple[str, ...],
             token_file: Path | None, poll_only: bool, poll_interval: float, once: bool, metrics_port: int,
             cursor_topic: str, **flags: Any) -> None:
    """Hashtags, the public/local timeline or lists of a Mastodon instance (docs/sources/mastodon.md)."""
    from streams.connectors.mastodon import MastodonSource, Timeline
    from streams.connectors.run import read_secret

    timelines = [Timeline("tag", h.lstrip("#")) for h in hashtags] + [Timeline("list", i) for i in list_ids]
    if timeline:
        timelines.append(Timeline(timeline))
    if not timelines:
        raise click.UsageError("say what to follow: --hashtag TAG, --timeline public|local or --list ID")
    token = read_secret("MASTODON_ACCESS_TOKEN", token_file, dict(os.environ))
    if list_ids and not token:
        raise click.UsageError("a list needs a token: set MASTODON_ACCESS_TOKEN or --token-file")
    sources = [MastodonSource(instance, t, token=token, stream=not poll_only, poll_interval=poll_interval,
                              once=once) for t in timelines]
    _run(sources, flags, metrics_port, cursor_topic)


@command.command(name="rss")
@click.option("--feed", "feeds", multiple=True, required=True, help="Feed URL (RSS or Atom); repeat for several.")
@click.option("--kind", type=click.Choice(["news", "blog", "review", "forum"]), default="news", show_default=True,
              help="What the feeds are: the mentions' source.")
@click.option("--poll-interval", default=300.0, show_default=True, type=click.FloatRange(10), help="Seconds.")
@click.option("--once", is_flag=True, help="Read each feed once, then exit (for cron jobs and tries).")
@connector_options
def rss(feeds: tuple[str, ...], kind: str, poll_interval: float, once: bool, metrics_port: int, cursor_topic: str,
        **flags: Any) -> None:
    """RSS and Atom feeds of press, blogs and review sites (docs/sources/rss.md)."""
    from streams.connectors.rss import FeedSource

    sources = [FeedSource(url, kind=kind, poll_interval=poll_interval, once=once) for url in feeds]
    _run(sources, flags, metrics_port, cursor_topic)


@command.command(name="bluesky")
@click.option("--jetstream", default="wss://jetstream2.us-east.bsky.network/subscribe", show_default=True,
              help="Jetstream endpoint (any public instance, or your own).")
@connector_options
def bluesky(jetstream: str, metrics_port: int, cursor_topic: str, **flags: Any) -> None:
    """Posts of the Bluesky firehose that name a brand of the brands file (docs/sources/bluesky.md)."""
    from streams.connectors.bluesky import JetstreamSource
    from streams.connectors.brand_terms import BrandTerms
    from streams.enrichment import BrandCatalog

    settings = build_settings(**flags)
    pattern = BrandTerms.from_catalog(BrandCatalog.from_yaml(settings.brands_file)).pattern()
    _run([JetstreamSource(pattern, jetstream)], flags, metrics_port, cursor_topic)


@command.command(name="twitter")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File holding the app's bearer token. [else env X_BEARER_TOKEN]")
@click.option("--api", default="https://api.x.com", show_default=True, help="API base URL.")
@click.option("--backfill-minutes", default=0, show_default=True, type=click.IntRange(0, 5),
              help="After a drop, ask for up to this many minutes missed (Pro access and above).")
@click.option("--max-rule-length", default=512, show_default=True, type=click.IntRange(64, 4096),
              help="512 with Basic access, 1024 with Pro.")
@connector_options
def twitter(token_file: Path | None, api: str, backfill_minutes: int, max_rule_length: int, metrics_port: int,
            cursor_topic: str, **flags: Any) -> None:
    """X API v2 filtered stream, rules from the brands file tagged with brand ids (docs/sources/twitter.md)."""
    from streams.connectors.run import read_secret
    from streams.connectors.twitter import FilteredStreamSource, stream_rules
    from streams.enrichment import BrandCatalog

    token = read_secret("X_BEARER_TOKEN", token_file, dict(os.environ))
    if not token:
        raise click.UsageError("the filtered stream needs the app's bearer token: set X_BEARER_TOKEN or --token-file")
    settings = build_settings(**flags)
    rules = stream_rules(BrandCatalog.from_yaml(settings.brands_file).own_names(), max_rule_length)
    _run([FilteredStreamSource(token, rules, api=api, backfill_minutes=backfill_minutes)], flags, metrics_port,
         cursor_topic)


@command.command(name="reddit")
@click.option("--subreddit", "subreddits", multiple=True, help="Subreddit (without r/): its new comments and posts.")
@click.option("--search", "searches", multiple=True, help="Search query: its new posts; repeat for several.")
@click.option("--credentials-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="KEY=VALUE lines: REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET[, REDDIT_USERNAME, REDDIT_PASSWORD]. "
                   "[else the environment variables of those names]")
@click.option("--poll-interval", default=60.0, show_default=True, type=click.FloatRange(5), help="Seconds.")
@click.option("--once", is_flag=True, help="Poll each listing once, then exit.")
@click.option("--auth-url", default="https://www.reddit.com/api/v1/access_token", show_default=True)
@click.option("--api-url", default="https://oauth.reddit.com", show_default=True)
@connector_options
def reddit(subreddits: tuple[str, ...], searches: tuple[str, ...], credentials_file: Path | None,
           poll_interval: float, once: bool, auth_url: str, api_url: str, metrics_port: int, cursor_topic: str,
           **flags: Any) -> None:
    """New comments and posts of subreddits and searches, via Reddit's OAuth API (docs/sources/reddit.md)."""
    from streams.connectors.reddit import Credentials, Listing, RedditSource

    values = dict(os.environ)
    if credentials_file is not None:
        for line in credentials_file.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.strip().startswith("#"):
                values[key.strip()] = value.strip()
    if not values.get("REDDIT_CLIENT_ID") or not values.get("REDDIT_CLIENT_SECRET"):
        raise click.UsageError("Reddit needs an app: set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET "
                               "(or --credentials-file)")
    listings = [Listing.subreddit_comments(s.removeprefix("r/")) for s in subreddits]
    listings += [Listing.subreddit_posts(s.removeprefix("r/")) for s in subreddits]
    listings += [Listing.search(q) for q in searches]
    if not listings:
        raise click.UsageError("say what to follow: --subreddit NAME or --search QUERY")
    credentials = Credentials(values["REDDIT_CLIENT_ID"], values["REDDIT_CLIENT_SECRET"],
                              values.get("REDDIT_USERNAME") or None, values.get("REDDIT_PASSWORD") or None)
    _run([RedditSource(credentials, listings, poll_interval=poll_interval, once=once, auth_url=auth_url,
                       api_url=api_url)], flags, metrics_port, cursor_topic)
