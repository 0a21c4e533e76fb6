#!/usr/bin/env python3
"""Build the starter model's training corpus: shared parallel text + Debian l10n harvests.

Every source goes through the same filters (empty or identical sides, length-ratio outliers,
language check) and the kept pair count per source is written to stats.json, which the model
card quotes. The held-out news test set is never read here.
"""
import argparse
import gettext
import glob
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from html.parser import HTMLParser

import langid

# Debian packages harvested for English msgid / Indonesian msgstr pairs.
L10N_PACKAGES = ["libreoffice-l10n-id"]
HELP_PACKAGES = ["libreoffice-help-id", "libreoffice-help-en-us"]

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


def apt_download(pkgs, dest):
    subprocess.run(["apt-get", "download", *pkgs], cwd=dest, check=True,
                   stdout=subprocess.DEVNULL)
    root = os.path.join(dest, "root")
    os.makedirs(root, exist_ok=True)
    for deb in glob.glob(os.path.join(dest, "*.deb")):
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    return root


PLACEHOLDER = re.compile(r"\$\(?[A-Z0-9_]+\)?|%[A-Za-z0-9_]+%?|\{[^}]*\}|#\d|\\[nt]|&[a-z]+;|@\w+@")


def clean_ui(s: str) -> str | None:
    s = s.replace("%PRODUCTNAME", "LibreOffice").replace("%PRODUCTVERSION", "7.4")
    s = re.sub(r"<[^>]+>", "", s)  # markup
    s = s.replace("~", "")  # LibreOffice accelerator marks
    s = re.sub(r"(?<=\w)_(?=\w)|^_", "", s)  # GTK-style accelerators
    s = s.replace("...", "…") if s.endswith("...") else s
    if PLACEHOLDER.search(s):
        return None  # a placeholder we cannot rewrite into plain text
    return norm(s)


def l10n_pairs(root):
    for mo in sorted(glob.glob(os.path.join(root, "usr/lib/libreoffice/program/resource/id/LC_MESSAGES/*.mo"))):
        with open(mo, "rb") as f:
            cat = gettext.GNUTranslations(f)
        for key, msgstr in cat._catalog.items():
            if isinstance(key, tuple):  # plural forms
                continue
            msgid = key.split("\x04", 1)[-1]  # drop the msgctxt
            if not msgid or not msgstr:
                continue
            en, idn = clean_ui(msgid), clean_ui(msgstr)
            if en is None or idn is None:
                continue
            yield "libreoffice-l10n-id", idn, en


class IdText(HTMLParser):
    """Collects the text of every element that carries an id attribute (paragraphs, headings, cells)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts = [], {}

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        ident = dict(attrs).get("id")
        self.stack.append((tag, ident, []))

    def handle_endtag(self, tag):
        while self.stack:
            t, ident, parts = self.stack.pop()
            text = "".join(parts)
            if ident and ident.startswith(("par_id", "hd_id")):
                self.texts[ident] = text
            if self.stack:
                self.stack[-1][2].append(text)
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)


def id_texts(path):
    p = IdText()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    return {k: norm(html.unescape(v)) for k, v in p.texts.items()}


def help_pairs(root):
    base = os.path.join(root, "usr/share/libreoffice/help")
    for id_path in sorted(glob.glob(os.path.join(base, "id/text/**/*.html"), recursive=True)):
        en_path = id_path.replace("/help/id/", "/help/en-US/", 1)
        if not os.path.exists(en_path):
            continue
        ids, ens = id_texts(id_path), id_texts(en_path)
        for key, idn in ids.items():
            en = ens.get(key)
            # Untranslated help text stays English: the identical-sides filter drops it.
            if en and len(en.split()) > 4:
                yield "libreoffice-help-id", idn, en


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-debian", action="store_true", help="skip the apt-get harvest")
    ap.add_argument("--no-lexicon", action="store_true", help="skip the word pairs of data/lexicon")
    args = ap.parse_args()
    train_dir = os.path.join(args.shared, "data", "train")
    if not os.path.isdir(train_dir):
        sys.exit(f"{train_dir}: not found (pass --shared DIR, the folder holding data/train)")
    os.makedirs(args.out, exist_ok=True)

    dev = []
    sources = [shared_pairs(train_dir, dev)]
    if not args.no_lexicon:
        sources.append(lexicon_pairs(os.path.join(args.shared, "data", "lexicon")))
    if not args.no_debian:
        tmp = tempfile.mkdtemp(prefix="terjemah-debs-")
        root = apt_download(L10N_PACKAGES + HELP_PACKAGES, tmp)
        sources += [l10n_pairs(root), help_pairs(root)]

    seen, stats, drops = set(), {}, {}
    with open(os.path.join(args.out, "train.id"), "w", encoding="utf-8") as fid, \
            open(os.path.join(args.out, "train.en"), "w", encoding="utf-8") as fen:
        for gen in sources:
            for name, s, t in gen:
                st = stats.setdefault(name, {"read": 0, "kept": 0})
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
    with open(os.path.join(args.out, "dev.id"), "w", encoding="utf-8") as fid, \
            open(os.path.join(args.out, "dev.en"), "w", encoding="utf-8") as fen:
        for s, t in dev:
            fid.write(s + "\n")
            fen.write(t + "\n")
    for name, st in stats.items():
        st["dropped"] = drops.get(name, {})
    total = sum(st["kept"] for st in stats.values())
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump({"sources": stats, "total_kept": total, "dev": f"last {DEV_SIZE} lines of {DEV_SOURCE}"}, f, indent=2)
    for name, st in stats.items():
        print(f"{name:28} read {st['read']:7}  kept {st['kept']:7}  dropped {st['dropped']}")
    print(f"total kept: {total}")


if __name__ == "__main__":
    main()
