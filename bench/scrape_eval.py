#!/usr/bin/env python3
"""Scores extractions on web-2026 by kind of page, by fold, and by failure mode.

    python3 bench/scrape_eval.py PRED_DIR [PEER_DIR] [--gt GT.json] [--json-out F] [--per-page F]

PRED_DIR (and PEER_DIR, e.g. trafilatura's) hold <id>.txt, the plain text of each page's
extraction. Per-page precision and recall come from `eval_extraction.py` (imported from
../shared/bench, so the metric is exactly the benchmark's); F1 of a group of pages is
computed the same way as the benchmark's overall F1: the mean precision and the mean
recall over the group's pages, then their harmonic mean.

Folds: a page's fold is the first 8 hex digits of sha256(id), mod 2. Fold 0 ("tune") is
the half the heuristics may be tuned on; fold 1 ("held-out") is only reported. The split
is fixed by the id alone, so anyone re-running this gets the same halves.

Failure modes, one per page, checked in this order (P, R: the page's 4-gram precision
and recall; words: `\\w+` tokens):
  near-empty     the extraction has fewer than 10 % of the truth's words
  wrong block    R < 0.2
  cut short      0.2 <= R < 0.7 and P >= 0.7
  mixed          0.2 <= R < 0.7 and P < 0.7 (both cut and padded)
  boilerplate    R >= 0.7 and P < 0.7
  ok             R >= 0.7 and P >= 0.7
"""
import argparse
import hashlib
import json
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"
sys.path.insert(0, str(SHARED))
import eval_extraction as ev  # noqa: E402

KINDS = ["article", "forum", "product", "service", "documentation", "listing", "collection"]
MODES = ["near-empty", "wrong block", "cut short", "mixed", "boilerplate", "ok"]
FOLD_NAMES = {0: "tune", 1: "held-out"}
_WORD = re.compile(r"\w+", re.UNICODE)


def fold_of(page_id):
    return int(hashlib.sha256(page_id.encode()).hexdigest()[:8], 16) % 2


def mode_of(p, r, pred_words, true_words):
    if pred_words < 0.1 * true_words:
        return "near-empty"
    if r < 0.2:
        return "wrong block"
    if r < 0.7:
        return "cut short" if p >= 0.7 else "mixed"
    return "boilerplate" if p < 0.7 else "ok"


def score(pred_dir, truth):
    gt = {k: v.get("articleBody") or "" for k, v in truth.items()}
    pred, _, _ = ev.load_pred(pred_dir, gt.keys())
    pages = {}
    for k in sorted(gt):
        tp, fp, fn = ev.page_counts(gt[k], pred[k], 4, "word")
        p, r = ev._prec(tp, fp, fn), ev._rec(tp, fp, fn)
        tw, pw = len(_WORD.findall(gt[k])), len(_WORD.findall(pred[k]))
        pages[k] = {
            "row": (tp, fp, fn),
            "p": p,
            "r": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "kind": truth[k].get("type", "?"),
            "fold": fold_of(k),
            "mode": mode_of(p, r, pw, tw),
        }
    return pages


def group_f1(pages, ids):
    rows = [pages[k]["row"] for k in ids]
    ps = [ev._prec(*x) for x in rows if x[0] + x[1] > 0]
    rs = [ev._rec(*x) for x in rows if x[0] + x[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def summary(pages):
    out = {}
    for fold in [None, 0, 1]:
        name = "all" if fold is None else FOLD_NAMES[fold]
        ids = [k for k, v in pages.items() if fold is None or v["fold"] == fold]
        entry = {"pages": len(ids), "f1": group_f1(pages, ids), "kinds": {}, "modes": {}}
        for kind in KINDS:
            kid = [k for k in ids if pages[k]["kind"] == kind]
            if kid:
                entry["kinds"][kind] = {"pages": len(kid), "f1": group_f1(pages, kid)}
        for m in MODES:
            entry["modes"][m] = sum(1 for k in ids if pages[k]["mode"] == m)
        out[name] = entry
    return out


def print_tables(name_to_summary):
    heads = ["all"] + KINDS
    print("| extractor | part | pages | " + " | ".join(heads) + " |")
    print("| --- " * (len(heads) + 3) + "|")
    for name, s in name_to_summary.items():
        for part in ["all", "tune", "held-out"]:
            e = s[part]
            cells = [f"{e['f1']:.3f}"] + [
                f"{e['kinds'][k]['f1']:.3f}" if k in e["kinds"] else "—" for k in KINDS
            ]
            print(f"| {name} | {part} | {e['pages']} | " + " | ".join(cells) + " |")
    print()
    print("| extractor | part | " + " | ".join(MODES) + " |")
    print("| --- " * (len(MODES) + 2) + "|")
    for name, s in name_to_summary.items():
        for part in ["all", "tune", "held-out"]:
            e = s[part]
            print(f"| {name} | {part} | " + " | ".join(str(e["modes"][m]) for m in MODES) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pred", nargs="+", help="dirs of <id>.txt; the first is browserd's")
    ap.add_argument("--gt", default=str(SHARED / "web-2026" / "ground-truth.json"))
    ap.add_argument("--names", help="comma-separated names for the dirs")
    ap.add_argument("--json-out")
    ap.add_argument("--per-page", help="CSV of the first dir's pages: id, kind, fold, P, R, F1, mode")
    a = ap.parse_args()
    truth = json.loads(Path(a.gt).read_text(encoding="utf8"))
    names = a.names.split(",") if a.names else [Path(p).name for p in a.pred]
    results, first = {}, None
    for name, d in zip(names, a.pred):
        pages = score(d, truth)
        first = first or pages
        results[name] = summary(pages)
    print_tables(results)
    if a.per_page:
        with open(a.per_page, "w", encoding="utf8") as f:
            f.write("id,kind,fold,precision,recall,f1,mode\n")
            for k, v in first.items():
                f.write(f"{k},{v['kind']},{v['fold']},{v['p']:.4f},{v['r']:.4f},{v['f1']:.4f},{v['mode']}\n")
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
