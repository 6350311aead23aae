"""One module per group of pages; each has a `router` that `web/__init__.py` includes."""
