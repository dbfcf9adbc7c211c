"""The webhook's ASGI application (FastAPI): POST /mentions, GET /healthz, GET /metrics, /docs and /openapi.json.

A request is answered 202 only once the broker acknowledged its mentions; records that fail validation
are dead-lettered with their reason and answered 400 with one line per rejected record (the valid
records of that body are produced all the same: resend only the rejected lines).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from prometheus_client import CollectorRegistry, Counter, make_asgi_app
from pydantic import BaseModel

from streams.connectors.log import MentionLog, Record
from streams.connectors.metrics import ConnectorMetrics
from streams.kafka.clients import DeliveryFailed
from streams.models import DeadLetter
from streams.serialization.avro import Codec
from streams.settings import TopicSettings
from streams.webhook.body import read_body
from streams.webhook.tokens import Tokens

log = logging.getLogger(__name__)

STATUS_CODES = ("202", "400", "401", "413", "429", "503")
BODY_MEDIA_TYPES = {
    "application/json": {"schema": {"type": "object", "description": "One raw mention (docs/sources.md)."}},
    "application/x-ndjson": {"schema": {"type": "string", "description": "JSON lines: one raw mention per line."}},
}


class Accepted(BaseModel):
    accepted: int


class RejectedRecord(BaseModel):
    line: int
    reason: str
    error: str


class Rejected(BaseModel):
    accepted: int
    rejected: list[RejectedRecord]


class Problem(BaseModel):
    detail: str


def create_app(tokens: Tokens, mention_log: MentionLog, raw_codec: Codec, dead_letter_codec: Codec,
               topics: TopicSettings, *, max_body_bytes: int = 1 << 20, requests_per_second: int = 20,
               registry: CollectorRegistry | None = None, wall_clock: Callable[[], float] = time.time) -> FastAPI:
    registry = registry or CollectorRegistry()
    metrics = ConnectorMetrics("webhook", registry)
    responses = Counter("snowball_webhook_responses_total", "Webhook answers, by HTTP status code.", ["code"],
                        registry=registry)
    for code in STATUS_CODES:
        responses.labels(code)
    limiter = MovingWindowRateLimiter(MemoryStorage())
    rate = RateLimitItemPerSecond(requests_per_second)
    app = FastAPI(title="Snowball webhook", version="1",
                  description="POST mentions in the raw-mention import format (docs/sources/webhook.md).")
    app.mount("/metrics", make_asgi_app(registry))

    def answer(code: int, body: BaseModel, headers: dict[str, str] | None = None) -> JSONResponse:
        responses.labels(str(code) if str(code) in STATUS_CODES else "other").inc()
        return JSONResponse(body.model_dump(), status_code=code, headers=headers)

    @app.get("/healthz", summary="Liveness: the server answers.")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        "/mentions", status_code=202, response_model=Accepted,
        summary="Produce one mention, or a JSON-lines batch, to mentions.raw.",
        openapi_extra={"requestBody": {"required": True, "content": BODY_MEDIA_TYPES},
                       "security": [{"bearer": []}]},
        responses={400: {"model": Rejected, "description": "Some records are invalid: each with its reason. "
                                                           "The valid ones were produced."},
                   401: {"model": Problem}, 413: {"model": Problem}, 429: {"model": Problem},
                   503: {"model": Problem, "description": "The broker did not acknowledge: send again."}},
    )
    async def post_mentions(request: Request) -> JSONResponse:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        label = tokens.label_of(presented.strip()) if scheme.lower() == "bearer" else None
        if label is None:
            return answer(401, Problem(detail="missing or unknown bearer token"), {"WWW-Authenticate": "Bearer"})
        if not limiter.hit(rate, label):
            reset = limiter.get_window_stats(rate, label).reset_time
            return answer(429, Problem(detail=f"over {requests_per_second} requests per second for this token"),
                          {"Retry-After": str(max(1, round(reset - time.time())))})
        body = await _read_capped(request, max_body_bytes)
        if body is None:
            return answer(413, Problem(detail=f"body over {max_body_bytes} bytes: split the batch"))
        now_ms = int(wall_clock() * 1000)
        outcomes = read_body(body, now_ms)
        metrics.fetched(len(outcomes))
        records: list[Record] = []
        rejected: list[RejectedRecord] = []
        for outcome in outcomes:
            if outcome.mention is not None:
                mention = outcome.mention
                records.append((topics.raw, mention.id.encode(), raw_codec.encode(mention.to_record())))
            else:
                error = outcome.error
                rejected.append(RejectedRecord(line=outcome.line, reason=error.reason, error=str(error)))
                letter = DeadLetter(stage="ingest", reason=error.reason, error=str(error), topic="webhook",
                                    partition=0, offset=outcome.line, failed_at=now_ms, value=outcome.original)
                records.append((topics.dead_letter, None, dead_letter_codec.encode(letter.to_record())))
        try:
            await mention_log.send(records)
        except DeliveryFailed as exc:
            metrics.error("delivery")
            log.warning("webhook: broker did not acknowledge %d records: %s", len(records), exc)
            return answer(503, Problem(detail="the broker did not acknowledge: send again"), {"Retry-After": "5"})
        accepted = len(outcomes) - len(rejected)
        metrics.produced(accepted)
        for item in rejected:
            metrics.dead_lettered(item.reason)
        log.info("webhook: %s sent %d mentions, %d rejected", label, accepted, len(rejected))
        if rejected:
            return answer(400, Rejected(accepted=accepted, rejected=rejected))
        return answer(202, Accepted(accepted=accepted))

    app.openapi_schema = None
    _add_bearer_scheme(app)
    return app


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is over ``limit`` (declared or streamed): never buffered past it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _add_bearer_scheme(app: FastAPI) -> None:
    """Declare the bearer scheme in the OpenAPI description (the check itself is in the handler)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
                "type": "http", "scheme": "bearer"}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
