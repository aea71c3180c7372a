"""The published notte-sdk 1.10.0, unchanged, against browserd (tests/api/sdk.rs).

    python sdk_session.py form SERVER_URL API_KEY SITE_URL
    python sdk_session.py cdp  SERVER_URL API_KEY SITE_URL

Prints one line `RESULT {json}`; any exception fails the run.
"""

import json
import os
import sys

os.environ["DISABLE_TELEMETRY"] = "true"
os.environ["NOTTE_ENABLE_NEST_ASYNCIO"] = "false"

import notte_sdk.endpoints.base as sdk_base  # noqa: E402
from notte_sdk import NotteClient  # noqa: E402

# The SDK asks PyPI for its latest version once per process and has no setting to skip
# it: mark it done, so that the test speaks to 127.0.0.1 only.
sdk_base._version_check_performed = True


def action_id(observation, kind, words):
    for action in observation.space.interaction_actions:
        if action.type == kind and words.lower() in (action.description or "").lower():
            return action.id
    raise AssertionError(f"no {kind} action about {words!r} in {observation.space.interaction_actions}")


def form(client, site):
    with client.Session(idle_timeout_minutes=5) as session:
        session.execute(type="goto", url=site + "/order.html")
        observation = session.observe()
        assert observation.metadata.url.endswith("/order.html"), observation.metadata.url
        assert observation.screenshot is not None
        name = action_id(observation, "fill", "Name")
        gift = action_id(observation, "check", "gift")
        size = action_id(observation, "select_dropdown_option", "Size")
        email = action_id(observation, "fill", "Email")
        session.execute(type="fill", id=name, value="Ada Lovelace")
        session.execute(type="check", id=gift, value=True)
        again = session.execute(type="check", id=gift, value=True)
        session.execute(type="select_dropdown_option", id=size, value="Large")
        session.execute(type="fill", id=email, value="ada@example.com")
        session.execute(type="press_key", key="Enter")
        submitted = session.observe()
        session.execute(type="goto_new_tab", url=site + "/article.html")
        on_article = session.observe()
        session.execute(type="switch_tab", tab_index=0)
        back = session.observe()
        markdown = session.scrape(only_main_content=False)
        refused = session.execute(type="click", id="B999", raise_on_failure=False)
        status = session.status()
        session_id = session.session_id
    stopped = client.sessions.status(session_id)
    print("RESULT " + json.dumps({
        "submitted_url": submitted.metadata.url,
        "again": again.message,
        "article_title": on_article.metadata.title,
        "tabs": [tab.url for tab in on_article.metadata.tabs],
        "back_url": back.metadata.url,
        "markdown": markdown,
        "refused": {"success": refused.success, "message": refused.message},
        "status": status.status,
        "viewer_url": status.viewer_url,
        "stopped": stopped.status,
    }))


def cdp(client, site):
    from playwright.sync_api import sync_playwright

    with client.Session() as session:
        session.execute(type="goto", url=site + "/order.html")
        url = session.cdp_url()
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(url)
            page = browser.contexts[0].pages[0]
            page.fill("input[name=name]", "Grace Hopper")
            page.select_option("select[name=size]", "Medium")
            title = page.title()
            browser.close()
        observation = session.observe()
        name = action_id(observation, "fill", "Name")
        described = [a.description for a in observation.space.interaction_actions]
        session.execute(type="click", id=action_id(observation, "click", "Order"))
        after = session.observe()
    print("RESULT " + json.dumps({
        "title": title,
        "described": described,
        "name_id": name,
        "after_url": after.metadata.url,
    }))


def main():
    mode, server, key, site = sys.argv[1:5]
    client = NotteClient(api_key=key, server_url=server)
    {"form": form, "cdp": cdp}[mode](client, site)


if __name__ == "__main__":
    main()
