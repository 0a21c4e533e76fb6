#!/usr/bin/env python3
"""Write models/id-en-starter/MODEL_CARD.md from what the recipe's steps recorded:
data-stats.json (prepare), training.json (export), scores.json (eval), example.en.txt (a
terjemah run on the seed article). No number in the card is typed by hand.
"""
import argparse
import json
import os
import sys

LICENCES = {
    "bmmt": ("Guntara, Aji, Prasojo (2020), *Benchmarking Multidomain English-Indonesian Machine Translation*, BUCC", "research data; cite the paper"),
    "gareng": ("GARENG Indonesian MT test data (Rekanalar, Beritagar); `.gnmt`/`.gareng` are the English outputs of Google NMT and of GARENG for the same lines", "research data"),
    "nusax": ("NusaX-MT (Winata et al. 2023), Indonesian and English columns", "Apache-2.0 / CC-BY-SA-4.0"),
    "tatoeba": ("Tatoeba sentence pairs, tatoeba.org", "CC-BY 2.0 FR"),
    "flores200": ("FLORES-200 dev split (ind_Latn, eng_Latn; Wikinews, Wikivoyage, Wikibooks), NLLB Team et al. (2022)", "CC BY-SA 4.0"),
    "tico19": ("TICO-19 translation memory, dev+test (COVID-19: Wikipedia, PubMed, Wikinews, medical dialogue), Anastasopoulos et al. (2020)", "CC0 1.0"),
    "lexicon/freedict": ("word pairs: Debian `dict-freedict-eng-ind` (FreeDict/WikDict, from Wiktionary)", "CC BY-SA 3.0"),
    "lexicon/wordnet": ("word pairs: Wordnet Bahasa (omw-data) joined with Princeton WordNet 3.0 lemmas, at most 2 Indonesian words per English lemma", "MIT + WordNet licence"),
    "lexicon/tico19": ("term pairs: TICO-19 COVID-19 terminologies", "CC0 1.0"),
    "libreoffice": ("Debian packages libreoffice-l10n-id, libreoffice-help-id, libreoffice-help-en-us (LibreOffice 7.4.7): UI strings and help pages, Indonesian translations by the LibreOffice localisation team", "MPL-2.0"),
    # ../shared/data/train-extra (its README and build.py give every repository commit and package version).
    "train-extra/ud-pud": ("news and Wikipedia (PUD): UniversalDependencies/UD_Indonesian-PUD @ 765fb3fe + UD_English-PUD @ f16eba4a, `# text` paired by `sent_id`", "CC BY-SA 3.0"),
    "train-extra/talpco": ("everyday sentences: TALPCo (matbahasa/TALPCo @ eb474624, `ind/data_ind.txt` + `eng/data_eng.txt`)", "CC BY 4.0"),
    "train-extra/xsid": ("voice-assistant requests: xSID 0.7 (mainlp/xsid @ 761d926c, `id.{valid,test}.conll`)", "CC BY-SA 4.0"),
    "train-extra/gnome-help": ("desktop help: GNOME/gnome-user-docs @ 46747c67 (`gnome-help`, `system-admin-guide`, `id.po`)", "CC BY-SA 3.0 (`legal.xml`; the repository's `COPYING` says CC BY 3.0)"),
    "train-extra/gnome-app-help": ("application help: `help/id/id.po` of 47 GNOME/* repositories (commits and licences: `GNOME_APP_HELP` in train-extra/build.py)",
                                   "per repository: CC BY-SA 3.0 (33), CC BY-SA 4.0 (3), GFDL 1.1+/1.1/1.2 (8), GPL-2.0 (gedit), GPL-3.0 (loupe), LGPL-2.1 (shotwell)"),
    "train-extra/debian-handbook": ("technical book: The Debian Administrator's Handbook (l/debian-handbook @ 84990160, `id-ID/*.po`)", "GPL-2.0+ or CC BY-SA 3.0"),
    "train-extra/debian-reference": ("technical manual: Debian Reference (Debian 12 packages debian-reference-id + debian-reference-en 2.100)", "GPL-2+"),
    "train-extra/libreoffice-help": ("office-suite help: Debian 12 packages libreoffice-help-id + libreoffice-help-en-us 4:7.4.7-1+deb12u14, paired by element id, Indonesian by the LibreOffice localisation team", "MPL-2.0 (some Apache-2.0 material)"),
    "train-extra/python-docs": ("programming documentation: python/python-docs-id @ 425c128c (`*/id.po`)", "PSF licence (Python docs); translations CC0"),
    "train-extra/libreoffice-ui": ("UI strings: Debian 12 package libreoffice-l10n-id 4:7.4.7-1+deb12u14 (`LC_MESSAGES/*.mo`, msgid English)", "MPL-2.0"),
    "train-extra/firefox-ui": ("UI strings: Debian 12 packages firefox-esr-l10n-id + firefox-esr 153.8.0esr-1~deb12u1 (Fluent `.ftl`, `.properties`)", "MPL-2.0"),
}


