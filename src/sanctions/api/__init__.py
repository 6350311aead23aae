"""The HTTP API: a FastAPI app over one Screener and the store (see docs/api.md).

    from sanctions.api import create_app
    app = create_app("sanctions.db", no_auth=True)

`sanctions serve` runs it under uvicorn; `sanctions keys` manages its API keys.
"""

from .app import create_app, create_app_from_env

__all__ = ["create_app", "create_app_from_env"]
