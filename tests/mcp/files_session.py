"""The official MCP Python SDK against `browserd mcp` over stdio: a login kept in a named
profile across two server processes on one data directory, a download a step reports and
the session's files list, and an upload a file input takes.

Run by tests/api/mcp.rs with BROWSERD_SITE (the fixture site), BROWSERD_BIN and
BROWSERD_MCP_DATA_DIR. Exits non-zero on any mismatch.
"""

import asyncio
import os
import sys

from mcp import Client, StdioServerParameters

from client_session import call, id_of, refused


def server() -> StdioServerParameters:
    passed = {name: value for name, value in os.environ.items() if name.startswith("BROWSERD_")}
    return StdioServerParameters(command=os.environ["BROWSERD_BIN"], args=["mcp"], env=passed)


async def first(client, site: str) -> None:
    made = await call(client, "browser_use_profile", {"name": "fixture"})
    assert "new and empty" in made, made
    form = await call(client, "browser_observe", {"url": f"{site}/account"})
    assert "Page: Sign in" in form, form
    await call(client, "browser_step", {"action_id": id_of(form, "User name"), "value": "alice"})
    await call(client, "browser_step", {"action_id": id_of(form, "Password"), "value": "pw"})
    signed_in = await call(client, "browser_step", {"action_id": id_of(form, "Sign in")})
    assert "Page: Account of alice" in signed_in, signed_in

    files = await call(client, "browser_observe", {"url": f"{site}/files.html"})
    downloaded = await call(client, "browser_step", {"action_id": id_of(files, "Download the report")})
    assert "Downloaded report.bin (2048 bytes" in downloaded, downloaded
    listed = await call(client, "browser_files", {})
    assert "report.bin (2048 bytes, application/octet-stream)" in listed, listed

    put = await call(client, "browser_upload", {"name": "cv.txt", "text": "hello"})
    assert "cv.txt (5 bytes)" in put, put
    bad = await refused(client, "browser_upload", {"name": "../cv.txt", "text": "x"})
    assert "`name`" in bad, bad
    upload = await call(client, "browser_observe", {"url": f"{site}/upload.html"})
    chosen = await call(client, "browser_step", {"action_id": id_of(upload, "Document"), "value": "cv.txt"})
    assert "Page: Chosen: input,change" in chosen, chosen
    read = await call(client, "browser_read_file", {"name": "cv.txt"})
    assert "hello" in read, read
    assert "Closed" in await call(client, "browser_close", {})


async def second(client, site: str) -> None:
    used = await call(client, "browser_use_profile", {"name": "fixture"})
    assert "new and empty" not in used, used
    account = await call(client, "browser_observe", {"url": f"{site}/account"})
    assert "Page: Account of alice" in account, account


async def main() -> int:
    site = os.environ["BROWSERD_SITE"]
    async with Client(server()) as client:
        await first(client, site)
    async with Client(server()) as client:
        await second(client, site)
    print("mcp files: a profile kept a login across processes; a download listed; an upload chosen")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
