#!/usr/bin/env python3
"""Build src/text/id-en-words.tsv: for Indonesian words, the English words that translate them,
for terjemah's word aligner (src/text/wordalign.rs), which puts a saved page's links, bold and
italics back around the English words that translate the tagged Indonesian words.

Word pairs are scored by how often they occur in the same sentence pair of the parallel
training text (Dice coefficient over lower-cased words, sentences counted once), the lexicons'
one-word pairs added as sentence pairs of their own. Listed for each Indonesian word seen at
least --min-count times: up to --top English words with a Dice of at least --min-dice and
--min-pairs co-occurrences. Identical words are left out: the aligner matches them itself.

The held-out test set is never read; the last 400 lines of the news validation set (the starter
model's dev set) are skipped too. Plain Python, no environment needed:

    python3 scripts/markup/build.py
"""
import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from training_text import pairs as training_pairs, read  # noqa: E402
# The aligner's words: letters and digits, inner hyphens and apostrophes kept ("baru-baru", "don't").
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def words(line):
    return set(m.group().lower() for m in WORD.finditer(line))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    data = os.path.join(REPO, "..", "shared", "data")
    ap.add_argument("--data", default=data)
    ap.add_argument("--out", default=os.path.join(REPO, "src", "text", "id-en-words.tsv"))
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-pairs", type=int, default=2)
    ap.add_argument("--min-dice", type=float, default=0.08)
    ap.add_argument("--top", type=int, default=3)
    a = ap.parse_args()
    pairs = training_pairs(a.data)
    sentences = len(pairs)
    for name in ("wordnet-bahasa", "freedict-eng-ind", "tico19-terms"):
        base = os.path.join(a.data, "lexicon", name)
        for i, e in zip(read(base + ".id"), read(base + ".en")):
            if " " not in i.strip() and " " not in e.strip():
                pairs.append((i, e))
    src, tgt, both = collections.Counter(), collections.Counter(), collections.Counter()
    for i, e in pairs:
        ws, wt = words(i), words(e)
        src.update(ws)
        tgt.update(wt)
        both.update((s, t) for s in ws for t in wt)
    best = collections.defaultdict(list)
    for (s, t), n in both.items():
        if s == t or n < a.min_pairs or src[s] < a.min_count:
            continue
        dice = 2 * n / (src[s] + tgt[t])
        if dice >= a.min_dice:
            best[s].append((dice, t))
    with open(a.out, "w", encoding="utf-8") as f:
        for s in sorted(best):
            top = [t for _, t in sorted(best[s], reverse=True)[: a.top]]
            f.write(f"{s}\t{' '.join(top)}\n")
    print(f"{a.out}: {len(best)} Indonesian words from {sentences} sentence pairs and {len(pairs) - sentences} lexicon pairs")


if __name__ == "__main__":
    main()
