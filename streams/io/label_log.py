"""The append-only labels file ``snowball label`` writes, and what it says once read back.

Each row is one action: ``mention`` (the input line's id, or ``line:N``), ``text``, ``label`` (negative, neutral,
positive, skip, or undo) and ``labelled_at``. A row is written and flushed as soon as the key is pressed, so a
closed page or a stopped command loses nothing. ``undo`` takes back the latest action on that mention; the last
remaining action on a mention is its label. ``snowball train`` reads the file as it is (skips and undos carry no
sentiment and are resolved here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

COLUMNS = ("mention", "text", "label", "labelled_at")
SENTIMENTS = ("negative", "neutral", "positive")
SKIP, UNDO = "skip", "undo"
ACTIONS = (*SENTIMENTS, SKIP, UNDO)


def is_label_log(fields: Iterable[str]) -> bool:
    """Whether rows with these fields come from a labels file (not a plain labelled data set)."""
    return {"mention", "label", "labelled_at"} <= set(fields)


def resolve(rows: Iterable[Mapping[str, object]]) -> dict[str, tuple[str, str]]:
    """mention -> (text, label) after every undo, in the order mentions were first labelled; skips included."""
    stacks: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        mention, label = str(row.get("mention") or ""), str(row.get("label") or "").strip().lower()
        if not mention or label not in ACTIONS:
            continue
        stack = stacks.setdefault(mention, [])
        if label == UNDO:
            if stack:
                stack.pop()
        else:
            stack.append((str(row.get("text") or ""), label))
    return {mention: stack[-1] for mention, stack in stacks.items() if stack}
