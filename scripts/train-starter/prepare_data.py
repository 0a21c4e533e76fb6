#!/usr/bin/env python3
"""Build the starter model's training corpus from ../shared/data: train/, lexicon/ and train-extra/.

Every source goes through the same filters (empty or identical sides, length-ratio outliers,
language check) and the kept pair count per source is written to stats.json, which the model
card quotes. The held-out news test set is never read here.

Each source has a weight, its expected number of passes per epoch (EXTRA_WEIGHTS; 1 for train/
and lexicon/): train.src names the source of every line of train.id/train.en (one line per run
of consecutive lines from one source: COUNT, a tab, the name), stats.json records the weights,
and train.py draws each epoch's sample from them (a weight of 3 puts every pair in three times,
0.2 a fresh fifth of the source's pairs each epoch).
"""
import argparse
import glob
import json
import os
import re
import sys
import unicodedata

import langid

ID_LANGS = {"id", "ms"}  # langid confuses Indonesian and Malay on short text; both are fine here.
# A wide language set misfiles short Indonesian lines as Tagalog, Italian, Dutch...; the failure that
# matters here is a side in the wrong one of our two languages (untranslated or swapped), so
# classify between Indonesian/Malay and English only.
langid.set_languages(["id", "ms", "en"])


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", s).strip()


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [norm(l) for l in f.read().split("\n")[:-1]]


WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def keep(src: str, tgt: str) -> str | None:
    """Return None when the pair is kept, else the reason it was dropped."""
    if not src or not tgt:
        return "empty"
    if src.casefold() == tgt.casefold():
        return "identical"
    ws, wt = WORD.findall(src), WORD.findall(tgt)
    if not ws or not wt:
        return "no-words"
    ls, lt = len(src), len(tgt)
    if max(ls, lt) > 600:
        return "too-long"
    # Character-length ratio outliers: allow slack for very short lines.
    if max(ls, lt) > 15 and (ls / lt > 2.5 or lt / ls > 2.5):
        return "ratio"
    if len(ws) >= 4 and langid.classify(src)[0] not in ID_LANGS:
        return "lang-src"
    if len(wt) >= 4 and langid.classify(tgt)[0] != "en":
        return "lang-tgt"
    return None


DEV_SOURCE, DEV_SIZE = "bmmt-news-valid", 400


def shared_pairs(train_dir, dev):
    """(source name, id line, en line) from ../shared/data/train, including alternative targets.

    The last DEV_SIZE lines of the news validation set are held out into `dev` for monitoring.
    """
    for id_path in sorted(glob.glob(os.path.join(train_dir, "*.id"))):
        stem = id_path[:-3]
        ids = read_lines(id_path)
        for en_path in sorted(glob.glob(stem + "*.en")):
            ens = read_lines(en_path)
            if len(ens) != len(ids):
                sys.exit(f"{en_path}: {len(ens)} lines but {id_path} has {len(ids)}")
            name = os.path.basename(en_path)[:-3]
            if name == DEV_SOURCE:
                dev.extend(zip(ids[-DEV_SIZE:], ens[-DEV_SIZE:]))
                ids, ens = ids[:-DEV_SIZE], ens[:-DEV_SIZE]
            for s, t in zip(ids, ens):
                yield name, s, t


# Word and phrase pairs: they teach vocabulary, not sentences, so they get low weight: each pair
# once (a few tokens each, about 7% of the training tokens), WordNet capped per English lemma
# (it pairs every lemma with every Indonesian synonym of the synset).
LEXICONS = {"freedict-eng-ind": None, "tico19-terms": None, "wordnet-bahasa": 2}


def lexicon_pairs(lex_dir):
    for name, per_lemma in LEXICONS.items():
        stem = os.path.join(lex_dir, name)
        if not os.path.exists(stem + ".id"):
            continue
        ids, ens = read_lines(stem + ".id"), read_lines(stem + ".en")
        if len(ids) != len(ens):
            sys.exit(f"{stem}.en: {len(ens)} lines but {stem}.id has {len(ids)}")
        used = {}
        for s, t in zip(ids, ens):
            if per_lemma is not None:
                used[t] = used.get(t, 0) + 1
                if used[t] > per_lemma:
                    continue
            yield "lexicon/" + name, s, t


# ../shared/data/train-extra (its README: origins, licences, cleaning): 73k pairs, most of them
# software text. Weights keep news and general text first: the three general-domain sources are
# upsampled (UD PUD is news and Wikipedia, the test domain, so most), software prose gets a
# fresh sample each epoch (the technical books the largest share, LibreOffice's 30k help
# sentences the smallest), interface strings (short labels) the least. Measured with these
# weights (English tokens of the shipped SentencePiece model, per epoch): train/'s news and
# general sources 46%, train-extra's general ones 8%, its software prose 16%, its UI strings 1%
# (religious 14%, Tatoeba 4%, lexicon 10%).
EXTRA_WEIGHTS = {
    "ud-pud": 3, "talpco": 2, "xsid": 1,
    "debian-handbook": 0.4, "debian-reference": 0.4,
    "gnome-help": 0.3, "gnome-app-help": 0.3, "python-docs": 0.3,
    "libreoffice-help": 0.2,
    "libreoffice-ui": 0.1, "firefox-ui": 0.1,
}


