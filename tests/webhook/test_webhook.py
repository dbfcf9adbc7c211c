"""snowball webhook over real HTTP (httpx -> uvicorn), producing to an in-memory log."""

from __future__ import annotations

import json

import httpx
import pytest

from streams.connectors.log import MemoryMentionLog
from streams.kafka.clients import DeliveryFailed
from streams.webhook.app import create_app
from streams.webhook.tokens import TokenError, Tokens
from tests.connectors.support import CODECS, NOW, SETTINGS, dead_letters, produced_ids
from tests.webhook.support import serving

TOKEN = "s3cret-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def mention(n: int, **fields: object) -> dict:
    return {"id": f"w{n}", "source": "api", "text": f"Acme outage again {n}", "created_at": "2026-03-02T07:41:12Z",
            **fields}


def lines(*records: object) -> bytes:
    return "\n".join(json.dumps(r) for r in records).encode()


@pytest.fixture
def mention_log() -> MemoryMentionLog:
    return MemoryMentionLog(clock=lambda: NOW)


@pytest.fixture
def webhook(mention_log):
    app = create_app(Tokens.parse(f"{TOKEN}\nanother-token-0123456789", "test"), mention_log, CODECS.raw,
                     CODECS.dead_letter, SETTINGS.topics, max_body_bytes=10_000, requests_per_second=5,
                     wall_clock=lambda: NOW)
    with serving(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield client


def test_good_records_are_produced_and_answered_202(webhook, mention_log):
    one = webhook.post("/mentions", content=json.dumps(mention(1), indent=2), headers=AUTH)
    batch = webhook.post("/mentions", content=lines(mention(2), mention(3)), headers=AUTH)
    assert (one.status_code, one.json()) == (202, {"accepted": 1})
    assert (batch.status_code, batch.json()) == (202, {"accepted": 2})
    assert produced_ids(mention_log) == ["w1", "w2", "w3"]


def test_bad_records_are_answered_400_with_their_reasons_and_dead_lettered(webhook, mention_log):
    body = lines(mention(1), {"id": "w2", "text": 3, "created_at": 1}) + b"\nnot json\n" + lines(mention(4))
    response = webhook.post("/mentions", content=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["accepted"] == 2
    assert [(r["line"], r["reason"]) for r in response.json()["rejected"]] == [(2, "wrong_type"), (3, "not_json")]
    assert produced_ids(mention_log) == ["w1", "w4"]
    assert [(x["reason"], x["value"]) for x in dead_letters(mention_log)] == [
        ("wrong_type", b'{"id": "w2", "text": 3, "created_at": 1}'), ("not_json", b"not json")]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token-0123456789"},
                                     {"Authorization": f"Basic {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"}])
def test_a_missing_or_wrong_token_is_401_and_nothing_is_produced(webhook, mention_log, headers):
    response = webhook.post("/mentions", content=lines(mention(1)), headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert mention_log.records == []


def test_an_oversize_body_is_413_declared_or_streamed(webhook, mention_log):
    big = lines(*(mention(n) for n in range(200)))
    assert webhook.post("/mentions", content=big, headers=AUTH).status_code == 413
    streamed = webhook.post("/mentions", content=iter([big[:5000], big[5000:]]), headers=AUTH)  # chunked
    assert streamed.status_code == 413
    assert mention_log.records == []


def test_the_rate_limit_is_per_token_and_says_when_to_come_back(webhook):
    codes = [webhook.post("/mentions", content=lines(mention(n)), headers=AUTH).status_code for n in range(7)]
    assert codes[:5] == [202] * 5 and codes[5:] == [429, 429]
    limited = webhook.post("/mentions", content=lines(mention(9)), headers=AUTH)
    assert int(limited.headers["retry-after"]) >= 1
    other = webhook.post("/mentions", content=lines(mention(10)),
                         headers={"Authorization": "Bearer another-token-0123456789"})
    assert other.status_code == 202


def test_a_broker_that_does_not_acknowledge_is_503_not_202(webhook, mention_log):
    mention_log.drop_next_send = DeliveryFailed("timed out")
    response = webhook.post("/mentions", content=lines(mention(1)), headers=AUTH)
    assert response.status_code == 503 and response.headers["retry-after"] == "5"


def test_healthz_metrics_and_openapi(webhook):
    assert webhook.get("/healthz").json() == {"status": "ok"}
    webhook.post("/mentions", content=lines(mention(1)), headers=AUTH)
    metrics = webhook.get("/metrics/").text
    assert 'snowball_connector_items_produced_total{source="webhook"} 1.0' in metrics
    assert 'snowball_webhook_responses_total{code="202"} 1.0' in metrics
    spec = webhook.get("/openapi.json").json()
    assert set(spec["paths"]["/mentions"]["post"]["requestBody"]["content"]) == {"application/json",
                                                                                "application/x-ndjson"}
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_tokens_come_from_a_file_or_the_environment_and_must_not_be_guessable(tmp_path):
    path = tmp_path / "tokens"
    path.write_text(f"# team A\n{TOKEN}\n")
    assert Tokens.load(path).label_of(TOKEN) == "token-1"
    assert Tokens.load(None, {"SNOWBALL_WEBHOOK_TOKENS": f"x{TOKEN},{TOKEN}"}).label_of(TOKEN) == "token-2"
    with pytest.raises(TokenError, match="shorter than 16"):
        Tokens.parse("hunter2", "test")
    with pytest.raises(TokenError, match="no tokens"):
        Tokens.load(None, {})
