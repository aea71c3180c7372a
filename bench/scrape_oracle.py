#!/usr/bin/env python3
"""How far an extractor that picks parts of the page could go on web-2026, with the truth in hand.

Two ceilings per kind of page, scored like scrape_eval.py (4-gram F1 of mean P and mean R):
- *best element*: the one element of the page whose text scores best against the truth;
- *pruned*: from that element, and from <body>, each descendant (in document order) is
  dropped when dropping it raises the page's F1; the better of the two starts is kept.

Both read the truth, so no extractor reaches them; they say how much of the page's main
content can be cut out of its markup at all, and how much of the rest is in how the truths
were drawn. lxml parses the page (script, style, template and svg dropped); text is the
elements' text joined by spaces.

    bench/.venv/bin/python bench/scrape_oracle.py [--fold tune|held-out|all]
"""
import argparse
import gzip
import json
import re
import statistics
import sys
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"
sys.path.insert(0, str(SHARED))
import eval_extraction as ev  # noqa: E402
import scrape_eval as se  # noqa: E402

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text):
    return ev.shingles(ev.tokens(text, "word"), 4)


def scored(tp, fp, fn):
    p, r = ev._prec(tp, fp, fn), ev._rec(tp, fp, fn)
    return (2 * p * r / (p + r) if p + r else 0.0, p, r)


def text_of(el):
    return " ".join(el.itertext())


def pruned(truth, start):
    """Greedy: drop each descendant whose removal raises F1. Shingles are counted per part,
    so the few that span a dropped part's edges are approximated."""
    pred = shingles(text_of(start))
    n_truth = sum(truth.values())
    tp = sum(min(c, truth.get(s, 0)) for s, c in pred.items())
    n_pred = sum(pred.values())
    best = scored(tp, n_pred - tp, n_truth - tp)
    dropped = set()
    for el in start.iterdescendants():
        if not isinstance(el.tag, str) or any(a in dropped for a in el.iterancestors()):
            continue
        part = shingles(text_of(el))
        lost_tp = lost = 0
        for s, c in part.items():
            have = pred.get(s, 0)
            c = min(c, have)
            if c:
                t = truth.get(s, 0)
                lost_tp += min(have, t) - min(have - c, t)
                lost += c
        if not lost:
            continue
        after = scored(tp - lost_tp, n_pred - lost - (tp - lost_tp), n_truth - (tp - lost_tp))
        if after[0] > best[0]:
            for s, c in part.items():
                if s in pred:
                    pred[s] -= min(c, pred[s])
            tp, n_pred, best = tp - lost_tp, n_pred - lost, after
            dropped.add(el)
    return best


def ceilings(html, truth_text):
    doc = lxml.html.fromstring(html)
    for el in doc.xpath("//script|//style|//template|//svg"):
        if el.getparent() is not None:
            el.drop_tree()
    truth = shingles(truth_text)
    n_truth = sum(truth.values())
    least = 0.3 * len(_WORD.findall(truth_text))
    best, best_el = (0.0, 0.0, 0.0), None
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        text = text_of(el)
        if len(_WORD.findall(text)) < least:
            continue
        pred = shingles(text)
        tp = sum((truth & pred).values())
        s = scored(tp, sum(pred.values()) - tp, n_truth - tp)
        if s[0] > best[0]:
            best, best_el = s, el
    body = doc.find("body")
    starts = [x for x in (best_el, body if body is not None else doc) if x is not None]
    return best, max((pruned(truth, x) for x in starts), key=lambda s: s[0])


def group(rows):
    p = statistics.mean(r[1] for r in rows)
    r = statistics.mean(r[2] for r in rows)
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fold", choices=["tune", "held-out", "all"], default="tune")
    args = ap.parse_args()
    want = {"tune": {0}, "held-out": {1}, "all": {0, 1}}[args.fold]
    corpus = SHARED / "web-2026"
    truth = json.loads((corpus / "ground-truth.json").read_text())
    rows = {}
    for k, v in sorted(truth.items()):
        if se.fold_of(k) not in want:
            continue
        html = gzip.open(corpus / "html" / f"{k}.html.gz").read()
        rows[k] = (v.get("type", "?"), *ceilings(html, v.get("articleBody") or ""))
    print(f"| kind ({args.fold}) | pages | best element | pruned |")
    print("| --- | --- | --- | --- |")
    for kind in se.KINDS + ["all"]:
        ks = [k for k in rows if kind == "all" or rows[k][0] == kind]
        if ks:
            print(f"| {kind} | {len(ks)} | {group([rows[k][1] for k in ks]):.3f} | {group([rows[k][2] for k in ks]):.3f} |")


if __name__ == "__main__":
    main()
