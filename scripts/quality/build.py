#!/usr/bin/env python3
"""Build src/quality/indonesian-words.txt: Indonesian words that English text does not use, for
terjemah's `source_words` quality flag (an Indonesian word left as it was in the English, as in
"mencoba identified the political solution").

A word is listed when it is written in lower case in the Indonesian side of the parallel
training text at least --min-count times, the English side of that text writes it in lower
case at most --max-english-share times as often (relative to its Indonesian count), and the
lexicons' English side has no one-word lemma of that spelling: names and shared loanwords
("data", "hotel", "bank") occur on both sides and stay out. Words shorter than --min-length letters are left out ("di", "ke"
are also parts of names and abbreviations).

The held-out test set is never read; the last 400 lines of the news validation set (the starter
model's dev set, on which the flags are measured) are skipped too.

Output: one word a line, most frequent in Indonesian first. Plain Python, no environment needed.
"""
import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from training_text import pairs  # noqa: E402
# A lower-case word of letters, with inner hyphens ("baru-baru").
WORD = re.compile(r"(?<![\w-])[^\W\d_A-Z]+(?:-[^\W\d_A-Z]+)*(?![\w-])")


def lower_words(lines):
    counts = collections.Counter()
    for line in lines:
        for m in WORD.finditer(line):
            w = m.group()
            if w == w.lower():
                counts[w] += 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    data = os.path.join(REPO, "..", "shared", "data")
    ap.add_argument("--data", default=data)
    ap.add_argument("--out", default=os.path.join(REPO, "src", "quality", "indonesian-words.txt"))
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--min-length", type=int, default=3)
    ap.add_argument("--max-english-share", type=float, default=0.01)
    a = ap.parse_args()
    training = pairs(a.data)
    sides = {"id": [i for i, _ in training], "en": [e for _, e in training]}
    indonesian = lower_words(sides["id"])
    english = lower_words(sides["en"])
    lemmas = set()
    for name in ("wordnet-bahasa.en", "freedict-eng-ind.en"):
        for line in open(os.path.join(a.data, "lexicon", name), encoding="utf-8"):
            # One-word lemmas only: the words of phrases ("yin and yang") are not English words.
            if " " not in line.strip():
                lemmas.add(line.strip().lower())
    words = [
        w
        for w, n in indonesian.most_common()
        if n >= a.min_count
        and len(w) >= a.min_length
        and w not in lemmas
        and english[w] <= a.max_english_share * n
    ]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("".join(w + "\n" for w in words))
    print(f"{a.out}: {len(words)} words from {len(sides['id'])} sentence pairs")


if __name__ == "__main__":
    main()
