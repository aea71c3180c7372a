"""The published Notte 1.2.1 client against a running browserd: start, observe, fill and
submit a form through step, scrape, close.

Run by tests/api/notte.rs with BROWSERD_URL, BROWSERD_KEY and BROWSERD_SITE (the fixture
site) set; exits non-zero on any mismatch. The client validates every response with its
own pydantic models.
"""

import json
import os
import sys
import urllib.request

from notte.sdk.client import NotteClient
from notte.sdk.types import SessionResponse


def main() -> int:
    site = os.environ["BROWSERD_SITE"]
    client = NotteClient(api_key=os.environ["BROWSERD_KEY"], server_url=os.environ["BROWSERD_URL"])
    started = client.start(session_timeout_minutes=7)
    assert started.status == "active", started
    assert started.timeout_minutes == 7, started
    assert client.session_id == started.session_id

    # The session's JSON carries browserd's `cdp_url`, which the client's own model accepts.
    request = urllib.request.Request(
        f"{os.environ['BROWSERD_URL']}/session/{started.session_id}",
        headers={"Authorization": f"Bearer {os.environ['BROWSERD_KEY']}"},
    )
    with urllib.request.urlopen(request) as response:
        raw = json.load(response)
    assert raw["cdp_url"].startswith("ws://"), raw
    assert SessionResponse.model_validate(raw).session_id == started.session_id

    observation = client.observe(url=f"{site}/form.html")
    assert observation.metadata.title == "Sign in — Fixture Shop", observation.metadata
    assert observation.metadata.url == f"{site}/form.html", observation.metadata
    space = observation.space
    assert space is not None
    actions = space.actions(status="valid", role="all")
    ids = [action.id for action in actions]
    assert any(i.startswith("L") for i in ids) and any(i.startswith("I") for i in ids), ids
    assert all(len(a.params) == 1 for a in actions if a.id.startswith("I")), actions
    specials = [action.id for action in space.special_actions()]
    assert specials == [f"S{n}" for n in range(1, 9)], specials
    assert space.markdown(), "the markdown is not empty"

    def action_id(obs, name):
        return next(a.id for a in obs.space.actions(status="all") if name in a.description)

    client.step(action_id=action_id(observation, "Email"), value="grace@example.com")
    client.step(action_id=action_id(observation, "Password"), value="hopper")
    client.step(action_id=action_id(observation, "Country"), value="France")
    client.step(action_id=action_id(observation, "Remember me"))
    submitted = client.step(action_id=action_id(observation, "Sign in"))
    assert submitted.metadata.title == "Echo", submitted.metadata
    for field in ["email=grace%40example.com", "password=hopper", "country=fr", "remember=on"]:
        assert field in submitted.metadata.url, (field, submitted.metadata.url)
    echoed = client.scrape(only_main_content=False)
    assert "grace%40example.com" in echoed.data.markdown, echoed.data.markdown

    observation = client.observe(screenshot=True)
    assert observation.screenshot, "a screenshot was asked for"

    scraped = client.scrape(url=f"{site}/article.html", scrape_images=True)
    assert scraped.data is not None and "The fixture article" in scraped.data.markdown, scraped.data
    assert scraped.data.images and scraped.data.images[0].id == "F1", scraped.data.images

    # A download a step causes, and a file input (an I action taking a file), read by the
    # client's own models: the answer's extra `downloads` and the `file` parameter type.
    files = client.observe(url=f"{site}/files.html")
    downloaded = client.step(action_id=action_id(files, "Download the report"))
    assert "Downloaded report.bin (2048 bytes" in downloaded.space.description, downloaded.space
    upload = client.observe(url=f"{site}/upload.html")
    document = next(a for a in upload.space.actions(status="all") if "Document" in a.description)
    assert document.id.startswith("I") and document.params[0].type == "file", document

    closed = client.close()
    assert closed.status == "closed", closed
    assert closed.session_id == started.session_id
    assert client.session_id is None
    print("notte client: start, observe, step, scrape and close ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
