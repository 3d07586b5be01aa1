"""Builds eval/pii_labelled.jsonl: French and English texts with labelled personal data.

Values are generated (seeded, so the file is reproducible: `python eval/make_pii_set.py`)
and made valid the way real ones are: Luhn for cards, SIREN and SIRET, mod 97 for IBANs
and NIR keys, SSA rules for SSNs, `phonenumbers` numbering plans for phones. Each row:
`{"text", "lang", "kind", "spans": [{"start", "end", "type"}]}` where kind is
`positive` (has personal data), `negative` (dates, prices, order numbers, versions...)
or `checksum_fail` (a number shaped like an identifier whose checksum is wrong: must not
be reported). Sentence templates were written by hand for this set.
"""

# ruff: noqa: E501  (one template per line reads better than wrapped strings)

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

import phonenumbers
from stdnum import iban as stdnum_iban

RNG = random.Random(20260323)


def _digits(n: int) -> str:
    return "".join(RNG.choice(string.digits) for _ in range(n))


def _luhn_check_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def _group(value: str, sizes: list[int], sep: str) -> str:
    parts, position = [], 0
    for size in sizes:
        parts.append(value[position : position + size])
        position += size
    return sep.join(p for p in parts if p)


def card(valid: bool = True) -> str:
    issuer = RNG.choice(["visa", "mastercard", "amex", "visa", "mastercard"])
    if issuer == "visa":
        body = "4" + _digits(14)
        sizes = [4, 4, 4, 4]
    elif issuer == "mastercard":
        body = RNG.choice(["51", "52", "53", "54", "55"]) + _digits(13)
        sizes = [4, 4, 4, 4]
    else:
        body = RNG.choice(["34", "37"]) + _digits(12)
        sizes = [4, 6, 5]
    check = _luhn_check_digit(body)
    if not valid:
        check = str((int(check) + RNG.randint(1, 9)) % 10)
    number = body + check
    return _group(number, sizes, RNG.choice([" ", "-", ""]))


