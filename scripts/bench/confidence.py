#!/usr/bin/env python3
"""How well terjemah's per-sentence confidence and quality flags find bad translations.

Translates the starter model's dev set (the last 400 lines of bmmt-news-valid, never trained on)
and the news test set as datasets (one record a line), reads each line's confidence and flags
from NAME.align.jsonl, scores each line with sentence chrF (sacrebleu) against its reference,
and reports:

- the Spearman correlation of the confidence with sentence chrF (dev and test);
- the low-confidence threshold: the confidence below which 10% of the dev set's sentences fall
  (what `--low-confidence` defaults to for the starter; run this with --model for another model);
- on the test set, of the 10% worst lines by chrF, how many each flag finds, at its own flag rate,
  next to the confidence at that same rate (the lowest-confidence lines, as many as it flags);
- for the word flags, how many of their lines the reference confirms (it does not double the
  doubled word; it does not hold the Indonesian words left).

A line split into several sentences takes the mean of their confidences and the union of their
flags. The rule flags are every flag but low_confidence.

    "$(scripts/python-env)" scripts/bench/confidence.py [--terjemah BIN] [--model DIR] [--out DIR]
"""
import argparse
import json
import os
import platform
import subprocess
import sys

import sacrebleu

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, "..", "shared", "data")
DEV_SIZE = 400
RATE = 0.10


def ranks(xs):
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb)


def translate(binary, model, name, src_lines, out):
    os.makedirs(out, exist_ok=True)
    src = os.path.join(out, f"{name}.jsonl")
    with open(src, "w", encoding="utf-8") as f:
        for i, line in enumerate(src_lines):
            f.write(json.dumps({"id": i, "text": line}, ensure_ascii=False) + "\n")
    cmd = [binary, "translate", src, "--out", os.path.join(out, "en"), "--fields", "text", "--id-field", "id", "--no-tm", "--quiet", "--force"]
    if model:
        cmd += ["--model", model]
    subprocess.run(cmd, check=True)
    lines = [{"conf": [], "flags": set(), "evidence": []} for _ in src_lines]
    with open(os.path.join(out, "en", f"{name}.align.jsonl"), encoding="utf-8") as f:
        for row in map(json.loads, f):
            line = lines[int(row["record"])]
            if "confidence" in row:
                line["conf"].append(row["confidence"])
            line["flags"].update(fl["flag"] for fl in row.get("flags", []))
            line["evidence"] += row.get("flags", [])
    with open(os.path.join(out, "en", f"{name}.en.jsonl"), encoding="utf-8") as f:
        hyps = [json.loads(l).get("text_en", "") for l in f]
    for line, hyp in zip(lines, hyps):
        line["hyp"] = hyp
        # A line with nothing sent to the model (a number alone) is as sure as can be.
        line["confidence"] = sum(line["conf"]) / len(line["conf"]) if line["conf"] else 0.0
    return lines


def chrf(lines, refs):
    for line, ref in zip(lines, refs):
        line["chrf"] = sacrebleu.sentence_chrf(line["hyp"], [ref]).score


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/terjemah-target"))
    ap.add_argument("--terjemah", default=os.path.join(target, "release", "terjemah"))
    ap.add_argument("--model", help="model folder (default: terjemah's default, the bundled starter)")
    ap.add_argument("--out", default="/tmp/terjemah-confidence")
    ap.add_argument("--json", help="also write the figures here")
    a = ap.parse_args()

    def read(path):
        return open(path, encoding="utf-8").read().splitlines()

    dev_src = read(os.path.join(DATA, "train", "bmmt-news-valid.id"))[-DEV_SIZE:]
    dev_ref = read(os.path.join(DATA, "train", "bmmt-news-valid.en"))[-DEV_SIZE:]
    test_src = read(os.path.join(DATA, "test", "bmmt-news-test.id"))
    test_ref = read(os.path.join(DATA, "test", "bmmt-news-test.en"))
    dev = translate(a.terjemah, a.model, "dev", dev_src, a.out)
    test = translate(a.terjemah, a.model, "test", test_src, a.out)
    chrf(dev, dev_ref)
    chrf(test, test_ref)

    # The threshold: 10% of the dev set's sentences are below it.
    dev_sentences = sorted(c for line in dev for c in line["conf"])
    threshold = dev_sentences[int(RATE * len(dev_sentences))]
    print(f"machine: {platform.processor() or platform.machine()}; model: {a.model or 'bundled starter'}")
    print(f"dev ({len(dev)} lines): Spearman(confidence, sentence chrF) = {spearman([l['confidence'] for l in dev], [l['chrf'] for l in dev]):.3f}")
    print(f"low-confidence threshold (10% of the dev sentences below it): {threshold:.4f}")

    n = len(test)
    worst = set(sorted(range(n), key=lambda i: test[i]["chrf"])[: round(RATE * n)])
    by_conf = sorted(range(n), key=lambda i: test[i]["confidence"])
    rho = spearman([l["confidence"] for l in test], [l["chrf"] for l in test])
    print(f"test ({n} lines): Spearman(confidence, sentence chrF) = {rho:.3f}; worst 10% by chrF: {len(worst)} lines")

    def confirmed(i, name):
        """Whether the reference confirms a word flag: it neither doubles the doubled word nor
        holds the Indonesian words left (None for other flags)."""
        ref = test_ref[i].lower()
        words = ref.replace(",", " ").replace(".", " ").split()
        evidence = [f for f in test[i]["evidence"] if f["flag"] == name]
        if name == "doubled_word":
            return all(f["words"] not in " ".join(words) for f in evidence)
        if name == "source_words":
            return all(w.lower() not in words for f in evidence for w in f["words"])
        return None

    def row(name, flagged):
        found = len(flagged & worst)
        k = len(flagged)
        conf_same = set(by_conf[:k])
        found_conf = len(conf_same & worst)
        return {
            "flag": name,
            "flagged": k,
            "rate": k / n,
            "worst_found": found,
            "precision": found / k if k else 0.0,
            "confidence_at_same_rate_found": found_conf,
            "confirmed_by_reference": [confirmed(i, name) for i in flagged].count(True) if name in ("doubled_word", "source_words") else None,
        }

    # The low-confidence flag as terjemah set it (with its --low-confidence), and as it would be
    # with the dev threshold; then each rule flag and all of them together.
    rows = [row("low_confidence (as flagged)", {i for i in range(n) if "low_confidence" in test[i]["flags"]})]
    rows.append(row("confidence < dev threshold", {i for i in range(n) if any(c < threshold for c in test[i]["conf"])}))
    names = sorted({f for l in test for f in l["flags"]} - {"low_confidence"})
    for name in names:
        rows.append(row(name, {i for i in range(n) if name in test[i]["flags"]}))
    rows.append(row("any rule flag", {i for i in range(n) if test[i]["flags"] - {"low_confidence"}}))
    print()
    print("| flag | lines flagged | rate | of the worst 10% found | share of its lines in the worst 10% "
          "| lowest-confidence lines at that rate: found | confirmed by the reference |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["confirmed_by_reference"]
        confirmed_cell = "" if c is None else f"{c} of {r['flagged']}"
        print(
            f"| {r['flag']} | {r['flagged']} | {100 * r['rate']:.1f}% | {r['worst_found']} of {len(worst)} "
            f"| {100 * r['precision']:.0f}% | {r['confidence_at_same_rate_found']} | {confirmed_cell} |"
        )
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"threshold": threshold, "spearman_test": rho, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
