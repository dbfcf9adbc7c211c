"""snowball label: label a team's own mentions in a local web page; `snowball train OUT` then fits a model."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from streams.cli.options import parse_map, writable_file


@click.command(name="label")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "mapping", help="For a CSV or TSV file: FIELD=COLUMN,... (text=..., optionally id=...). "
              "Without it FILE is JSON lines with a 'text' field.")
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Model whose least confident mentions come first (default: the built-in model).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), callback=writable_file,
              help="Labels file (CSV, appended to; run the command again with it to carry on).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the page is served on.")
@click.option("--port", default=8021, show_default=True, help="Port the page is served on.")
@click.option("--min-labels", default=20, show_default=True, help="Labels before the first retraining.")
@click.option("--retrain-every", default=10, show_default=True, help="Retrain after this many new labels.")
def command(file: Path, mapping: str | None, model_dir: Path | None, out: Path, host: str, port: int,
            min_labels: int, retrain_every: int) -> None:
    """Serve a page that shows FILE's mentions the model is least sure about, to label with the keyboard.

    Keys: 1 negative, 2 neutral, 3 positive, s skip, u undo. Every label is appended to OUT at once. As labels
    accumulate a model is retrained in the background and its cross-validated score shown. Then:
    snowball train OUT --out MODEL_DIR, and --model MODEL_DIR in the worker, classify and backtest.
    """
    from streams.classification import load_classifier
    from streams.labelling.session import LabelFileError, LabelLogFile, LabelSession
    from streams.labelling.trainer import Retrainer

    mentions, unreadable = _read_mentions(file, parse_map(mapping))
    classifier = load_classifier(model_dir)
    try:
        log = LabelLogFile(out)
    except (LabelFileError, UnicodeDecodeError, OSError) as exc:
        message = str(exc) if isinstance(exc, LabelFileError) else f"{out}: cannot use it ({exc})"
        raise click.ClickException(message) from None
    confidences = [c.score for c in classifier.classify([m.text for m in mentions])]
    retrainer = Retrainer(min_labels=min_labels, every=retrain_every)
    session = LabelSession(mentions, confidences, log, on_label=retrainer.poke)
    retrainer.session = session
    retrainer.poke()  # a restarted session shows its score and order without waiting for the next label
    listener = _listen(host, port)
    url = f"http://{host}:{listener.getsockname()[1]}/"
    counts = session.counts()
    skipped = f"{unreadable} lines without a text left out; " if unreadable else ""
    click.echo(f"labelling {len(mentions)} mentions of {file.name} ({skipped}{sum(counts.values())} already in {out}): "
               f"open {url}  (Ctrl+C stops; every label is already saved)", err=True)
    _serve(session, retrainer, classifier.name, listener)
    log.close()  # a fit still running is a daemon thread: it writes nothing, and stopping need not wait for it
    labelled = session.counts()
    click.echo(f"{labelled['negative'] + labelled['neutral'] + labelled['positive']} labels in {out}; "
               f"train with: snowball train {out} --out MODEL_DIR", err=True)


def _read_mentions(file: Path, columns: dict[str, str]) -> tuple[list, int]:
    """(the mentions with a text, once per id or line; how many lines had none or could not be read)."""
    from streams.io.csv_map import TABLE_SUFFIXES
    from streams.io.texts import read_texts
    from streams.labelling.session import Mention

    if not columns and file.suffix.lower() in TABLE_SUFFIXES:
        raise click.UsageError(f"{file}: a CSV or TSV file needs --map text=COLUMN (and optionally id=)")
    try:
        items = list(read_texts(file, columns))
    except (ValueError, OSError) as exc:  # a missing column, an unreadable header, no permission
        raise click.ClickException(f"{file}: cannot read it ({exc})") from None
    mentions, seen = [], set()
    for item in items:
        key = item.id or f"line:{item.line}"
        if item.error is None and item.text.strip() and key not in seen:
            seen.add(key)
            mentions.append(Mention(key, item.text))
    if not mentions:
        first = next((f"line {i.line}: {i.error}" for i in items if i.error), "it is empty")
        raise click.ClickException(f"{file}: no mention to label ({first})")
    return mentions, sum(1 for item in items if item.error is not None or not item.text.strip())


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, so a busy port is one clear line and --port 0 picks a free one."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)  # the printed address takes connections at once; the server answers once it runs
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port} ({exc.strerror}); choose another --port") from None
    return listener


def _serve(session, retrainer, model_name: str, listener: socket.socket) -> None:
    import uvicorn

    from streams.labelling.app import build_app

    server = uvicorn.Server(uvicorn.Config(build_app(session, retrainer, model_name), log_level="warning"))
    server.run(sockets=[listener])