def _iban_check(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


_BBAN: dict[str, Callable[[], str]] = {
    "FR": lambda: _fr_bban(),
    "DE": lambda: _digits(18),
    "BE": lambda: _be_bban(),
    "GB": lambda: "".join(RNG.choice(string.ascii_uppercase) for _ in range(4)) + _digits(14),
    "NL": lambda: "".join(RNG.choice(string.ascii_uppercase) for _ in range(4)) + _digits(10),
    "IT": lambda: RNG.choice(string.ascii_uppercase) + _digits(22),
    "ES": lambda: _digits(20),
    "CH": lambda: _digits(17),
}


def _fr_bban() -> str:
    bank, branch, account = _digits(5), _digits(5), _digits(11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"


def _be_bban() -> str:
    body = _digits(10)
    check = int(body) % 97 or 97
    return f"{body}{check:02d}"


def iban(valid: bool = True) -> str:
    for _ in range(10_000):
        country = RNG.choice(list(_BBAN))
        bban = _BBAN[country]()
        check = _iban_check(country, bban)
        compact = country + check + bban
        if stdnum_iban.is_valid(compact):
            break
    else:  # pragma: no cover
        raise RuntimeError("could not generate an IBAN")
    if not valid:
        wrong = f"{(int(check) + RNG.randint(1, 50)) % 97 + 2:02d}"
        compact = country + wrong + bban
        assert not stdnum_iban.is_valid(compact)
    return _group(compact, [4] * 9, " ") if RNG.random() < 0.6 else compact


_PHONE_SHAPES = [
    ("FR", lambda: "0" + RNG.choice("67") + _digits(8), [2, 2, 2, 2, 2], " "),
    ("FR", lambda: "0" + RNG.choice("12345") + _digits(8), [2, 2, 2, 2, 2], "."),
    ("FR", lambda: "+33 " + RNG.choice("67") + " " + _group(_digits(8), [2, 2, 2, 2], " "), [], ""),
    ("FR", lambda: "+33 (0)1 " + _group(_digits(8), [2, 2, 2, 2], " "), [], ""),
    ("GB", lambda: "+44 20 7" + _digits(3) + " " + _digits(4), [], ""),
    ("GB", lambda: "07" + _digits(3) + " " + _digits(6), [], ""),
    (
        "US",
        lambda: (
            f"({RNG.choice(['212', '415', '617', '312'])}) {RNG.randint(200, 999)}-{_digits(4)}"
        ),
        [],
        "",
    ),
    (
        "US",
        lambda: f"+1 {RNG.choice(['212', '646', '305'])} {RNG.randint(200, 999)} {_digits(4)}",
        [],
        "",
    ),
    ("DE", lambda: "+49 30 " + _digits(8), [], ""),
    ("DE", lambda: "0151 " + _digits(8), [], ""),
    (
        "BE",
        lambda: "+32 4" + RNG.choice("789") + _digits(1) + " " + _group(_digits(6), [2, 2, 2], " "),
        [],
        "",
    ),
    (
        "CH",
        lambda: (
            "+41 7" + RNG.choice("6789") + " " + _digits(3) + " " + _group(_digits(4), [2, 2], " ")
        ),
        [],
        "",
    ),
    ("ES", lambda: "+34 6" + _digits(2) + " " + _digits(3) + " " + _digits(3), [], ""),
    ("IT", lambda: "+39 3" + _digits(2) + " " + _digits(3) + " " + _digits(4), [], ""),
]


def phone() -> str:
    for _ in range(10_000):
        region, make, sizes, sep = RNG.choice(_PHONE_SHAPES)
        raw = make()
        text = _group(raw, sizes, sep) if sizes else raw
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return text
    raise RuntimeError("could not generate a phone number")  # pragma: no cover


def ssn(valid: bool = True) -> str:
    if valid:
        area = RNG.choice([a for a in range(1, 900) if a != 666])
        group, serial = RNG.randint(1, 99), RNG.randint(1, 9999)
    else:
        area, group, serial = RNG.choice(
            [
                (0, RNG.randint(1, 99), RNG.randint(1, 9999)),
                (666, RNG.randint(1, 99), RNG.randint(1, 9999)),
                (RNG.randint(900, 999), RNG.randint(1, 99), RNG.randint(1, 9999)),
                (RNG.randint(1, 665), 0, RNG.randint(1, 9999)),
                (RNG.randint(1, 665), RNG.randint(1, 99), 0),
            ]
        )
    return f"{area:03d}-{group:02d}-{serial:04d}"


def nir(valid: bool = True) -> str:
    department = RNG.choice([f"{RNG.randint(1, 95):02d}", "2A", "2B", "75", "69", "13"])
    body = f"{RNG.choice('12')}{RNG.randint(40, 99):02d}{RNG.randint(1, 12):02d}{department}{_digits(3)}{_digits(3)}"
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    key = 97 - numeric % 97
    if not valid:
        key = (key + RNG.randint(1, 90)) % 97 + 1
        if key == 97 - numeric % 97:
            key = key % 97 + 1
    value = f"{body}{key:02d}"
    if RNG.random() < 0.6:
        return _group(value, [1, 2, 2, 2, 3, 3, 2], " ")
    return value


def siren(valid: bool = True) -> str:
    body = str(RNG.randint(1, 9)) + _digits(7)
    check = _luhn_check_digit(body)
    if not valid:
        check = str((int(check) + RNG.randint(1, 9)) % 10)
    value = body + check
    return _group(value, [3, 3, 3], " ") if RNG.random() < 0.5 else value


def siret(valid: bool = True) -> str:
    body = str(RNG.randint(1, 9)) + _digits(12)
    check = _luhn_check_digit(body)
    if not valid:
        check = str((int(check) + RNG.randint(1, 9)) % 10)
    value = body + check
    return _group(value, [3, 3, 3, 5], " ") if RNG.random() < 0.5 else value


def ipv4() -> str:
    first = RNG.choice([10, 172, 192, 81, 88, 91, 185, 203])
    return f"{first}.{RNG.randint(0, 255)}.{RNG.randint(0, 255)}.{RNG.randint(1, 254)}"


def ipv6() -> str:
    groups = [f"{RNG.randint(0, 0xFFFF):x}" for _ in range(5)]
    return "2001:db8:" + ":".join(groups[:2]) + "::" + groups[2]


_FIRST = [
    "jean",
    "marie",
    "lucas",
    "chloe",
    "paul",
    "emma",
    "john",
    "sarah",
    "mohamed",
    "ines",
    "li",
    "olga",
]
_LAST = [
    "dupont",
    "martin",
    "bernard",
    "smith",
    "nguyen",
    "garcia",
    "moreau",
    "lefevre",
    "brown",
    "diallo",
]
_DOMAINS = [
    "example.com",
    "exemple.fr",
    "mail.example.org",
    "societe.fr",
    "corp.example.co.uk",
    "univ-example.eu",
]


def email() -> str:
    sep = RNG.choice([".", "_", "", "-"])
    local = f"{RNG.choice(_FIRST)}{sep}{RNG.choice(_LAST)}"
    if RNG.random() < 0.3:
        local += str(RNG.randint(1, 99))
    return f"{local}@{RNG.choice(_DOMAINS)}"


def secret() -> str:
    kind = RNG.choice(["aws", "github", "openai", "slack", "jwt", "stripe"])
    alnum = string.ascii_letters + string.digits
    if kind == "aws":
        return "AKIA" + "".join(
            RNG.choice(string.ascii_uppercase + string.digits) for _ in range(16)
        )
    if kind == "github":
        return "ghp_" + "".join(RNG.choice(alnum) for _ in range(36))
    if kind == "openai":
        return "sk-proj-" + "".join(RNG.choice(alnum + "_-") for _ in range(48))
    if kind == "slack":
        return f"xoxb-{_digits(11)}-{_digits(12)}-" + "".join(RNG.choice(alnum) for _ in range(24))
    if kind == "stripe":
        return "sk_live_" + "".join(RNG.choice(alnum) for _ in range(24))

    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    signature = "".join(RNG.choice(alnum + "_-") for _ in range(43))
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': _digits(6), 'name': RNG.choice(_FIRST)})}.{signature}"


GENERATORS: dict[str, Callable[[], str]] = {
    "EMAIL": email,
    "PHONE": phone,
    "CREDIT_CARD": card,
    "IBAN": iban,
    "US_SSN": ssn,
    "FR_NIR": nir,
    "IP_ADDRESS": lambda: ipv4() if RNG.random() < 0.75 else ipv6(),
    "FR_SIREN": siren,
    "FR_SIRET": siret,
    "SECRET": secret,
}

# Templates: {TYPE} is replaced by a generated value of that type.
TEMPLATES: dict[str, list[str]] = {
    "fr": [
        "Bonjour, vous pouvez me joindre au {PHONE} ou par courriel à {EMAIL}.",
        "Merci de rembourser sur mon compte, IBAN {IBAN}, avant vendredi.",
        "Ma carte {CREDIT_CARD} a été débitée deux fois pour la commande du 12/03.",
        "Mon numéro de sécurité sociale est {FR_NIR}, je l'ajoute au dossier.",
        "La société est immatriculée sous le SIREN {FR_SIREN} au RCS de Lyon.",
        "Facture adressée à l'établissement SIRET {FR_SIRET}, merci de vérifier.",
        "Le serveur {IP_ADDRESS} ne répond plus depuis ce matin.",
        "Écrivez à {EMAIL} pour toute question sur votre contrat.",
        "Rappelez-moi au {PHONE} après 18 h, s'il vous plaît.",
        "Voici ma clé d'API : {SECRET} (ne la partagez pas).",
        "Pour le virement : {IBAN}, au nom de Mme Martin.",
        "Contact : {EMAIL} / tél. {PHONE}",
        "Paiement refusé avec la carte {CREDIT_CARD}, pouvez-vous regarder ?",
        "Connexion suspecte depuis l'adresse IP {IP_ADDRESS} hier soir.",
        "Carte Vitale n° {FR_NIR} — joindre l'attestation.",
        "Le fournisseur (SIRET {FR_SIRET}) nous a envoyé le devis.",
        "J'ai reçu un courriel de {EMAIL} me demandant mon IBAN {IBAN}.",
        "Mon collègue américain m'a donné son SSN {US_SSN} pour le formulaire.",
        "Le token {SECRET} traîne dans le dépôt git, il faut le révoquer.",
        "Numéro portable : {PHONE}. Adresse : 12 rue des Lilas, 75011 Paris.",
    ],
    "en": [
        "Hi, please call me on {PHONE} or email {EMAIL}.",
        "Refund to my account, IBAN {IBAN}, please.",
        "My card {CREDIT_CARD} was charged twice for order 5512.",
        "Her SSN is {US_SSN}; add it to the tax form.",
        "The login came from IP {IP_ADDRESS} at 03:14.",
        "Contact {EMAIL} for the invoice.",
        "Use this key: {SECRET} for the staging API.",
        "You can reach our Paris office at {PHONE}.",
        "Payment failed on card {CREDIT_CARD}, expiry 09/27.",
        "Social security number: {US_SSN}.",
        "The French supplier's SIREN is {FR_SIREN}.",
        "Wire the deposit to {IBAN} by Monday.",
        "Ping {EMAIL} and {EMAIL} about the offsite.",
        "Server {IP_ADDRESS} is throwing 502s again.",
        "My French social security number (NIR) is {FR_NIR}.",
        "Leaked in the logs: Authorization: Bearer {SECRET}",
        "Text me at {PHONE} when you land.",
        "The invoice lists SIRET {FR_SIRET} for the Lyon branch.",
        "Please update my phone to {PHONE} and my email to {EMAIL}.",
        "Card number {CREDIT_CARD}, IBAN {IBAN}: which one should I use?",
    ],
}

NEGATIVES: dict[str, list[str]] = {
    "fr": [
        "La réunion est fixée au 15/03/2024 à 14 h 30.",
        "Le prix total est de 1 299,00 € TTC, livraison comprise.",
        "Votre commande n° 2024-118734 a été expédiée.",
        "Installez la version 2.14.3 puis redémarrez.",
        "Le colis 6A12345678901 est en cours d'acheminement.",
        "Rendez-vous le 2024-03-15, salle 1204, bâtiment B.",
        "Le chiffre d'affaires a progressé de 12,5 % pour atteindre 4 380 000 €.",
        "Mettez à jour vers la version 10.0.19045.2965 de Windows.",
        "Code postal 75011, Paris ; population 147 017 habitants.",
        "Référence article : 3 760 123 456 789, lot 45.",
        "Le vol AF 1234 décolle à 07:45 du terminal 2E.",
        "ISBN 978-2-07-036822-8, édition de 1990.",
        "Ticket de support #884213 clôturé le 03/04/2024.",
        "Python 3.11.7 et numpy 1.26.4 sont requis.",
        "Le contrat court du 01.01.2024 au 31.12.2026.",
        "Montant : 12 499 € HT, acompte de 3 750 €.",
        "Facture FA-2024-000457 du 28 février.",
        "La température a atteint 38,4 °C le 12 août 2003.",
        "Le match s'est terminé 3-1 devant 45 000 spectateurs.",
        "Numéro de suivi : 1Z999AA10123456784.",
    ],
    "en": [
        "The meeting is on 03/15/2024 at 2:30 pm.",
        "Total: $1,299.99 plus $45.00 shipping.",
        "Order #A-77812-B shipped yesterday.",
        "Upgrade to v3.2.1 before Friday; 3.1.9 is deprecated.",
        "Build 4.18.0-372.9.1 of the kernel fixes it.",
        "Our revenue grew 12.5% to $4,380,000 in 2023.",
        "Room 1204, floor 12, building 3.",
        "Flight BA 2490 departs at 07:45 from gate 23.",
        "The population of Lyon is 522,969 (2021 census).",
        "Use numpy 1.26.4 and pandas 2.2.1 for this notebook.",
        "Invoice INV-2024-000457 is due in 30 days.",
        "Tracking number 9400 1000 0000 0000 0000 00 is not valid yet.",
        "The firmware version 1.2.3.4 is still supported.",
        "Pi is approximately 3.14159265358979.",
        "Call extension 4021 at the front desk.",
        "The sequence 1, 1, 2, 3, 5, 8, 13, 21 is Fibonacci.",
        "Product SKU 00012345678905 is out of stock.",
        "Timestamp 1700000000 corresponds to November 2023.",
        "The score was 104-98 in overtime.",
        "Coordinates: 48.8566, 2.3522 (Paris).",
    ],
}

CHECKSUM_FAIL: dict[str, list[tuple[str, Callable[[], str]]]] = {
    "fr": [
        ("Ma carte {X} ne fonctionne plus.", lambda: card(valid=False)),
        ("IBAN : {X}, merci.", lambda: iban(valid=False)),
        ("Numéro de sécurité sociale {X}.", lambda: nir(valid=False)),
        ("SIREN {X} au registre du commerce.", lambda: siren(valid=False)),
        ("Le SIRET {X} figure sur la facture.", lambda: siret(valid=False)),
    ],
    "en": [
        ("Card number {X} was declined.", lambda: card(valid=False)),
        ("Send it to IBAN {X}.", lambda: iban(valid=False)),
        ("SSN {X} on the form.", lambda: ssn(valid=False)),
        ("The company SIREN {X} is listed.", lambda: siren(valid=False)),
    ],
}


def _hard() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Harder shapes, written by hand: (lang, template, [(placeholder, value), ...]).
    Not all of these are expected to be found; they keep the set from being too easy."""
    card_value = card().replace(" ", "").replace("-", "")
    iban_value = iban().replace(" ", "")
    nir_corsica = ""
    while not nir_corsica.startswith(("1", "2")) or "2A" not in nir_corsica[5:7]:
        nir_corsica = nir().replace(" ", "")
    return [
        (
            "fr",
            "Appelle-moi : tel:+336"
            + _digits(8)
            + " ou 0033 7 "
            + _group(_digits(8), [2, 2, 2, 2], " ")
            + ".",
            [],
        ),
        (
            "fr",
            "Mon portable c'est le 06-" + _group(_digits(8), [2, 2, 2, 2], "-") + ", pas le fixe.",
            [],
        ),
        (
            "fr",
            "iban en minuscules : " + _group(iban_value.lower(), [4] * 9, " ") + " (copié du PDF)",
            [],
        ),
        ("en", "Card 4111.1111.1111.1111 is the Visa test card.", []),
        ("en", "Write to JEAN.DUPONT@EXEMPLE.FR or jean dot dupont at exemple dot fr.", []),
        ("en", "The mapped address ::ffff:192.0.2.1 showed up in the proxy logs.", []),
        ("en", "SSN: " + ssn().replace("-", "") + " (no dashes in the export).", []),
        ("fr", "NIR d'un assuré né en Corse : " + nir_corsica + ".", []),
        (
            "fr",
            "Numéros : 06 "
            + _group(_digits(8), [2, 2, 2, 2], " ")
            + ", 07 "
            + _group(_digits(8), [2, 2, 2, 2], " ")
            + ".",
            [],
        ),
        ("en", "Card: " + card_value + " exp 04/29 cvv 123", []),
        ("en", "My number is +44 7700 900" + _digits(3) + ", UK mobile.", []),
        (
            "fr",
            "Clé AWS exposée AKIA"
            + "".join(RNG.choice(string.ascii_uppercase) for _ in range(16))
            + " dans le log.",
            [],
        ),
    ]


def _fill(template: str) -> dict[str, object]:
    text, spans, position = "", [], 0
    while True:
        start = template.find("{", position)
        if start < 0:
            text += template[position:]
            break
        end = template.index("}", start)
        kind = template[start + 1 : end]
        text += template[position:start]
        value = GENERATORS[kind]()
        spans.append({"start": len(text), "end": len(text) + len(value), "type": kind})
        text += value
        position = end + 1
    return {"text": text, "spans": spans}


def rows() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for lang, templates in TEMPLATES.items():
        for _ in range(4):  # each template four times with fresh values
            for template in templates:
                out.append({**_fill(template), "lang": lang, "kind": "positive"})
    for lang, text, _ in _hard():
        out.append({**_label_hard(text), "lang": lang, "kind": "positive_hard"})
    for lang, texts in NEGATIVES.items():
        for text in texts:
            out.append({"text": text, "spans": [], "lang": lang, "kind": "negative"})
    for lang, shapes in CHECKSUM_FAIL.items():
        for _ in range(5):
            for template, make in shapes:
                out.append(
                    {
                        "text": template.replace("{X}", make()),
                        "spans": [],
                        "lang": lang,
                        "kind": "checksum_fail",
                    }
                )
    return out


def _label_hard(text: str) -> dict[str, object]:
    """Labels a hard row by locating its values with exact, hand-checked patterns."""
    import re

    shapes = [
        (
            "PHONE",
            r"(?:tel:)?\+336\d{8}|0033 7(?: \d\d){4}|06-\d\d(?:-\d\d){3}|0[67](?: \d\d){4}|\+44 7700 900\d{3}",
        ),
        ("IBAN", r"[a-z]{2}\d{2}(?: [a-z0-9]{1,4}){3,8}"),
        ("CREDIT_CARD", r"4111\.1111\.1111\.1111|(?<=Card: )\d{15,16}"),
        ("EMAIL", r"JEAN\.DUPONT@EXEMPLE\.FR|jean dot dupont at exemple dot fr"),
        ("IP_ADDRESS", r"::ffff:192\.0\.2\.1"),
        ("US_SSN", r"(?<=SSN: )\d{9}"),
        ("FR_NIR", r"(?<=Corse : )[12]\d{4}2A\d{8}"),
        ("SECRET", r"AKIA[A-Z]{16}"),
    ]
    spans = []
    for kind, pattern in shapes:
        for match in re.finditer(pattern, text):
            spans.append({"start": match.start(), "end": match.end(), "type": kind})
    spans.sort(key=lambda span: span["start"])  # type: ignore[arg-type, return-value]
    return {"text": text, "spans": spans}


def main() -> None:
    target = Path(__file__).with_name("pii_labelled.jsonl")
    data = rows()
    with target.open("w", encoding="utf-8") as handle:
        for row in data:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    spans = sum(len(row["spans"]) for row in data)  # type: ignore[arg-type]
    print(f"wrote {len(data)} texts with {spans} labelled spans to {target}")


if __name__ == "__main__":
    main()
