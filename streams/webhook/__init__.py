"""``snowball webhook``: an authenticated HTTP endpoint that produces posted mentions to ``mentions.raw``.

``body.py`` reads a request body into validated mentions and errors (pure), ``tokens.py`` holds the
bearer tokens, ``app.py`` is the ASGI application (FastAPI) that ties them to the broker.
"""
