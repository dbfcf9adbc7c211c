"""snowball webhook: an authenticated HTTP endpoint that produces posted mentions to mentions.raw."""

from __future__ import annotations

from pathlib import Path

import click

from streams.cli.options import build_settings, settings_options


@click.command(name="webhook")
@settings_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 in a container).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--tokens-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Bearer tokens, one per line. [else env SNOWBALL_WEBHOOK_TOKENS, comma-separated]")
@click.option("--max-body-bytes", default=1 << 20, show_default=True, type=click.IntRange(1),
              help="Larger bodies are answered 413.")
@click.option("--rate-limit", "requests_per_second", default=20, show_default=True, type=click.IntRange(1),
              help="Requests per second per token; more are answered 429 with Retry-After.")
def command(host: str, port: int, tokens_file: Path | None, max_body_bytes: int, requests_per_second: int,
            **flags: object) -> None:
    """Serve POST /mentions (one mention or JSON lines, bearer token), GET /healthz, /metrics and /docs.

    Each record is validated as `snowball ingest` validates it: valid ones are produced to the raw
    topic and answered 202 once the broker has them; invalid ones are answered 400 with their
    reasons and sent to the dead-letter topic. Setup: docs/sources/webhook.md.
    """
    import uvicorn

    from streams.app import build_codecs
    from streams.connectors.log import KafkaMentionLog
    from streams.webhook.app import create_app
    from streams.webhook.tokens import TokenError, Tokens

    settings = build_settings(**flags)
    if not settings.broker:
        raise click.UsageError("webhook needs a broker: --broker HOST:PORT or SNOWBALL_BROKER")
    try:
        tokens = Tokens.load(tokens_file)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    codecs = build_codecs(settings)
    app = create_app(tokens, KafkaMentionLog(settings.broker), codecs.raw, codecs.dead_letter, settings.topics,
                     max_body_bytes=max_body_bytes, requests_per_second=requests_per_second)
    click.echo(f"webhook listening on http://{host}:{port}/mentions ({len(tokens.values)} tokens), "
               f"producing to {settings.topics.raw}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
