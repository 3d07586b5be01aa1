"""HTTP interface: the seed's API on FastAPI. `create_app(settings)` is the factory."""

from aimonitor.api.app import create_app

__all__ = ["create_app"]
