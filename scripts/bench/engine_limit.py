#!/usr/bin/env python3
"""Engine limit: the ctranslate2 Python wheel translating pre-tokenized sentences in one call.

Reads the distinct sentences terjemah translated (the `translated` rows of its align.jsonl
files), tokenizes them before the clock starts, and times one translate_batch call with
token-based batches (CTranslate2 sorts by length itself). Prints one JSON line.
"""
import argparse
import glob
import json
import os
import time

import ctranslate2
import sentencepiece as spm

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--model", required=True)
ap.add_argument("--sentences-from", required=True, help="a terjemah output folder (align.jsonl files)")
ap.add_argument("--beam", type=int, required=True)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--max-decoding-length", type=int, default=256)
ap.add_argument("--max-input-length", type=int, default=256)
ap.add_argument("--inter-threads", type=int, default=1)
ap.add_argument("--batch-tokens", type=int, default=2048)
ap.add_argument("--compute-type", default="int8")
a = ap.parse_args()

seen, sents = set(), []
for path in sorted(glob.glob(os.path.join(a.sentences_from, "**", "*.align.jsonl"), recursive=True)):
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["action"] == "translated" and r["source"] not in seen:
                seen.add(r["source"])
                sents.append(r["source"])
sp_src = spm.SentencePieceProcessor(model_file=os.path.join(a.model, "source.spm"))
tokens = [sp_src.encode(s, out_type=str) + ["</s>"] for s in sents]
tr = ctranslate2.Translator(a.model, device="cpu", compute_type=a.compute_type,
                            inter_threads=a.inter_threads, intra_threads=max(1, a.threads // a.inter_threads))
t0 = time.perf_counter()
res = tr.translate_batch(tokens, beam_size=a.beam, max_batch_size=a.batch_tokens, batch_type="tokens",
                         max_decoding_length=a.max_decoding_length, max_input_length=a.max_input_length)
seconds = time.perf_counter() - t0
target_tokens = sum(len(r.hypotheses[0]) for r in res)
print(json.dumps({"sentences": len(sents), "target_tokens": target_tokens, "translate_s": seconds}))
