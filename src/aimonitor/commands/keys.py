"""`aimonitor keys create|list|revoke`: client API keys, in the service database.

    aimonitor keys create --name billing-bot --rpm 600 --daily-budget-eur 20
    aimonitor keys list
    aimonitor keys revoke billing-bot

`create` prints the token once (only its hash is stored). A revocation reaches every
running server process within AIMONITOR_CLIENT_KEYS_REFRESH_S.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from aimonitor.clients import ClientKeyError, ClientKeyStore
from aimonitor.commands.store_access import with_store
from aimonitor.store import SqlStore

EXIT_OK = 0
EXIT_INVALID = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("keys", help="create, list and revoke client API keys")
    commands = parser.add_subparsers(dest="keys_command", required=True)

    create = commands.add_parser("create", help="create a key and print its token once")
    create.add_argument("--name", required=True, help="a label: lower-case, digits, . _ -")
    create.add_argument("--rpm", type=int, required=True, help="requests per minute")
    create.add_argument("--daily-budget-eur", type=float, default=None, help="spend per day")
    create.add_argument(
        "--model",
        action="append",
        dest="models",
        metavar="NAME",
        help="a model (or glob) the key may call; repeat for more (default: every model)",
    )
    create.set_defaults(func=run_create)

    listing = commands.add_parser("list", help="list keys (never their tokens)")
    listing.add_argument("--active", action="store_true", help="hide revoked keys")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(func=run_list)

    revoke = commands.add_parser("revoke", help="revoke the active key with this name")
    revoke.add_argument("name")
    revoke.set_defaults(func=run_revoke)


def _with_keys(action: Callable[[ClientKeyStore], int]) -> int:
    def on_store(store: SqlStore, _data_dir: Path) -> int:
        try:
            return action(ClientKeyStore(store.engine))
        except ClientKeyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INVALID

    return with_store(on_store)


def run_create(args: argparse.Namespace) -> int:
    def create(keys: ClientKeyStore) -> int:
        key, token = keys.create(
            args.name,
            rpm=args.rpm,
            daily_budget_eur=args.daily_budget_eur,
            allowed_models=args.models,
        )
        print(f"created key {key.name!r} ({key.key_prefix}…), rpm {key.rpm}", file=sys.stderr)
        print("the token below is shown only once; store it now:", file=sys.stderr)
        print(token)
        return EXIT_OK

    return _with_keys(create)


def run_list(args: argparse.Namespace) -> int:
    def listing(keys: ClientKeyStore) -> int:
        rows = keys.list(include_revoked=not args.active)
        if args.json:
            for key in rows:
                print(json.dumps(key.to_dict()))
            return EXIT_OK
        print(f"{'name':24} {'prefix':13} {'rpm':>7} {'EUR/day':>8}  {'models':20} {'state'}")
        for key in rows:
            budget = "-" if key.daily_budget_eur is None else f"{key.daily_budget_eur:g}"
            models = ",".join(key.allowed_models) if key.allowed_models else "*"
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            print(
                f"{key.name:24} {key.key_prefix:13} {key.rpm:>7} {budget:>8}  {models:20} {state}"
            )
        return EXIT_OK

    return _with_keys(listing)


def run_revoke(args: argparse.Namespace) -> int:
    def revoke(keys: ClientKeyStore) -> int:
        key = keys.revoke(args.name)
        print(f"revoked key {key.name!r} ({key.key_prefix}…)")
        return EXIT_OK

    return _with_keys(revoke)
