"""Tokens a model receives per observation from `browserd mcp` (browser_observe), page by
page, beside Playwright MCP's browser_snapshot of the same page.

Serves the bench pages on 127.0.0.1, drives `browserd mcp` over stdio with the official
MCP SDK as a host does, keeps each observation's text in OUT, then counts tokens
(o200k_base, with bench/perception's tiktoken) of those texts and of Playwright's AI
snapshots recorded in tests/perception/fixtures/aria/:

    (cd bench/perception && npm install)
    cargo build && .venv/bin/python bench/mcp_observe_tokens.py ../shared/bench/pages OUT [MAX]

MAX is browser_observe's max_nb_actions (default: the tool's own default, 100).
"""

import asyncio
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time

from mcp import Client, StdioServerParameters

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ARIA = os.path.join(ROOT, "tests/perception/fixtures/aria")

COUNT_JS = """
import fs from 'node:fs';
import { get_encoding } from 'tiktoken';
const enc = get_encoding('o200k_base');
const out = {};
for (const file of JSON.parse(process.argv[1])) out[file] = enc.encode(fs.readFileSync(file, 'utf8')).length;
console.log(JSON.stringify(out));
"""


class Pages(http.server.SimpleHTTPRequestHandler):
    extensions_map = {".html": "text/html; charset=utf-8"}

    def log_message(self, *args):
        pass


def serve(folder: str) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Pages, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def tokens(files: list[str]) -> dict[str, int]:
    counted = subprocess.run(
        ["node", "--input-type=module", "-e", COUNT_JS, json.dumps(files)],
        cwd=os.path.join(ROOT, "bench/perception"),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(counted.stdout)


async def observe_all(site: str, pages: list[str], out: str, max_actions: int | None) -> dict[str, float]:
    binary = os.path.join(ROOT, "target/debug/browserd")
    rules = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    server = StdioServerParameters(command=binary, args=["mcp"], env={"BROWSERD_CHROMIUM_ARGS": rules})
    seconds = {}
    async with Client(server) as client:
        for page in pages:
            arguments = {"url": f"{site}/{page}"}
            if max_actions is not None:
                arguments["max_nb_actions"] = max_actions
            began = time.perf_counter()
            result = await client.call_tool("browser_observe", arguments)
            seconds[page] = time.perf_counter() - began
            assert not result.is_error, (page, result.content)
            with open(os.path.join(out, page + ".txt"), "w", encoding="utf-8") as file:
                file.write("".join(block.text for block in result.content if block.type == "text"))
    return seconds


def main() -> None:
    folder, out = sys.argv[1], sys.argv[2]
    max_actions = int(sys.argv[3]) if len(sys.argv) > 3 else None
    os.makedirs(out, exist_ok=True)
    pages = sorted(name for name in os.listdir(folder) if name.endswith(".html"))
    seconds = asyncio.run(observe_all(serve(folder), pages, out, max_actions))
    ours = tokens([os.path.join(out, page + ".txt") for page in pages])
    theirs = tokens([path for page in pages if os.path.exists(path := os.path.join(ARIA, page[:-5] + ".aria.txt"))])
    ratios = []
    print(f"{'page':40} {'browserd':>9} {'playwright':>10} {'ratio':>6} {'call s':>7}")
    for page in pages:
        mine = ours[os.path.join(out, page + ".txt")]
        peer = theirs.get(os.path.join(ARIA, page[:-5] + ".aria.txt"))
        ratio = f"{mine / peer:.3f}" if peer else "-"
        if peer:
            ratios.append(mine / peer)
        print(f"{page:40} {mine:9} {peer if peer else '-':>10} {ratio:>6} {seconds[page]:7.2f}")
    paired = [page for page in pages if os.path.join(ARIA, page[:-5] + ".aria.txt") in theirs]
    print(
        f"median over {len(paired)} pages with a Playwright snapshot: browserd "
        f"{statistics.median(ours[os.path.join(out, p + '.txt')] for p in paired):.0f} tokens, Playwright "
        f"{statistics.median(theirs[os.path.join(ARIA, p[:-5] + '.aria.txt')] for p in paired):.0f} tokens, "
        f"median ratio {statistics.median(ratios):.3f}; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
