"""The console: its page and static files at `/console`, its JSON under `/console/api`.

Every JSON answer needs a key or a console session (`api/access.py`); changes need the
admin role. Answers are never cached by the browser (`Cache-Control: no-store`): stored
texts, redacted as they are, stay out of its disk cache.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import mimetypes
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Engine

from aimonitor.api.access import (
    SESSION_COOKIE,
    ConsoleAdminDep,
    Principal,
    Role,
    ViewerDep,
    authenticate_key,
    check_same_origin,
    clear_session_cookie,
    open_session,
    read_session,
    set_session_cookie,
)
from aimonitor.api.deps import ServiceDep
from aimonitor.api.schemas import ErrorResponse, invalid
from aimonitor.clients import ClientKeyStore
from aimonitor.console import models as m
from aimonitor.console import queries
from aimonitor.console.hours import HourCounts
from aimonitor.console.series import HORIZON_MINUTES, Minute, MinuteSeries
from aimonitor.guardrails import (
    InvalidGuardrailConfigError,
    UnknownGuardrailError,
    conversation_key,
)
from aimonitor.service import DRIFT_REFERENCE_FILE, Service
from aimonitor.store.records import utc
from aimonitor.store.slo_hours import HOUR_S, KEPT_HOURS

log = logging.getLogger("aimonitor.console")
STATIC_DIR = Path(__file__).parent / "static"
PAGE_SIZE_MAX = 200
LATEST_BLOCKED = 10
ERASURES_SHOWN = 50
PROMPT_PREVIEW_CHARS = 200
# What the alert rules use (deploy/prometheus/rules/alerts.yml): window, threshold. In
# minutes, read from the per-minute series; then in hours, from the hourly SLI counts.
BURN_WINDOWS = (("5m", 5, 14.4), ("1h", 60, 14.4), ("30m", 30, 6.0), ("6h", 360, 6.0),
                ("2h", 120, 3.0), ("1d", 1440, 3.0))  # fmt: skip
LONG_BURN_WINDOWS = (("3d", 3 * 24, 1.0), ("30d", 30 * 24, 1.0))
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
NO_STORE = {"Cache-Control": "no-store"}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "no key and no console session"},
    403: {"model": ErrorResponse, "description": "invalid key, or a change without the admin role"},
    503: {"model": ErrorResponse, "description": "the store cannot be read"},
}

router = APIRouter(prefix="/console", tags=["console"])
WindowQuery = Annotated[m.Window, Query(description="the last hour or the last 24 hours")]


@dataclass
class ConsoleState:
    """What the console keeps between requests: the minute aggregates, and the last
    verification of the audit chain (a verification walks the whole chain: one at a time)."""

    series: MinuteSeries
    hours: HourCounts
    verify_lock: threading.Lock = field(default_factory=threading.Lock)
    last_verification: m.Verification | None = None
    warming: threading.Thread | None = None

    def warm_up(self) -> None:
        """Read the last 24 hours in the background, once, after the first page has its
        answer: the first look at the day (or the SLO page) then finds it read."""
        if self.warming is None:
            self.warming = threading.Thread(
                target=self._read_day, name="aimonitor-console-warm-up", daemon=True
            )
            self.warming.start()

    def _read_day(self) -> None:
        try:
            self.series.minutes(HORIZON_MINUTES)
        except Exception:  # the store may be down or closing; a page read retries
            log.warning("console: reading the last 24 hours in the background failed")


_state_lock = threading.Lock()


def _engine(service: Service) -> Engine:
    engine = queries.engine_of(service.store)
    if engine is None:
        raise HTTPException(503, "the console reads a SQL store")
    return engine


def _state(request: Request, service: Service) -> ConsoleState:
    state: ConsoleState | None = getattr(request.app.state, "console", None)
    if state is None:
        with _state_lock:
            state = getattr(request.app.state, "console", None)
            if state is None:
                engine = _engine(service)
                state = ConsoleState(
                    MinuteSeries(engine, service.settings.slo_thresholds), HourCounts(engine)
                )
                request.app.state.console = state
    return state


def _no_store(response: Response) -> None:
    response.headers.update(NO_STORE)


def _answer(model: BaseModel) -> Response:
    """The model as JSON, serialised once (the series hold thousands of values)."""
    return Response(model.model_dump_json(), media_type="application/json", headers=NO_STORE)


# --- the page and its files -------------------------------------------------------------


def _static_files() -> dict[str, tuple[bytes, str, str]]:
    files: dict[str, tuple[bytes, str, str]] = {}
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            body = path.read_bytes()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".js":
                kind = "text/javascript"
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            files[path.relative_to(STATIC_DIR).as_posix()] = (body, kind, etag)
    return files


_FILES = _static_files()
# The files' URLs carry a digest of them all: the browser keeps them until they change.
VERSION = hashlib.sha256("".join(sorted(e for _, _, e in _FILES.values())).encode()).hexdigest()[
    :12
]
_PAGE = _FILES["index.html"][0].replace(b"/console/static/", f"/console/static/{VERSION}/".encode())
IMMUTABLE = "public, max-age=31536000, immutable"


@router.get("", include_in_schema=False)
@router.get("/", include_in_schema=False)
async def page(request: Request, service: ServiceDep) -> HTMLResponse:
    """The page; with a valid session it carries the session (role, CSRF token), which
    saves the page a round trip before its first data."""
    cookie = request.cookies.get(SESSION_COOKIE)
    principal = read_session(service, cookie) if cookie else None
    body = _PAGE
    if principal is not None:
        session = html.escape(_session_body(principal).model_dump_json(), quote=True)
        meta = f'<meta name="aimonitor-session" content="{session}">\n</head>'
        body = body.replace(b"</head>", meta.encode(), 1)
    return HTMLResponse(body, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


@router.get("/static/{name:path}", include_in_schema=False)
async def static_file(name: str, request: Request) -> Response:
    version, _, rest = name.partition("/")
    cache = "no-cache"
    if len(version) == len(VERSION) and rest:
        # A page of an earlier version gets today's files, revalidated each time.
        name, cache = rest, IMMUTABLE if version == VERSION else "no-cache"
    found = _FILES.get(name)
    if found is None or name == "index.html":
        raise HTTPException(404, "no such file")
    body, kind, etag = found
    headers = {**SECURITY_HEADERS, "ETag": etag, "Cache-Control": cache}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=kind, headers=headers)


# --- session ----------------------------------------------------------------------------


def _session_body(principal: Principal) -> m.Session:
    return m.Session(
        role=principal.role.value,
        csrf_token=principal.csrf_token,
        expires_at=principal.expires_at,
    )


@router.post("/api/session", summary="Log in to the console with a key", responses=ERRORS)
async def login(
    body: m.Login, request: Request, response: Response, service: ServiceDep
) -> m.Session:
    check_same_origin(request)
    principal = authenticate_key(service, body.key)
    if principal is None or principal.role is Role.CLIENT:
        raise HTTPException(403, "invalid key")
    cookie, session = open_session(service, principal, body.key)
    set_session_cookie(response, request, cookie)
    _no_store(response)
    return _session_body(session)


@router.get("/api/session", summary="The console session (role null when signed out)")
async def session(request: Request, response: Response, service: ServiceDep) -> m.Session:
    _no_store(response)
    cookie = request.cookies.get(SESSION_COOKIE)
    principal = read_session(service, cookie) if cookie else None
    return (
        _session_body(principal)
        if principal
        else m.Session(role=None, csrf_token=None, expires_at=None)
    )


@router.delete("/api/session", summary="Log out of the console", status_code=204)
async def logout(request: Request) -> Response:
    check_same_origin(request)
    response = Response(status_code=204)
    clear_session_cookie(response, request)
    return response


# --- series -------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _series(minutes: list[Minute], chart: str, columns: dict[str, Any]) -> m.Series:
    """One list per column, a value per minute; a minute's values are computed once."""
    rows = []
    for minute in minutes:
        row = minute.drawn.get(chart)
        if row is None:
            row = minute.drawn[chart] = tuple(_rounded(pick(minute)) for pick in columns.values())
        rows.append(row)
    values = zip(*rows, strict=True) if rows else ((),) * len(columns)
    return m.Series.model_construct(
        t=[minute.start for minute in minutes],
        values={name: list(column) for name, column in zip(columns, values, strict=True)},
    )


