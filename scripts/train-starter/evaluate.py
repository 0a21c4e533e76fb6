#!/usr/bin/env python3
"""Score a converted model on the held-out news test set with sacrebleu (default settings).

Translates ../shared/data/test/bmmt-news-test.id with the ctranslate2 Python package (the
same tokenization terjemah uses: source pieces + </s>), writes the hypotheses, and prints BLEU
and chrF with their signatures. With --terjemah BIN it also translates through terjemah
(--lines) and reports how many lines differ between the two engines.
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
ap.add_argument("--beam", type=int, default=4)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--terjemah", help="path of the terjemah binary, to compare its output")
ap.add_argument("--float32-lines", type=int, default=300,
                help="also compare both engines in float32 on this many first lines (int8 GEMM differs by backend)")
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)

with open(a.src, encoding="utf-8") as f:
    src = [l.rstrip("\n") for l in f]
with open(a.ref, encoding="utf-8") as f:
    ref = [l.rstrip("\n") for l in f]
sp_src = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "source.spm"))
sp_tgt = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "target.spm"))
tr = ctranslate2.Translator(a.model, device="cpu", compute_type="int8", intra_threads=a.threads)
t0 = time.time()
batch = [sp_src.encode(s, out_type=str) + ["</s>"] for s in src]
res = tr.translate_batch(batch, beam_size=a.beam, max_batch_size=2048, batch_type="tokens",
                         max_decoding_length=256, max_input_length=0)
hyp = [sp_tgt.decode(r.hypotheses[0]) for r in res]
seconds = time.time() - t0
with open(os.path.join(a.out, "hyp.ct2py.en"), "w", encoding="utf-8") as f:
    f.write("\n".join(hyp) + "\n")
bleu = sacrebleu.metrics.BLEU()
chrf = sacrebleu.metrics.CHRF()
b, c = bleu.corpus_score(hyp, [ref]), chrf.corpus_score(hyp, [ref])
scores = {"beam": a.beam, "bleu": round(b.score, 2), "chrf": round(c.score, 2),
          "bleu_signature": str(bleu.get_signature()), "chrf_signature": str(chrf.get_signature()),
          "sentences": len(src), "ct2py_seconds": round(seconds, 1)}
print(f"ctranslate2 (Python), beam {a.beam}: {b}\n  {c}")
if a.terjemah:
    out = os.path.join(a.out, "hyp.terjemah.en")
    subprocess.run([a.terjemah, "translate", "--lines", a.src, "--out", out, "--model", a.model,
                    "--beam", str(a.beam), "--quiet"], check=True)
    with open(out, encoding="utf-8") as f:
        hyp2 = [l.rstrip("\n") for l in f]
    diff = sum(x != y for x, y in zip(hyp, hyp2)) + abs(len(hyp) - len(hyp2))
    b2 = bleu.corpus_score(hyp2, [ref])
    scores.update({"terjemah_bleu": round(b2.score, 2), "terjemah_chrf": round(chrf.corpus_score(hyp2, [ref]).score, 2),
                   "lines_differing_from_ct2py": diff})
    print(f"terjemah --lines, beam {a.beam}: {b2}; {diff} of {len(hyp)} lines differ from the Python engine")
    if a.float32_lines:
        # Same engine code, different int8 GEMM (Ruy here, oneDNN u8s8 in the wheel): float32
        # shows whether terjemah feeds the engine exactly what the Python pipeline does.
        n = min(a.float32_lines, len(src))
        tr32 = ctranslate2.Translator(a.model, device="cpu", compute_type="float32", intra_threads=a.threads)
        res32 = tr32.translate_batch(batch[:n], beam_size=a.beam, max_batch_size=2048, batch_type="tokens",
                                     max_decoding_length=256, max_input_length=0)
        hyp32 = [sp_tgt.decode(r.hypotheses[0]) for r in res32]
        head, out32 = os.path.join(a.out, "head.id"), os.path.join(a.out, "hyp.terjemah.float32.en")
        with open(head, "w", encoding="utf-8") as f:
            f.write("\n".join(src[:n]) + "\n")
        subprocess.run([a.terjemah, "translate", "--lines", head, "--out", out32, "--model", a.model, "--beam", str(a.beam),
                        "--compute-type", "float32", "--no-tm", "--quiet"], check=True)
        with open(out32, encoding="utf-8") as f:
            diff32 = sum(x != y.rstrip("\n") for x, y in zip(hyp32, f))
        scores.update({"float32_lines": n, "float32_lines_differing": diff32})
        print(f"float32, first {n} lines: {diff32} differ between terjemah and the Python engine")
with open(os.path.join(a.out, "scores.json"), "w") as f:
    json.dump(scores, f, indent=2)
