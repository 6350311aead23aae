"""One module per route group; each has a `router` that `api/app.py` includes.

Route modules import `deps`, `state`, `models` and `errors`, never each other or `app.py`.
"""
