"""Errors raised by the guardrails policy.

    GuardrailError (ValueError)
    ├── UnknownGuardrailError          no guardrail of that name      -> HTTP 404
    └── InvalidGuardrailConfigError    bad threshold or action        -> HTTP 422

Messages are written for the operator who sent the update: they say what is allowed.
"""

from __future__ import annotations


class GuardrailError(ValueError):
    """Base class of the guardrail policy errors."""


class UnknownGuardrailError(GuardrailError):
    """The named guardrail does not exist."""


class InvalidGuardrailConfigError(GuardrailError):
    """A threshold or action is outside what the guardrail accepts."""