def _mean(minutes: list[Minute], attribute: str) -> float | None:
    total = sum(getattr(minute, attribute).total for minute in minutes)
    count = sum(getattr(minute, attribute).count for minute in minutes)
    return total / count if count else None


@dataclass(frozen=True)
class Window:
    name: m.Window
    minutes: list[Minute]


async def _window(
    request: Request, service: ServiceDep, _: ViewerDep, window: WindowQuery = "1h"
) -> Window:
    """The per-minute aggregates of the window asked for (read access needed)."""
    state = _state(request, service)
    minutes = await run_in_threadpool(state.series.minutes, m.WINDOW_MINUTES[window])
    state.warm_up()
    return Window(window, minutes)


WindowDep = Annotated[Window, Depends(_window)]


@router.get(
    "/api/overview",
    summary="Traffic, errors, latency, cost, trust",
    response_model=m.Overview,
    responses=ERRORS,
)
async def overview(span: WindowDep, service: ServiceDep) -> Response:
    window, minutes = span.name, span.minutes
    requests = sum(x.requests for x in minutes)
    errors = sum(x.errors for x in minutes)
    now = datetime.now(UTC)
    daily = service.settings.daily_budget_eur
    spent = service.limiter.spent("all", now)
    return _answer(
        m.Overview(
            window=window,
            requests=requests,
            errors=errors,
            blocked=sum(x.blocked for x in minutes),
            error_rate=_ratio(errors, requests),
            cost_eur=round(sum(x.cost_eur for x in minutes), 6),
            tokens=sum(x.tokens for x in minutes),
            trust=_rounded(_mean(minutes, "trust")),
            compliance=_rounded(_mean(minutes, "compliance")),
            drift_score=round(service.drift.score, 4),
            budget=m.Budget(
                daily_eur=daily,
                spent_today_eur=round(spent, 6),
                remaining_eur=None if daily is None else daily - spent,
            ),
            series=_series(
                minutes,
                "overview",
                {
                    "rps": lambda x: x.requests / 60,
                    "error_rate": lambda x: _ratio(x.errors, x.requests),
                    "p50_ms": lambda x: x.latency_p50,
                    "p95_ms": lambda x: x.latency_p95,
                    "p99_ms": lambda x: x.latency_p99,
                    "ttft_p50_ms": lambda x: x.ttft_p50,
                    "ttft_p95_ms": lambda x: x.ttft_p95,
                    "tokens": lambda x: x.tokens,
                    "cost_eur": lambda x: x.cost_eur,
                    "trust": lambda x: x.trust.value,
                    "compliance": lambda x: x.compliance.value,
                },
            ),
        )
    )


