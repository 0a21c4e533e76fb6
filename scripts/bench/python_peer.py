#!/usr/bin/env python3
"""The common Python way: per article, regex sentence split, SentencePiece encode,
translate_batch on that article's sentences, decode, write the English file.
"""
import argparse
import glob
import json
import os
import re
import time

import ctranslate2
import sentencepiece as spm

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--model", required=True)
ap.add_argument("--input", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--beam", type=int, required=True)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--max-decoding-length", type=int, default=256)
ap.add_argument("--max-input-length", type=int, default=256)
a = ap.parse_args()

SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
sp_src = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "source.spm"))
sp_tgt = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "target.spm"))
tr = ctranslate2.Translator(a.model, device="cpu", compute_type="int8", intra_threads=a.threads)
t0 = time.perf_counter()
n_sent = n_tok = 0
for path in sorted(glob.glob(os.path.join(a.input, "**", "*.txt"), recursive=True)):
    with open(path, encoding="utf-8") as f:
        paragraphs = [l.strip() for l in f.read().split("\n")]
    sents = [(i, s) for i, p in enumerate(paragraphs) if p for s in SPLIT.split(p)]
    res = tr.translate_batch([sp_src.encode(s, out_type=str) + ["</s>"] for _, s in sents],
                             beam_size=a.beam, max_decoding_length=a.max_decoding_length,
                             max_input_length=a.max_input_length)
    out = [[] for _ in paragraphs]
    for (i, _), r in zip(sents, res):
        out[i].append(sp_tgt.decode(r.hypotheses[0]))
        n_tok += len(r.hypotheses[0])
    n_sent += len(sents)
    rel = os.path.relpath(path, a.input)
    dest = os.path.join(a.out, rel[:-4] + ".en.txt")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        f.write("\n".join(" ".join(o) for o in out) + "\n")
print(json.dumps({"sentences": n_sent, "target_tokens": n_tok, "translate_s": time.perf_counter() - t0}))
