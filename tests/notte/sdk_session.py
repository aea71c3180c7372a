"""The published notte-sdk 1.10.0, unchanged, against browserd (tests/api/sdk.rs).

    python sdk_session.py form SERVER_URL API_KEY SITE_URL
    python sdk_session.py cdp  SERVER_URL API_KEY SITE_URL
    python sdk_session.py files SERVER_URL API_KEY SITE_URL

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


def files(client, site):
    import tempfile

    folder = tempfile.mkdtemp()
    document = os.path.join(folder, "cv.txt")
    with open(document, "w") as handle:
        handle.write("twelve bytes")
    with client.Session() as session:
        uploaded = session.storage.upload(document)
        session.execute(type="goto", url=site + "/upload.html")
        observation = session.observe()
        chooser = next(a for a in observation.space.interaction_actions if a.type == "upload_file")
        session.execute(type="upload_file", id=chooser.id, file_path=uploaded.filename)
        chosen = session.observe().metadata.title
        session.execute(type="goto", url=site + "/files.html")
        report = action_id(session.observe(), "click", "report")
        session.execute(type="download_file", id=report)
        listed = session.storage.list()
        download = next(f for f in listed.files if f.source == "session_download")
        saved = session.storage.download(download.filename, local_dir=folder)
        session.set_cookies(cookies=[{"name": "seen", "value": "yes", "domain": "127.0.0.1", "path": "/"}])
        cookies = session.get_cookies()
    print("RESULT " + json.dumps({
        "uploaded": {"filename": uploaded.filename, "size": uploaded.size, "source": str(uploaded.source)},
        "chosen": chosen,
        "listed": sorted((f.filename, f.size, str(f.source)) for f in listed.files),
        "saved_size": os.path.getsize(saved),
        "cookies": [c["name"] if isinstance(c, dict) else c.name for c in cookies],
    }))


def main():
    mode, server, key, site = sys.argv[1:5]
    client = NotteClient(api_key=key, server_url=server)
    {"form": form, "cdp": cdp, "files": files}[mode](client, site)


if __name__ == "__main__":
    main()