def _summary(row: Any) -> dict[str, Any]:
    triggers = list(row.guardrails or [])
    return {
        "request_id": row.request_id,
        "created_at": utc(row.created_at).isoformat(),
        "client": row.client,
        "conversation_id": row.conversation_id,
        "scenario": row.scenario,
        "decision": row.decision,
        "status_code": row.status_code,
        "latency_ms": round(float(row.latency_ms), 3),
        "cost_eur": float(row.cost_eur),
        "risk_level": row.risk_level,
        "guardrails": [str(t.get("guardrail")) for t in triggers],
        "reason": str(triggers[0].get("reason")) if triggers else None,
    }


def _counts(counter: Counter[str]) -> list[m.Count]:
    return [m.Count(name=name, count=count) for name, count in counter.most_common(20)]


@router.get(
    "/api/security",
    summary="Blocks, personal data, attacks, rate limits",
    response_model=m.Security,
    responses=ERRORS,
)
async def security(span: WindowDep, service: ServiceDep) -> Response:
    window, minutes = span.name, span.minutes
    blocked = await run_in_threadpool(
        queries.latest_with_decision, _engine(service), "blocked", LATEST_BLOCKED
    )
    triggers: Counter[tuple[str, str]] = Counter()
    personal: Counter[str] = Counter()
    families: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    clients: Counter[str] = Counter()
    for minute in minutes:
        triggers.update(minute.triggers)
        personal.update(minute.personal_data)
        families.update(minute.attack_families)
        rules.update(minute.attack_rules)
        clients.update(minute.limited_clients)
    return _answer(
        m.Security(
            window=window,
            triggers=[
                m.TriggerCount(guardrail=g, action=a, count=n)
                for (g, a), n in triggers.most_common()
            ],
            personal_data=_counts(personal),
            attack_families=_counts(families),
            attack_rules=_counts(rules),
            rate_limited_clients=_counts(clients),
            latest_blocked=[
                m.BlockedRequest(
                    **_summary(row),
                    attack_score=row.score_attack,
                    toxicity_score=row.score_toxicity,
                    prompt=None
                    if row.prompt_text is None
                    else row.prompt_text[:PROMPT_PREVIEW_CHARS],
                )
                for row in blocked
            ],
            series=_series(
                minutes,
                "security",
                {
                    "blocked": lambda x: x.blocked,
                    "redacted": lambda x: x.redacted,
                    "rate_limited": lambda x: x.rate_limited,
                },
            ),
        )
    )


