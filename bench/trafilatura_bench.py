"""The peer side of make bench's scrape figure: Python trafilatura on the article-extraction pages.

    python bench/trafilatura_bench.py BENCH_DIR OUTDIR [--passes N]

Writes OUTDIR/<id>.txt (the extracted text, for eval_extraction.py) and prints one JSON line
with pages per second, the counterpart of `examples/scrape_bench.rs --json`: extraction
alone (the pages are decompressed first), one warm-up pass discarded, the median of the
passes, by this process's CPU time (what other load on the machine changes least) and by
wall clock. trafilatura runs with its defaults, as a user would call it, with the page's URL.
"""

import gzip
import json
import os
import statistics
import sys
import time

import trafilatura


def main() -> None:
    args = sys.argv[1:]
    passes = 3
    if "--passes" in args:
        at = args.index("--passes")
        passes = max(1, int(args[at + 1]))
        del args[at : at + 2]
    bench_dir, out_dir = args
    with open(os.path.join(bench_dir, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    folder = os.path.join(bench_dir, "html")
    pages = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".html.gz"):
            continue
        page_id = name[: -len(".html.gz")]
        html = gzip.open(os.path.join(folder, name)).read().decode("utf-8", "replace")
        pages.append((page_id, truth.get(page_id, {}).get("url"), html))

    def one_pass():
        return [trafilatura.extract(html, url=url) or "" for _, url, html in pages]

    texts = one_pass()
    cpu, wall = [], []
    for _ in range(passes):
        cpu_began, wall_began = time.process_time(), time.perf_counter()
        one_pass()
        cpu.append(time.process_time() - cpu_began)
        wall.append(time.perf_counter() - wall_began)
    os.makedirs(out_dir, exist_ok=True)
    for (page_id, _, _), text in zip(pages, texts):
        with open(os.path.join(out_dir, f"{page_id}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
    n = len(pages)
    print(json.dumps({
        "extractor": f"trafilatura {trafilatura.__version__}",
        "pages": n,
        "passes": passes,
        "cpu_pages_per_s": n / statistics.median(cpu),
        "wall_pages_per_s": n / statistics.median(wall),
        "cpu_pass_s": cpu,
        "wall_pass_s": wall,
    }))


if __name__ == "__main__":
    main()
