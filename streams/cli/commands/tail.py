"""snowball tail: print a topic's records, decoded with its Avro schema, as JSON lines."""

from __future__ import annotations

import sys

import click

from streams.cli.options import broker_options, build_settings


@click.command(name="tail")
@click.argument("topic")
@broker_options
@click.option("--from-end", is_flag=True, help="Only records produced from now on (default: from the beginning).")
@click.option("--follow", "-f", is_flag=True, help="Keep waiting for new records until Ctrl-C.")
@click.option("--max", "max_records", type=int, help="Stop after this many records.")
@click.option("--idle-timeout", default=5.0, show_default=True,
              help="Without --follow, stop after this many idle seconds.")
def command(topic: str, from_end: bool, follow: bool, max_records: int | None, idle_timeout: float,
            **flags: object) -> None:
    """Print the records of TOPIC (a pipeline topic name) as JSON lines, one per record.

    Bytes fields (dead letters' original key and value) print as text when they are UTF-8 and as
    "base64:..." otherwise. Records that do not decode print as {"undecodable": ..., "reason": ...}.
    """
    from streams.app import build_codecs
    from streams.io.jsonl import write_jsonl
    from streams.kafka.clients import check_reachable, make_consumer, poll_messages
    from streams.serialization import DecodeError, topic_schema_names

    settings = build_settings(**flags)
    if not settings.broker:
        raise click.UsageError("tail needs a broker: --broker HOST:PORT or SNOWBALL_BROKER")
    roles = {getattr(settings.topics, role): role for role in ("raw", "enriched", "classified", "alerts",
                                                               "dead_letter")}
    if topic not in roles:
        known = ", ".join(topic_schema_names(settings.topics))
        raise click.BadParameter(f"{topic!r} is not a pipeline topic; known: {known}", param_hint="TOPIC")
    codec = getattr(build_codecs(settings), roles[topic])
    check_reachable(settings.broker)
    try:
        consumer = make_consumer(settings.broker, [topic], from_beginning=not from_end)
    except ValueError as exc:  # no such topic on the broker, or no answer from it
        raise click.ClickException(str(exc)) from None
    count = 0
    try:
        for msg in poll_messages(consumer, timeout=float("inf"), idle_timeout=None if follow else idle_timeout):
            try:
                record = codec.decode(msg.value())
            except DecodeError as exc:
                record = {"undecodable": msg.value(), "reason": exc.reason}
            write_jsonl([record], sys.stdout)
            sys.stdout.flush()
            count += 1
            if max_records is not None and count >= max_records:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