def licence(name):
    for k, v in LICENCES.items():
        if name.startswith(k):
            return v
    return ("", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--hardware", required=True, help="where training ran, e.g. '2-core AMD EPYC (CPU)'")
    ap.add_argument("--status", required=True, help="e.g. 'interim: CPU-trained, not the GPU starter model'")
    ap.add_argument("--commands", required=True, help="a file with the commands that produced the model and scores")
    a = ap.parse_args()
    m = a.model
    load = lambda f: json.load(open(os.path.join(m, f)))
    stats, training, scores = load("data-stats.json"), load("training.json"), load("scores.json")
    example = open(os.path.join(m, "example.en.txt"), encoding="utf-8").read()
    cfg, last = training["config"], training["last_log"] or {}
    size = sum(os.path.getsize(os.path.join(m, f)) for f in ("model.bin", "shared_vocabulary.json", "source.spm", "target.spm", "config.json"))

    out = [f"# id-en-starter: Indonesian to English ({a.status})", ""]
    out += ["A small Transformer (Marian architecture) trained from scratch by `scripts/train-starter/run` so that terjemah",
            "works right after cloning, offline. It is what `terjemah translate` uses when no `--model` is given.",
            "It is **not** a production-quality model: see the scores below. For real work use",
            "`scripts/fetch-model.sh opus-mt-id-en` or `nllb-200-distilled-600M` (needs network once).", ""]
    out += ["## Scores (held-out news test: `bmmt-news-test`, 1,954 sentences)", "",
            f"Beam {scores['beam']} (terjemah's default). terjemah computes this model in {scores['default_compute']} by default.", "",
            "| engine | compute | BLEU | chrF | lines differing between the engines |", "|---|---|---|---|---|"]
    for compute, r in scores["by_compute"].items():
        out.append(f"| ctranslate2 4.8.5 (Python wheel) | {compute} | {r['ct2py_bleu']} | {r['ct2py_chrf']} | |")
        if "terjemah_bleu" in r:
            out.append(f"| terjemah translate --lines | {compute} | {r['terjemah_bleu']} | {r['terjemah_chrf']} | "
                       f"{r['lines_differing']} of {scores['sentences']} |")
    out += ["", f"sacrebleu 2.5.1 signatures: `{scores['bleu_signature']}`, `{scores['chrf_signature']}`.",
            "Titles account for most lines that differ in float32: terjemah hands the model a Title Case title in sentence "
            "case and writes its English in Title Case (`--keep-title-case` turns that off), the wheel's script translates "
            "the title as written. Other float32 differences come from summation order; in int8 terjemah's oneDNN "
            "build and the wheel's round differently in places, and beam search flips on such differences while the scores "
            "stay level."]
    out += ["", "Goal for the bundled model: BLEU >= 15 and chrF >= 40 trained on CPU, BLEU >= 25 and chrF >= 50 with a GPU run "
            "(see the recipe's README)."]
    out += [""]
    out += ["## Architecture", "",
            f"transformers `MarianMTModel`, d_model {cfg['d_model']}, {cfg['encoder_layers']} encoder and {cfg['decoder_layers']} decoder layers, "
            f"{cfg['encoder_attention_heads']} heads, FFN {cfg['encoder_ffn_dim']}, ReLU, post-norm, tied embeddings, dropout {cfg['dropout']}, "
            f"{cfg['max_position_embeddings']} positions; {training['parameters'] / 1e6:.1f} M parameters. Vocabulary: one SentencePiece unigram "
            f"model of {cfg['vocab_size'] - 1} pieces for both sides (`source.spm` = `target.spm`). CTranslate2 int8, {size / 1e6:.1f} MB on disk.", ""]
    history = training.get("history") or []
    # A run that trained on from a shipped model counts its steps from that model's, its passes from zero.
    this_run = f" in all, {last['step'] - history[-1]['until_step']:,} in this run" if history and "step" in last else ""
    out += ["## Training", "",
            f"Hardware: {a.hardware}. Optimizer steps: {last.get('step', 0):,}{this_run} ({last.get('epoch', '?')} full passes over the data and part of the next); "
            f"wall time {last.get('minutes', 0) / 60:.1f} h{' (the machine was shared with builds and tests)' if a.hardware.endswith('(CPU)') else ''}. Label-smoothed loss at the end: "
            f"{last.get('loss', float('nan')):.2f}. Exported model: average of the last snapshots {', '.join(training['averaged'])}.", ""]
    if history:
        before = sum(h.get("hours", 0) for h in history)
        out += [f"Trained on from the previous shipped model (up to step {history[-1]['until_step']:,}, {before:.2f} h), "
                f"so {before + last.get('minutes', 0) / 60:.2f} h of training in all.", ""]
    curve = training.get("curve") or []
    header = "Learning curve of this run (single snapshots, held-out dev set, beam 2, float32):"
    if isinstance(curve, dict):  # {"note": how it was measured, "points": [...]}
        header, curve = curve["note"], curve["points"]
    if curve:
        out += [header, "",
                "| step | dev BLEU | dev chrF |", "|---|---|---|"]
        out += [f"| {c['step']:,} | {c['dev_bleu']} | {c['dev_chrf']} |" for c in curve]
        out += [""]
    # Data prepared with source weights (train-extra and later) gets the weight and per-epoch columns.
    weighted = any("weight" in st for st in stats["sources"].values())
    if weighted:
        out += ["## Data", "", "Weight: the pairs' expected passes per epoch (train.py draws a fresh sample of the fractional part "
                "each epoch), so that news and general text stay first.", "",
                "| source | pairs read | pairs kept | weight | pairs per epoch | origin | licence |", "|---|---|---|---|---|---|---|"]
    else:
        out += ["## Data", "", "| source | pairs read | pairs kept | origin | licence |", "|---|---|---|---|---|"]
    for name, st in stats["sources"].items():
        origin, lic = licence(name)
        if weighted:
            out.append(f"| {name} | {st['read']:,} | {st['kept']:,} | {st.get('weight', 1):g} | {st.get('per_epoch', st['kept']):,} | {origin} | {lic} |")
        else:
            out.append(f"| {name} | {st['read']:,} | {st['kept']:,} | {origin} | {lic} |")
    per_epoch = f", {stats['total_per_epoch']:,} of them drawn per epoch" if "total_per_epoch" in stats else ""
    out += ["", f"{stats['total_kept']:,} pairs in all after filtering (empty or identical sides, length ratio > 2.5, lines over 600 "
            f"characters, wrong language by langid restricted to Indonesian/Malay/English, duplicates){per_epoch}. Held out for monitoring: "
            f"{stats['dev']}. The news test set is never read by the recipe's data step.", ""]
    if any(name.startswith("train-extra/") for name in stats["sources"]):
        out += ["The `train-extra/` sources are described in `../shared/data/train-extra/README.md` (repositories, commits, "
                "packages, cleaning). Share-alike, GPL and GFDL terms apply to redistributed copies of that data; keep the "
                "attribution above with any copy.", ""]
    out += ["## Example", "", "`terjemah translate tests/fixtures/articles/000_43c79636b6b3480f.txt --out example-out`, English as a user sees it:", "", "```", example.rstrip(), "```", ""]
    out += ["## Reproduce", "", "```sh", open(a.commands).read().rstrip(), "```", ""]
    with open(os.path.join(m, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    # What `terjemah models` and every translate run show next to the model.
    note = f"{a.status}: BLEU {scores['bleu']}, chrF {scores['chrf']} on news (beam {scores['beam']}); see MODEL_CARD.md"
    with open(os.path.join(m, "terjemah.json"), "w", encoding="utf-8") as f:
        json.dump({"note": note, "languages": "id -> en"}, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.join(m, 'MODEL_CARD.md')}")


if __name__ == "__main__":
    sys.exit(main())