@router.get(
    "/api/quality",
    summary="Quality, coherence, hallucinations, drift",
    response_model=m.Quality,
    responses=ERRORS,
)
async def quality(span: WindowDep, service: ServiceDep) -> Response:
    window, minutes = span.name, span.minutes
    hallucination_total = sum(x.hallucinations.total for x in minutes)
    hallucination_bad = sum(x.hallucinations.bad for x in minutes)
    drift = service.drift.explain()
    return _answer(
        m.Quality(
            window=window,
            quality=_rounded(_mean(minutes, "quality")),
            coherence=_rounded(_mean(minutes, "coherence")),
            hallucination_rate=_rounded(_ratio(hallucination_bad, hallucination_total)),
            drift={"score": service.drift.score, **drift},
            series=_series(
                minutes,
                "quality",
                {
                    "quality": lambda x: x.quality.value,
                    "coherence": lambda x: x.coherence.value,
                    "hallucination_rate": lambda x: _ratio(
                        x.hallucinations.bad, x.hallucinations.total
                    ),
                },
            ),
        )
    )


@router.get(
    "/api/slo",
    summary="SLIs, error budgets and burn rates",
    response_model=m.Slos,
    responses=ERRORS,
)
async def slos(request: Request, service: ServiceDep, _: ViewerDep) -> Response:
    state = _state(request, service)
    minutes = await run_in_threadpool(state.series.minutes, m.WINDOW_MINUTES["24h"])
    current_hour, hours = await run_in_threadpool(state.hours.hours)
    first_hour = current_hour - (KEPT_HOURS - 1) * HOUR_S
    process_rates = service.slo.burn_rates(time.monotonic())
    attribute = {"availability": "availability", "latency": "latency", "quality": "quality_sli"}
    result = []
    for name, objective in service.slo.objectives.items():
        slis = [getattr(x, attribute[name]) for x in minutes]
        good = sum(s.total - s.bad for s in slis)
        bad = sum(s.bad for s in slis)
        budget = 1 - objective
        rates = []
        for label, span, threshold in BURN_WINDOWS:
            recent = slis[-span:]
            total = sum(s.total for s in recent)
            rate = _rounded(_burn_rate((total, sum(s.bad for s in recent)), budget), 3)
            rates.append(m.BurnRate(window=label, rate=rate, threshold=threshold, requests=total))
        for label, span, threshold in LONG_BURN_WINDOWS:
            since = current_hour - (span - 1) * HOUR_S
            counts = [c.get(name, (0, 0)) for h, c in hours.items() if h >= since]
            total = sum(n for n, _ in counts)
            rate = _rounded(_burn_rate((total, sum(b for _, b in counts)), budget), 3)
            rates.append(m.BurnRate(window=label, rate=rate, threshold=threshold, requests=total))
        error_ratio = _ratio(bad, good + bad)
        result.append(
            m.SloStatus(
                name=name,
                objective=objective,
                good=good,
                bad=bad,
                sli=_rounded(None if error_ratio is None else 1 - error_ratio),
                budget_remaining=_rounded(
                    None if error_ratio is None else 1 - error_ratio / budget
                ),
                # The objective's own period: what the 30-day burn rate leaves of it.
                budget_remaining_30d=None if rates[-1].rate is None else 1 - rates[-1].rate,
                burn_rates=rates,
                process_burn_rate=round(process_rates.get(name, 0.0), 3),
            )
        )
    last_hour = minutes[-60:]
    columns = {
        f"{name}_burn": (lambda attr, budget: lambda x: _burn_rate(
            (getattr(x, attr).total, getattr(x, attr).bad), budget
        ))(attribute[name], 1 - objective)
        for name, objective in service.slo.objectives.items()
    }  # fmt: skip
    per_hour = range(first_hour, current_hour + HOUR_S, HOUR_S)
    hourly_columns = {
        f"{name}_burn": [
            _rounded(_burn_rate(hours.get(hour, {}).get(name, (0, 0)), 1 - objective))
            for hour in per_hour
        ]
        for name, objective in service.slo.objectives.items()
    }
    return _answer(
        m.Slos(
            slos=result,
            series=_series(last_hour, "slo", columns),
            hourly=m.Series.model_construct(t=list(per_hour), values=hourly_columns),
        )
    )


