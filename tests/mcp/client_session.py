"""The official MCP Python SDK as an agent host would use it, against `browserd mcp`: list
the tools, observe a form page, fill and submit it by ids, scrape the result, take a
screenshot, get bad arguments and refused actions back as tool errors, close.

Run by tests/api/mcp.rs with BROWSERD_SITE (the fixture site) and either BROWSERD_BIN (the
binary, spawned over stdio as a host does) or BROWSERD_MCP_URL (a `browserd mcp --http`
already running). Exits non-zero on any mismatch; prints the tool errors it got as a last
line `ERRORS {...}` for the Rust side to compare with the HTTP API's.
"""

import asyncio
import base64
import json
import os
import sys

from mcp import Client, StdioServerParameters

TOOLS = {
    "browser_observe", "browser_step", "browser_scrape", "browser_screenshot", "browser_close",
    "browser_use_profile", "browser_files", "browser_read_file", "browser_upload",
    "browser_press_key", "browser_scroll", "browser_tab",
}


def text_of(result) -> str:
    texts = [block.text for block in result.content if block.type == "text"]
    assert texts, result
    return "\n".join(texts)


def id_of(observation: str, name: str) -> str:
    """The id of the first action whose line names `name` (lines read `I1 Email (email)`)."""
    for line in observation.splitlines():
        head, _, rest = line.partition(" ")
        if name in rest and head[:1] in "LBI" and head[1:].isdigit():
            return head
    raise AssertionError(f"no action {name!r} in:\n{observation}")


async def call(client, tool: str, arguments: dict) -> str:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, (tool, arguments, text_of(result))
    return text_of(result)


async def refused(client, tool: str, arguments: dict) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, (tool, arguments, text_of(result))
    return text_of(result)


async def session(client, site: str) -> dict:
    listed = await client.list_tools()
    tools = {tool.name: tool for tool in listed.tools}
    assert set(tools) == TOOLS, sorted(tools)
    for tool in tools.values():
        assert tool.description and len(tool.description) > 40, tool
        assert tool.input_schema["type"] == "object", tool
    assert tools["browser_step"].input_schema["required"] == ["action_id"], tools["browser_step"]

    observation = await call(client, "browser_observe", {"url": f"{site}/form.html"})
    assert "Page: Sign in — Fixture Shop" in observation, observation
    assert f"URL: {site}/form.html" in observation, observation
    assert "S1 goto(url)" in observation, observation

    errors = {}
    errors["unknown_id"] = await refused(client, "browser_step", {"action_id": "L99"})
    errors["bad_url"] = await refused(client, "browser_observe", {"url": "file:///etc/passwd"})
    wrong_type = await refused(client, "browser_step", {"action_id": "I1", "enter": "yes"})
    assert "field `enter`" in wrong_type and "expected a boolean" in wrong_type, wrong_type
    unknown_field = await refused(client, "browser_step", {"id": "B1"})
    assert "unknown field `id`" in unknown_field, unknown_field
    no_value = await refused(client, "browser_step", {"action_id": id_of(observation, "Email")})
    assert "needs a `value`" in no_value, no_value
    unreachable = await refused(client, "browser_observe", {"url": "http://unreachable.invalid/"})
    assert "could not be loaded" in unreachable, unreachable

    # The server and the session keep working after tool errors.
    again = await call(client, "browser_observe", {"url": f"{site}/form.html"})
    assert id_of(again, "Email") == id_of(observation, "Email"), again

    # With `diff`, the model reads what changed on the page, not the whole list again.
    typed = await call(client, "browser_step", {"action_id": id_of(observation, "Email"), "value": "grace@example.com", "diff": True})
    assert "## Changed" in typed and "grace@example.com" in typed, typed
    assert "S1 goto(url)" not in typed, typed
    await call(client, "browser_step", {"action_id": id_of(observation, "Password"), "value": "hopper"})
    await call(client, "browser_step", {"action_id": id_of(observation, "Country"), "value": "France"})
    await call(client, "browser_step", {"action_id": id_of(observation, "Remember me")})
    submitted = await call(client, "browser_step", {"action_id": id_of(observation, "Sign in")})
    assert "Page: Echo" in submitted, submitted
    for field in ["email=grace%40example.com", "password=hopper", "country=fr", "remember=on"]:
        assert field in submitted, (field, submitted)

    echoed = await call(client, "browser_scrape", {"only_main_content": False})
    assert "Page: Echo" in echoed and "grace%40example.com" in echoed, echoed

    shot = await client.call_tool("browser_screenshot", {})
    assert not shot.is_error, text_of(shot)
    images = [block for block in shot.content if block.type == "image"]
    assert len(images) == 1 and images[0].mime_type == "image/png", shot.content
    assert base64.b64decode(images[0].data).startswith(b"\x89PNG\r\n\x1a\n")
    assert "Page: Echo" in text_of(shot), text_of(shot)

    # The latest observation's ids, drawn on the picture for a vision model.
    await call(client, "browser_observe", {"url": f"{site}/form.html"})
    marked = await client.call_tool("browser_screenshot", {"marks": True})
    assert not marked.is_error, text_of(marked)
    assert "Marked on the picture: L1" in text_of(marked) and "I1" in text_of(marked), text_of(marked)
    assert [block.type for block in marked.content] == ["text", "image"], marked.content

    article = await call(client, "browser_scrape", {"url": f"{site}/article.html"})
    assert "main content that a scrape must keep intact" in article, article

    # The page actions without an id: a new tab, a key, a scroll, back to the first tab.
    opened = await call(client, "browser_tab", {"action": "new", "url": f"{site}/typing.html"})
    assert "typing.html" in opened, opened
    await call(client, "browser_step", {"action_id": id_of(opened, "Fruit"), "value": "Ap"})
    pressed = await call(client, "browser_press_key", {"key": "a"})
    assert "Keys seen: 3" in await call(client, "browser_scrape", {"only_main_content": False}), pressed
    await call(client, "browser_scroll", {"direction": "down"})
    back = await call(client, "browser_tab", {"action": "switch", "index": 0})
    assert "article.html" in back, back
    errors["bad_key"] = await refused(client, "browser_press_key", {"key": "Hyper"})
    errors["bad_tab"] = await refused(client, "browser_tab", {"action": "switch", "index": 9})

    closed = await call(client, "browser_close", {})
    assert "Closed" in closed, closed
    assert "No browser session was open" in await call(client, "browser_close", {})
    fresh = await call(client, "browser_observe", {})
    assert "URL: about:blank" in fresh, fresh
    return errors


async def main() -> int:
    site = os.environ["BROWSERD_SITE"]
    if "BROWSERD_MCP_URL" in os.environ:
        server = os.environ["BROWSERD_MCP_URL"]
    else:
        # A host passes the server only the environment it is configured with.
        passed = {name: value for name, value in os.environ.items() if name.startswith("BROWSERD_")}
        server = StdioServerParameters(command=os.environ["BROWSERD_BIN"], args=["mcp"], env=passed)
    async with Client(server) as client:
        errors = await session(client, site)
    print("mcp client: tools listed, form filled and submitted by ids, scraped, errors are tool errors")
    print("ERRORS " + json.dumps(errors))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
