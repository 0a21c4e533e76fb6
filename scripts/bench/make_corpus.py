#!/usr/bin/env python3
"""Build a benchmark folder of scraped-looking Indonesian articles from ../shared/data.

Consecutive Indonesian lines of the parallel data become paragraphs (1-3 sentences) and
articles (5-15 paragraphs), wrapped in the lines a scraped news page carries: title, dateline,
photo caption with credit, "Baca Juga:" links, "Halaman:", "Editor:", "Sumber:", tags and
navigation words. Deterministic for a given --seed. The held-out news test set is not used.
"""
import argparse
import glob
import os
import random

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]
NAV = ["Tags", "Artikel Pilihan", "Terkait", "Terkini", "Terpopuler", "Kabar Daerah"]
EDITORS = ["Didih Hudaya ZP", "Rina Marlina", "Agus Salim", "Dewi Lestari", "Budi Santoso"]
SOURCES = ["UPI.com", "ANTARA", "Reuters", "AFP", "Kompas.com"]


def sentences(shared, include_test=False):
    lines = []
    for path in sorted(glob.glob(os.path.join(shared, "data", "train", "*.id"))):
        with open(path, encoding="utf-8") as f:
            lines.extend(l.strip() for l in f if 20 <= len(l.strip()) <= 400)
    return lines


def article(rng, pool, pos, new_words=None):
    n_par = rng.randint(5, 15)
    paras = []
    for _ in range(n_par):
        k = rng.randint(1, 3)
        paras.append(" ".join(pool[(pos + i) % len(pool)] for i in range(k)))
        pos += k
    title = pool[pos % len(pool)].rstrip(".")
    pos += 1
    caption = pool[pos % len(pool)]
    pos += 1
    d = f"- {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2018, 2024)}, {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} WIB"
    related = [f"Baca Juga: {pool[(pos + i) % len(pool)].rstrip('.')}" for i in range(2)]
    pos += 2
    body = []
    for i, p in enumerate(paras):
        body.append(p)
        if i in (2, 6) and related:
            body.append(related.pop())
    lines = [title, "", d, f" {caption}", f"{caption} /{rng.choice(SOURCES)}/Foto", ""]
    lines += [x for p in body for x in (p, "")]
    lines += ["Halaman:", "", f"Editor: {rng.choice(EDITORS)}", "", f"Sumber: {rng.choice(SOURCES)}", "", ""]
    lines += [x for n in NAV for x in (n, "")]
    return "\n".join(lines), pos


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--offset", type=int, default=0, help="start at this line of the pool (new articles for re-run benchmarks)")
    a = ap.parse_args()
    pool = sentences(a.shared)
    random.Random(0).shuffle(pool)  # mix domains; articles still use consecutive pool lines
    rng = random.Random(a.seed)
    pos = a.offset
    os.makedirs(a.out, exist_ok=True)
    total = 0
    for i in range(a.articles):
        text, pos = article(rng, pool, pos)
        sub = os.path.join(a.out, f"{i // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"artikel-{a.seed}-{i:05d}.txt"), "w", encoding="utf-8") as f:
            f.write(text + "\n")
        total += 1
    print(f"{total} articles in {a.out} (pool position {pos} of {len(pool)})")


if __name__ == "__main__":
    main()