def _burn_rate(counts: tuple[int, int], budget: float) -> float | None:
    """(requests, bad): the error ratio over the error budget (None without requests)."""
    total, bad = counts
    ratio = _ratio(bad, total)
    return None if ratio is None else ratio / budget


# --- requests ---------------------------------------------------------------------------------


def _stored_conversation(conversation_id: str | None, secret: bytes) -> str | None:
    """Conversations are stored under the pseudonym of the id the client chose: search
    by that id (or by the pseudonym itself, as the request detail shows it)."""
    if conversation_id is None or conversation_id.startswith("conv:"):
        return conversation_id
    return conversation_key(conversation_id, secret)


def _parse_time(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return utc(datetime.fromisoformat(value))
    except ValueError:
        raise invalid("not an ISO 8601 date and time", "query", name) from None


@router.get("/api/requests", summary="Search requests (newest first, paginated)", responses=ERRORS)
async def requests_page(
    response: Response,
    service: ServiceDep,
    _: ViewerDep,
    request_id: Annotated[str | None, Query(max_length=64)] = None,
    conversation_id: Annotated[str | None, Query(max_length=128)] = None,
    client: Annotated[str | None, Query(max_length=128, description="client pseudonym")] = None,
    decision: Annotated[
        str | None,
        Query(pattern="^(served|redacted|blocked|rate_limited|error|rejected)$"),
    ] = None,
    since: Annotated[str | None, Query(max_length=40, description="ISO 8601")] = None,
    until: Annotated[str | None, Query(max_length=40, description="ISO 8601")] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> m.RequestPage:
    where = queries.RequestFilter(
        request_id=request_id,
        conversation_id=_stored_conversation(conversation_id, service.secret),
        client=client,
        decision=decision,
        since=_parse_time(since, "since"),
        until=_parse_time(until, "until"),
    )
    try:
        after = queries.Cursor.decode(cursor) if cursor else None
    except ValueError as exc:
        raise invalid(str(exc), "query", "cursor") from None
    rows, next_cursor = await run_in_threadpool(
        queries.search_requests, _engine(service), where, limit, after
    )
    _no_store(response)
    return m.RequestPage(
        items=[m.RequestSummary(**_summary(row)) for row in rows],
        next_cursor=next_cursor.encode() if next_cursor else None,
    )


@router.get(
    "/api/requests/{request_id}",
    summary="One request in detail",
    responses={**ERRORS, 404: {"model": ErrorResponse, "description": "unknown request"}},
)
async def request_detail(
    request_id: str, response: Response, service: ServiceDep, _: ViewerDep
) -> m.RequestDetail:
    engine = _engine(service)
    row = await run_in_threadpool(queries.request_detail, engine, request_id)
    if row is None:
        raise HTTPException(404, "unknown request")
    feedback = await run_in_threadpool(queries.feedback_of, engine, request_id)
    _no_store(response)
    erased = row.content_erased_at
    return m.RequestDetail(
        request_id=row.request_id,
        created_at=utc(row.created_at).isoformat(),
        client=row.client,
        user=row.user_id,
        conversation_id=row.conversation_id,
        scenario=row.scenario,
        model=row.model,
        backend=row.backend,
        decision=row.decision,
        status_code=row.status_code,
        risk_level=row.risk_level,
        risk_domain=row.risk_domain,
        prompt=row.prompt_text,
        response=row.response_text,
        content_erased_at=None if erased is None else utc(erased).isoformat(),
        findings=dict(row.findings or {}),
        # Rows stored before these columns existed hold NULL.
        finding_spans=[m.FindingSpan(**span) for span in row.finding_spans or []],
        attack=m.Attack(**row.attack) if row.attack else None,
        guardrails=[
            m.Trigger(
                guardrail=str(t.get("guardrail")),
                action=str(t.get("action")),
                stage=t.get("stage"),
                reason=str(t.get("reason", "")),
            )
            for t in row.guardrails or []
        ],
        scores=dict(row.scores or {}),
        latency_ms=row.latency_ms,
        ttft_ms=row.ttft_ms,
        stage_ms=dict(row.stage_ms or {}),
        trace_id=row.trace_id,
        tokens_input=row.tokens_input,
        tokens_output=row.tokens_output,
        tokens_estimated=bool(row.tokens_estimated),
        cost_eur=row.cost_eur,
        error=row.error,
        feedback=[
            m.Feedback(
                rating=f.rating, category=f.category, created_at=utc(f.created_at).isoformat()
            )
            for f in feedback
        ],
    )


# --- audit --------------------------------------------------------------------------------------


def _erasure(row: Any) -> m.ErasureEntry:
    details = json.loads(row.metadata)
    details.pop("request_ids", None)  # long, and the conversation already says which
    return m.ErasureEntry(
        seq=row.seq,
        event_type=row.event_type,
        created_at=utc(row.created_at).isoformat(),
        conversation_id=row.conversation_id,
        details=details,
    )


@router.get("/api/audit", summary="Audit chain status and erasure log", responses=ERRORS)
async def audit(request: Request, response: Response, service: ServiceDep, _: ViewerDep) -> m.Audit:
    engine = _engine(service)
    head_seq, head_at = await run_in_threadpool(queries.chain_head, engine)
    erasures = await run_in_threadpool(queries.erasure_log, engine, ERASURES_SHOWN)
    _no_store(response)
    return m.Audit(
        head_seq=head_seq,
        head_at=None if head_at is None else head_at.isoformat(),
        last_verification=_state(request, service).last_verification,
        erasures=[_erasure(row) for row in erasures],
    )


@router.post(
    "/api/audit/verify",
    summary="Verify the audit chain now (as `aimonitor audit verify`)",
    responses={**ERRORS, 409: {"description": "a verification is already running"}},
)
async def verify(
    request: Request, response: Response, service: ServiceDep, _: ViewerDep
) -> m.Verification:
    state = _state(request, service)
    if not state.verify_lock.acquire(blocking=False):
        raise HTTPException(409, "a verification is already running")
    try:
        await run_in_threadpool(service.writer.flush)
        result = await run_in_threadpool(service.store.verify_chain)
    finally:
        state.verify_lock.release()
    state.last_verification = m.Verification(
        ok=result.ok,
        checked=result.checked,
        first_broken=result.first_broken,
        reason=result.reason,
        verified_at=datetime.now(UTC).isoformat(),
    )
    _no_store(response)
    return state.last_verification


@router.get(
    "/api/audit/export",
    summary="The audit trail as JSON lines (as `aimonitor audit export`)",
    response_class=StreamingResponse,
    responses={
        **ERRORS,
        200: {
            "description": "One audit record per line",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        },
    },
)
async def export(
    service: ServiceDep,
    _: ViewerDep,
    since: Annotated[str | None, Query(max_length=40, description="ISO 8601")] = None,
) -> StreamingResponse:
    start = _parse_time(since, "since")

    def lines() -> Iterator[bytes]:
        for record in service.store.export_audit(start):
            yield json.dumps(record, ensure_ascii=False).encode() + b"\n"

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )


# --- admin ---------------------------------------------------------------------------------------


def _client_keys(request: Request) -> list[m.ClientKeyView] | None:
    """The application keys (name, prefix, limits; never the token), when the service
    has a key store (`app.state.client_keys`, see api/routes/keys.py)."""
    store = getattr(request.app.state, "client_keys", None)
    if not isinstance(store, ClientKeyStore):
        return None
    return [m.ClientKeyView(**key.to_dict()) for key in store.list(include_revoked=True)]


@router.get("/api/admin", summary="Guardrails, client keys, retention", responses=ERRORS)
async def admin(request: Request, response: Response, service: ServiceDep, _: ViewerDep) -> m.Admin:
    _no_store(response)
    client_keys = await run_in_threadpool(_client_keys, request)
    settings = service.settings
    return m.Admin(
        guardrails=[m.GuardrailView(**c.to_dict()) for c in service.engine.configs().values()],
        client_keys=client_keys,
        retention_days=settings.retention_days,
        audit_store_text=settings.audit_store_text,
        redaction_mode=settings.redaction_mode,
        viewer_key_set=bool(settings.viewer_api_key),
        admin_key_set=bool(settings.admin_api_key),
    )


@router.put(
    "/api/guardrails/{name}",
    summary="Change a guardrail (admin; CSRF token with a session)",
    responses={**ERRORS, 404: {"description": "unknown guardrail"}},
)
async def change_guardrail(
    name: str, body: m.GuardrailChange, service: ServiceDep, principal: ConsoleAdminDep
) -> m.GuardrailView:
    try:
        updated = await run_in_threadpool(
            service.update_guardrail,
            name,
            body.enabled,
            body.threshold,
            body.action,
            principal.actor,
        )
    except UnknownGuardrailError as exc:
        raise HTTPException(404, str(exc)) from exc
    except InvalidGuardrailConfigError as exc:
        raise invalid(str(exc)) from exc
    return m.GuardrailView(**updated.to_dict())


@router.post(
    "/api/drift/reference",
    summary="Take the latest stored prompts as the new drift reference (admin)",
    responses={**ERRORS, 409: {"description": "not enough stored prompts"}},
)
async def new_drift_reference(service: ServiceDep, _: ConsoleAdminDep) -> m.DriftReferenceSet:
    size = service.settings.drift_reference_size
    texts = await run_in_threadpool(queries.recent_prompts, _engine(service), size)
    if len(texts) < size:
        raise HTTPException(
            409,
            f"{len(texts)} stored prompts, {size} needed (AIMONITOR_DRIFT_REFERENCE_SIZE); "
            "with AIMONITOR_AUDIT_STORE_TEXT=none use `aimonitor drift set-reference`",
        )
    await run_in_threadpool(service.drift.set_reference, texts)
    path = service.settings.data_dir / DRIFT_REFERENCE_FILE
    await run_in_threadpool(service.drift.save_reference, path)
    return m.DriftReferenceSet(status="reference set", reference_size=len(texts))
