from __future__ import annotations

import pytest

from aimonitor.signals.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How do I reset my password on the VPN client?", "en"),
        ("My printer is not printing anything since this morning.", "en"),
        ("Comment réinitialiser mon mot de passe sur le VPN ?", "fr"),
        ("Bonjour, mon imprimante ne marche pas depuis ce matin.", "fr"),
        ("Wie kann ich mein Passwort zurücksetzen?", "de"),
        ("¿Cómo puedo cambiar mi contraseña del correo?", "es"),
        ("Come posso cambiare la password della mia email?", "it"),
        ("ok", "other"),
        ("docker ps -a | grep nginx", "other"),
        ("", "other"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected
