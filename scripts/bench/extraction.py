"""Score article extraction on the real-page corpus (scripts/bench/pages-corpus); run by
scripts/bench/extraction, which says how.

    python extraction.py CORPUS TERJEMAH_OUT [--baselines] [--split tune|held-out|all] [--pages]
    python extraction.py --score GOLD.txt EXTRACTED.txt

TERJEMAH_OUT holds SOURCE/NAME.txt (the extracted text) or SOURCE/NAME.err (the page failed,
the reason inside) for each page. With --baselines, trafilatura and readability-lxml (from this
interpreter's environment) extract the same pages; their outputs are kept under
CORPUS/baselines/ (the pages never change, so they run once).

Scores, as in the trafilatura and article-extraction benchmarks, are over bags of word tokens
(lowercased `\\w+` runs): per page precision = shared tokens / extracted tokens, recall =
shared tokens / gold tokens, F1 their harmonic mean; an empty or failed extraction scores 0.
A source's P, R and F1 are means over its pages; "lost" counts pages with recall under 0.5
(more than half of the article missing).
"""

import argparse
import collections
import csv
import re
import sys
from pathlib import Path


def tokens(text):
    return re.findall(r"\w+", text.lower())


def score(gold, extracted):
    """(precision, recall, f1) of the extracted text's tokens against the gold's."""
    g, e = collections.Counter(tokens(gold)), collections.Counter(tokens(extracted))
    shared = sum((g & e).values())
    p = shared / sum(e.values()) if e else 0.0
    r = shared / sum(g.values()) if g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read(path):
    return path.read_text(encoding="utf-8", errors="replace")


def baseline(name, corpus, rows):
    """Run one Python extractor over the pages (once; outputs cached under CORPUS/baselines)."""
    out = corpus / "baselines" / name
    todo = [r for r in rows if not (out / r["source"] / f"{r['name']}.txt").exists()]
    if not todo:
        return out
    if name == "trafilatura":
        import trafilatura

        def extract(b):
            return trafilatura.extract(b, include_comments=False, include_tables=True) or ""
    else:
        import lxml.html
        from readability import Document

        def extract(b):
            summary = Document(b).summary(html_partial=True)
            return lxml.html.fromstring(summary).text_content() if summary.strip() else ""
    print(f"{name}: extracting {len(todo)} pages", file=sys.stderr)
    for r in todo:
        page = (corpus / r["source"] / f"{r['name']}.html").read_bytes()
        try:
            text = extract(page)
        except Exception as e:  # a crash is a failed page, like terjemah's errors
            text = ""
            print(f"{name}: {r['source']}/{r['name']}: {e}", file=sys.stderr)
        (out / r["source"]).mkdir(parents=True, exist_ok=True)
        (out / r["source"] / f"{r['name']}.txt").write_text(text, encoding="utf-8")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("terjemah", type=Path, nargs="?")
    ap.add_argument("--baselines", action="store_true")
    ap.add_argument("--split", default="all", choices=["tune", "held-out", "all", "each"])
    ap.add_argument("--pages", action="store_true", help="also print each page's scores, worst first")
    ap.add_argument("--score", nargs=2, type=Path, metavar=("GOLD", "EXTRACTED"), help="score one page")
    a = ap.parse_args()
    if a.score:
        print("precision %.3f recall %.3f f1 %.3f" % score(read(a.score[0]), read(a.score[1])))
        return
    with open(a.corpus / "corpus.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    systems = {"terjemah": a.terjemah}
    if a.baselines:
        for name in ("trafilatura", "readability-lxml"):
            systems[name] = baseline(name, a.corpus, rows)
    # scores[system][(source, name)] = (p, r, f1, failed)
    scores = {s: {} for s in systems}
    for r in rows:
        gold = read(a.corpus / r["source"] / f"{r['name']}.gold.txt")
        for s, out in systems.items():
            txt = out / r["source"] / f"{r['name']}.txt"
            failed = not txt.exists()
            scores[s][(r["source"], r["name"])] = (*score(gold, "" if failed else read(txt)), failed)
    splits = ["tune", "held-out"] if a.split == "each" else [a.split]
    for split in splits:
        chosen = [r for r in rows if split == "all" or r["split"] == split]
        table(split, chosen, scores)
        if a.pages:
            pages(chosen, scores, a.terjemah)


def table(split, rows, scores):
    systems = list(scores)
    head = "| source | pages | " + " | ".join(
        "terjemah P | R | F1 | lost | failed" if s == "terjemah" else f"{s} F1 | lost" for s in systems) + " |"
    print(f"\n{split} pages:\n")
    print(head)
    print("|" + "---|" * head.count(" | ") + "---|")
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r["source"], []).append((r["source"], r["name"]))
    groups["all sources"] = [k for ks in list(groups.values()) for k in ks]
    for source, keys in groups.items():
        cells = [source, str(len(keys))]
        for s in systems:
            v = [scores[s][k] for k in keys]
            mean = [sum(x[i] for x in v) / len(v) for i in range(3)]
            lost = sum(1 for x in v if x[1] < 0.5)
            if s == "terjemah":
                cells += [f"{mean[0]:.3f}", f"{mean[1]:.3f}", f"{mean[2]:.3f}", str(lost), str(sum(x[3] for x in v))]
            else:
                cells += [f"{mean[2]:.3f}", str(lost)]
        print("| " + " | ".join(cells) + " |")


def pages(rows, scores, out):
    print("\nterjemah per page, worst F1 first (source/name P R F1; trafilatura F1):")
    keys = sorted(((r["source"], r["name"]) for r in rows), key=lambda k: scores["terjemah"][k][2])
    for k in keys:
        p, r, f, failed = scores["terjemah"][k]
        other = scores.get("trafilatura", {}).get(k)
        why = ""
        if failed:
            err = out / k[0] / f"{k[1]}.err"
            why = "  FAILED: " + (read(err).strip() if err.exists() else "no output")
        print(f"{k[0]}/{k[1]}\t{p:.3f}\t{r:.3f}\t{f:.3f}" + (f"\t{other[2]:.3f}" if other else "") + why)


if __name__ == "__main__":
    main()
