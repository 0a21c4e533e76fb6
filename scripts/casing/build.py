#!/usr/bin/env python3
"""Build src/text/casing-id.txt: which Indonesian words are normally written in lower case, from
the mid-sentence spellings in the parallel training text (../shared/data/train/*.id).

News titles capitalize every word ("AS Menyerukan Pertemuan Dewan Keamanan PBB"), and a model
trained on sentences reads such words as names. terjemah's `casing` module lowercases the words
of a title that this list says are common words, and keeps the capitals of names and of phrases
written capitalized in running text ("Dewan Keamanan", "Timur Tengah").

Counts skip the first word of a line and words after sentence punctuation, where capitals say
nothing. The held-out test set is never read; the last 400 lines of the news validation set
(the starter model's dev set) are skipped too, so that the dev score can judge the list.

Output, one entry a line, most frequent first:
  w WORD    a word whose lower-case form dominates mid-sentence (lower >= 2 and lower > Title)
  p A B     a two-word phrase written Title Case mid-sentence at least twice and more often than
            in lower case, where at least one of the words is a `w` word
"""
import argparse
import collections
import glob
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEV_FILE, DEV_SIZE = "bmmt-news-valid.id", 400
# A word: letters, with inner hyphens or apostrophes ("baru-baru", "Qur'an").
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Punctuation after which a capital says nothing about the word: sentence ends, quotes, brackets.
STOP = re.compile(r"[.!?:;\"“”‘(\[]")


def is_title(w):
    return w[0].isupper() and (len(w) == 1 or w[1:] == w[1:].lower())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=os.path.join(REPO, "..", "shared", "data", "train"))
    ap.add_argument("--out", default=os.path.join(REPO, "src", "text", "casing-id.txt"))
    ap.add_argument("--min-count", type=int, default=2)
    a = ap.parse_args()
    words = collections.Counter()   # (lower form, "l" | "t") -> count
    pairs = collections.Counter()   # (lower a, lower b, form a, form b) -> count
    files = sorted(glob.glob(os.path.join(a.train, "*.id")))
    lines_read = 0
    for path in files:
        lines = open(path, encoding="utf-8").read().splitlines()
        if os.path.basename(path) == DEV_FILE:
            lines = lines[:-DEV_SIZE]
        for line in lines:
            lines_read += 1
            prev, prev_end = None, 0
            for i, m in enumerate(WORD.finditer(line)):
                w, gap = m.group(), line[prev_end:m.start()]
                prev_end = m.end()
                form = "l" if w == w.lower() else "t" if is_title(w) else None
                if i == 0 or STOP.search(gap) or form is None:
                    prev = None
                    continue
                lw = w.lower()
                words[lw, form] += 1
                if prev and gap.strip() == "":
                    pairs[prev[0], lw, prev[1], form] += 1
                prev = (lw, form)
    common = {w for (w, f), n in words.items() if f == "l" and n >= a.min_count and n > words[w, "t"]}
    order = sorted(common, key=lambda w: (-words[w, "l"], w))
    # A phrase keeps its capitals when written Title Case more often than in all other casings.
    other = collections.Counter()
    for (x, y, fx, fy), n in pairs.items():
        if (fx, fy) != ("t", "t"):
            other[x, y] += n
    phrases = sorted(((x, y) for (x, y, fx, fy), n in pairs.items()
                      if (fx, fy) == ("t", "t") and n >= a.min_count and n > other[x, y] and (x in common or y in common)),
                     key=lambda p: (-pairs[p[0], p[1], "t", "t"], p))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"# Built by scripts/casing/build.py from {lines_read} lines of {', '.join(os.path.basename(p) for p in files)}"
                " (sources and licences: the data table of models/id-en-starter/MODEL_CARD.md); do not edit by hand.\n")
        for w in order:
            f.write(f"w {w}\n")
        for x, y in phrases:
            f.write(f"p {x} {y}\n")
    print(f"{len(order)} common words, {len(phrases)} capitalized phrases -> {a.out} ({os.path.getsize(a.out)} bytes)")


if __name__ == "__main__":
    main()
