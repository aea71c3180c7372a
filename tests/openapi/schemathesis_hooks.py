"""Schemathesis hooks for the contract test (tests/api/schemathesis.rs).

Generated data alone names no session that exists and no page that loads, so most cases
would stop at a 404 or at a navigation to an unreachable host. Half of the positive cases
get a live session of the test's key in place of the generated session id (a new one is
started when the last one ended: the tester closes sessions too), and half of the
positive cases' `url`s become a page of the fixture site on 127.0.0.1. Negative cases are
left as generated: their point is the refusal.

Reads BROWSERD_ST_BASE (the server), BROWSERD_ST_KEY and BROWSERD_ST_SITE (the fixture
site's origin) from the environment.
"""

import json
import os
import random
import urllib.request

import schemathesis
from schemathesis import GenerationMode

BASE = os.environ.get("BROWSERD_ST_BASE", "http://127.0.0.1:8000")
KEY = os.environ.get("BROWSERD_ST_KEY", "")
SITE = os.environ.get("BROWSERD_ST_SITE", "")
PAGES = ["/actions.html", "/form.html", "/article.html", "/widgets.html", "/product.html", "/missing.html"]

_live = {"id": None}


def _call(method, path, body=None):
    request = urllib.request.Request(
        BASE + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": f"Bearer {KEY}", "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except Exception:  # noqa: BLE001 - an ended or refused call means: start another
        return None


def _live_session():
    session_id = _live["id"]
    if session_id:
        record = _call("GET", f"/session/{session_id}")
        if record and record.get("status") == "active":
            return session_id
    started = _call("POST", "/session/start", {"keep_alive": True})
    if not started:
        return None
    _live["id"] = started["session_id"]
    if SITE:
        _call("POST", "/env/observe", {"session_id": _live["id"], "keep_alive": True, "url": SITE + "/actions.html"})
    return _live["id"]


@schemathesis.hook
def map_case(context, case):
    meta = getattr(case, "_meta", None)
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return case
    body = case.body if isinstance(case.body, dict) else None
    if random.random() < 0.5:
        if body is not None and isinstance(body.get("session_id"), str):
            live = _live_session()
            if live:
                body["session_id"] = live
        if isinstance(case.path_parameters, dict) and "id" in case.path_parameters and case.path.startswith("/session"):
            live = _live_session()
            if live:
                case.path_parameters["id"] = live
    if SITE and random.random() < 0.5:
        for part in (body, case.query if isinstance(case.query, dict) else None):
            if part is not None and isinstance(part.get("url"), str):
                part["url"] = SITE + random.choice(PAGES)
    return case
