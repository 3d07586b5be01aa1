"""`POST /feedback`: a user's rating of an answer."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from aimonitor.api.deps import ServiceDep
from aimonitor.api.schemas import FeedbackRecorded, FeedbackRequest, error_responses

router = APIRouter(tags=["feedback"])


@router.post(
    "/feedback",
    summary="Rate an answer (1-5)",
    responses=error_responses(413, described={404: "Unknown request_id"}),
)
async def feedback(body: FeedbackRequest, service: ServiceDep) -> FeedbackRecorded:
    outcome = await run_in_threadpool(
        service.record_feedback, body.request_id, body.rating, body.comment, body.category
    )
    if not outcome.found:
        raise HTTPException(404, f"unknown request_id {body.request_id!r}")
    return FeedbackRecorded(status="recorded", request_id=body.request_id, rating=body.rating)
