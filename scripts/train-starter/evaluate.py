#!/usr/bin/env python3
"""Score a converted model on the held-out news test set with sacrebleu (default settings).

Translates ../shared/data/test/bmmt-news-test.id with the ctranslate2 Python package (the
same tokenization terjemah uses: source pieces + </s>) in int8 and in float32, scores each with
sacrebleu's defaults, and with --terjemah BIN does the same through `terjemah translate --lines`
with the same compute type, reporting how many lines differ between the two engines.
The headline score is terjemah's default compute type for this model (float32 for small
models in the OpenBLAS build).
"""
import argparse
import json
import os
import subprocess
import time

import ctranslate2
import sacrebleu
import sentencepiece as spm

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--model", required=True)
ap.add_argument("--src", required=True)
ap.add_argument("--ref", required=True)
ap.add_argument("--out", required=True, help="folder for hypotheses and scores.json")
ap.add_argument("--beam", type=int, default=2, help="default: terjemah's default beam (chosen by scripts/bench/levers)")
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--terjemah", help="path of the terjemah binary, to compare its output")
ap.add_argument("--default-compute", default="float32", help="terjemah's default compute type for this model (the headline score)")
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)

with open(a.src, encoding="utf-8") as f:
    src = [l.rstrip("\n") for l in f]
with open(a.ref, encoding="utf-8") as f:
    ref = [l.rstrip("\n") for l in f]
sp_src = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "source.spm"))
sp_tgt = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "target.spm"))
batch = [sp_src.encode(s, out_type=str) + ["</s>"] for s in src]
bleu, chrf = sacrebleu.metrics.BLEU(), sacrebleu.metrics.CHRF()
scores = {"beam": a.beam, "sentences": len(src), "default_compute": a.default_compute, "by_compute": {}}
for compute in ("int8", "float32"):
    tr = ctranslate2.Translator(a.model, device="cpu", compute_type=compute, intra_threads=a.threads)
    t0 = time.time()
    res = tr.translate_batch(batch, beam_size=a.beam, max_batch_size=2048, batch_type="tokens",
                             max_decoding_length=256, max_input_length=0)
    hyp = [sp_tgt.decode(r.hypotheses[0]) for r in res]
    seconds = time.time() - t0
    with open(os.path.join(a.out, f"hyp.ct2py.{compute}.en"), "w", encoding="utf-8") as f:
        f.write("\n".join(hyp) + "\n")
    b, c = bleu.corpus_score(hyp, [ref]), chrf.corpus_score(hyp, [ref])
    row = {"ct2py_bleu": round(b.score, 2), "ct2py_chrf": round(c.score, 2), "ct2py_seconds": round(seconds, 1)}
    print(f"ctranslate2 (Python), {compute}, beam {a.beam}: {b}\n  {c}")
    if a.terjemah:
        out = os.path.join(a.out, f"hyp.terjemah.{compute}.en")
        subprocess.run([a.terjemah, "translate", "--lines", a.src, "--out", out, "--model", a.model, "--beam", str(a.beam),
                        "--compute-type", compute, "--no-tm", "--quiet"], check=True)
        with open(out, encoding="utf-8") as f:
            hyp2 = [l.rstrip("\n") for l in f]
        diff = sum(x != y for x, y in zip(hyp, hyp2)) + abs(len(hyp) - len(hyp2))
        b2, c2 = bleu.corpus_score(hyp2, [ref]), chrf.corpus_score(hyp2, [ref])
        row.update({"terjemah_bleu": round(b2.score, 2), "terjemah_chrf": round(c2.score, 2), "lines_differing": diff})
        print(f"terjemah --lines, {compute}, beam {a.beam}: {b2}; {diff} of {len(hyp)} lines differ from the Python engine")
    scores["by_compute"][compute] = row
head = scores["by_compute"][a.default_compute]
scores.update({"bleu": head.get("terjemah_bleu", head["ct2py_bleu"]), "chrf": head.get("terjemah_chrf", head["ct2py_chrf"]),
               "bleu_signature": str(bleu.get_signature()), "chrf_signature": str(chrf.get_signature())})
with open(os.path.join(a.out, "scores.json"), "w") as f:
    json.dump(scores, f, indent=2)
