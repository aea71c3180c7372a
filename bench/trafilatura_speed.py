"""Pages per second of Python trafilatura on the article-extraction pages, on one core.

The peer figure for `examples/scrape_bench.rs` (which prints browserd's):

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install trafilatura lxml_html_clean
    /tmp/tv/bin/python bench/trafilatura_speed.py ../shared/bench/article-extraction
    cargo run --release --example scrape_bench -- ../shared/bench/article-extraction /tmp/out

Both time extraction alone (the pages are decompressed first), by the process's CPU time.
"""

import gzip
import os
import sys
import time

import trafilatura


def main() -> None:
    folder = os.path.join(sys.argv[1], "html")
    pages = [gzip.open(os.path.join(folder, name)).read().decode("utf-8", "replace") for name in sorted(os.listdir(folder))]
    for page in pages[:5]:
        trafilatura.extract(page)
    passes = []
    for _ in range(3):
        began = time.process_time()
        for page in pages:
            trafilatura.extract(page)
        passes.append(time.process_time() - began)
    median = sorted(passes)[1]
    print(f"trafilatura {trafilatura.__version__}: {len(pages)} pages, median pass {median:.2f} s CPU = {len(pages) / median:.0f} pages/s")


if __name__ == "__main__":
    main()
