#!/bin/sh
# The scrape figures of bench/README.md, without a browser: browserd's extraction
# (the release `scrape_bench` example, the same code as /env/scrape) and trafilatura on
# ../shared/bench/article-extraction (91 news pages) and ../shared/bench/web-2026 (500
# pages of seven kinds), scored by eval_extraction.py; web-2026 also per kind, per fold
# (tune / held-out, a fixed hash of the page id) and per failure mode by scrape_eval.py.
#
#   bench/scrape_cv.sh [OUT]          # OUT defaults to /tmp/browserd-scrape-cv
#   SCRAPE_BENCH=path/to/scrape_bench bench/scrape_cv.sh OUT   # another build (e.g. main's)
#
# trafilatura's outputs are kept in OUT and reused on the next run (they do not change);
# delete OUT/trafilatura-* to time it again. Speed: pages per second of one thread, by CPU
# time, median of the passes after a discarded warm-up (both tools print it).
set -eu
cd "$(dirname "$0")/.."
SHARED=../shared/bench
OUT=${1:-/tmp/browserd-scrape-cv}
BIN=${SCRAPE_BENCH:-target/release/examples/scrape_bench}
PY=bench/.venv/bin/python
mkdir -p "$OUT"
[ -x "$BIN" ] || cargo build --release --example scrape_bench
[ -x "$PY" ] || { python3 -m venv bench/.venv && bench/.venv/bin/pip install -q -r bench/requirements.txt; }

for corpus in article-extraction web-2026; do
  echo "== browserd on $corpus"
  "$BIN" "$SHARED/$corpus" "$OUT/browserd-$corpus" --passes 5
  if [ ! -d "$OUT/trafilatura-$corpus" ]; then
    echo "== trafilatura on $corpus"
    "$PY" bench/trafilatura_bench.py "$SHARED/$corpus" "$OUT/trafilatura-$corpus" --passes 1 | tee "$OUT/trafilatura-$corpus.json"
  fi
done

echo "== article-extraction (91 pages): F1, precision, recall"
python3 "$SHARED/eval_extraction.py" "$OUT/browserd-article-extraction" "$OUT/trafilatura-article-extraction" \
  --gt "$SHARED/article-extraction/ground-truth.json" --n-bootstrap 1
echo "== web-2026 (500 pages): F1 by kind and fold, failure modes"
python3 bench/scrape_eval.py "$OUT/browserd-web-2026" "$OUT/trafilatura-web-2026" --names browserd,trafilatura \
  --json-out "$OUT/web-2026.json" --per-page "$OUT/browserd-web-2026.csv"