def extra_pairs(extra_dir, weights):
    """(source name, id line, en line) from ../shared/data/train-extra, sources of weight 0 skipped."""
    for name, w in weights.items():
        stem = os.path.join(extra_dir, name)
        if w <= 0:
            continue
        if not os.path.exists(stem + ".id"):
            sys.exit(f"{stem}.id: not found (a source of EXTRA_WEIGHTS; --extra-weight {name}=0 skips it)")
        ids, ens = read_lines(stem + ".id"), read_lines(stem + ".en")
        if len(ids) != len(ens):
            sys.exit(f"{stem}.en: {len(ens)} lines but {stem}.id has {len(ids)}")
        for s, t in zip(ids, ens):
            yield "train-extra/" + name, s, t


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-lexicon", action="store_true", help="skip the word pairs of data/lexicon")
    ap.add_argument("--no-extra", action="store_true", help="skip data/train-extra")
    ap.add_argument("--extra-weight", action="append", default=[], metavar="NAME=W",
                    help="override a train-extra source's weight (passes per epoch; 0 leaves it out)")
    args = ap.parse_args()
    weights = dict(EXTRA_WEIGHTS)
    for item in args.extra_weight:
        name, _, w = item.partition("=")
        if name not in weights:
            sys.exit(f"--extra-weight {item}: no train-extra source {name} ({', '.join(weights)})")
        weights[name] = float(w)
    train_dir = os.path.join(args.shared, "data", "train")
    if not os.path.isdir(train_dir):
        sys.exit(f"{train_dir}: not found (pass --shared DIR, the folder holding data/train)")
    os.makedirs(args.out, exist_ok=True)

    dev = []
    sources = [shared_pairs(train_dir, dev)]
    if not args.no_lexicon:
        sources.append(lexicon_pairs(os.path.join(args.shared, "data", "lexicon")))
    # LibreOffice's UI strings and help pages come from train-extra (the same Debian 12 packages the
    # recipe used to apt-get download and harvest itself, cleaned further there): not read twice.
    if not args.no_extra:
        sources.append(extra_pairs(os.path.join(args.shared, "data", "train-extra"), weights))

    seen, stats, drops, runs = set(), {}, {}, []
    with open(os.path.join(args.out, "train.id"), "w", encoding="utf-8") as fid, \
            open(os.path.join(args.out, "train.en"), "w", encoding="utf-8") as fen:
        for gen in sources:
            for name, s, t in gen:
                if name not in stats:
                    extra = name.removeprefix("train-extra/")
                    stats[name] = {"read": 0, "kept": 0, "weight": weights[extra] if extra != name else 1}
                st = stats[name]
                st["read"] += 1
                reason = keep(s, t)
                if reason is None and (s, t) in seen:
                    reason = "duplicate"
                if reason:
                    drops.setdefault(name, {}).setdefault(reason, 0)
                    drops[name][reason] += 1
                    continue
                seen.add((s, t))
                st["kept"] += 1
                fid.write(s + "\n")
                fen.write(t + "\n")
                if runs and runs[-1][1] == name:
                    runs[-1][0] += 1
                else:
                    runs.append([1, name])
    with open(os.path.join(args.out, "train.src"), "w", encoding="utf-8") as f:
        f.writelines(f"{count}\t{name}\n" for count, name in runs)
    with open(os.path.join(args.out, "dev.id"), "w", encoding="utf-8") as fid, \
            open(os.path.join(args.out, "dev.en"), "w", encoding="utf-8") as fen:
        for s, t in dev:
            fid.write(s + "\n")
            fen.write(t + "\n")
    for name, st in stats.items():
        st["dropped"] = drops.get(name, {})
        st["per_epoch"] = round(st["kept"] * st["weight"])  # pairs train.py draws from it each epoch
    total = sum(st["kept"] for st in stats.values())
    per_epoch = sum(st["per_epoch"] for st in stats.values())
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump({"sources": stats, "total_kept": total, "total_per_epoch": per_epoch,
                   "dev": f"last {DEV_SIZE} lines of {DEV_SOURCE}"}, f, indent=2)
    for name, st in stats.items():
        print(f"{name:32} read {st['read']:7}  kept {st['kept']:7}  weight {st['weight']:<4} "
              f"per epoch {st['per_epoch']:7}  dropped {st['dropped']}")
    print(f"total kept: {total}, drawn per epoch: {per_epoch}")


if __name__ == "__main__":
    main()
