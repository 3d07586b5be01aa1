"""Prompt-attack detection: canonicalisation, rules, detector."""
