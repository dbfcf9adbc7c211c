"""The labelling page's HTTP side (Starlette): the page, its state, a label, an undo. Nothing else."""

from __future__ import annotations

from importlib import resources

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from streams.labelling.session import LabelSession
from streams.labelling.trainer import Retrainer

_PAGE = resources.files("streams.labelling").joinpath("page.html").read_text(encoding="utf-8")


def build_app(session: LabelSession, retrainer: Retrainer, model_name: str) -> Starlette:
    def state() -> JSONResponse:
        current = session.current()
        return JSONResponse({
            "current": None if current is None else {"mention": current.key, "text": current.text},
            "counts": session.counts(),
            "remaining": session.remaining(),
            "model": retrainer.ordered_by or model_name,
            "training": retrainer.training,
            "min_labels": retrainer.min_labels,
            "curve": [{"labels": p.labels, "macro_f1": round(p.macro_f1, 3)} for p in retrainer.curve],
            "error": retrainer.error,
        })

    def page(request: Request) -> HTMLResponse:
        return HTMLResponse(_PAGE)

    def get_state(request: Request) -> JSONResponse:
        return state()

    async def label(request: Request) -> JSONResponse:
        try:
            body = await request.json()
            session.label(str(body["mention"]), str(body["label"]))
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"not labelled: {exc}"}, status_code=400)
        return state()

    def undo(request: Request) -> JSONResponse:
        session.undo()
        return state()

    return Starlette(routes=[
        Route("/", page),
        Route("/api/state", get_state),
        Route("/api/label", label, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
    ])
