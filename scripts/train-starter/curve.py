#!/usr/bin/env python3
"""The learning curve: dev-set BLEU/chrF of every weight snapshot not yet scored.

Each snapshot in WORK/snapshots is converted alone (export.py --average 1, into a temporary
folder) and translates the held-out dev set (DATA/dev.id: never trained on) with the
ctranslate2 package, beam 2, float32, as terjemah would. Scores are appended to
WORK/curve.json, which export.py copies into the model's training.json and the model card
shows. The news test set is not read here: the curve chooses checkpoints, the test set only
reports the shipped one.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import ctranslate2
import sacrebleu
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))


def score(model, src, ref, beam):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(model, "source.spm"))
    tr = ctranslate2.Translator(model, compute_type="float32", intra_threads=1)
    res = tr.translate_batch([sp.encode(s, out_type=str) + ["</s>"] for s in src], beam_size=beam,
                             max_batch_size=2048, batch_type="tokens", max_decoding_length=256)
    hyp = [sp.decode(r.hypotheses[0]) for r in res]
    return round(sacrebleu.corpus_bleu(hyp, [ref]).score, 2), round(sacrebleu.corpus_chrf(hyp, [ref]).score, 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--beam", type=int, default=2)
    a = ap.parse_args()
    path = os.path.join(a.work, "curve.json")
    curve = json.load(open(path)) if os.path.exists(path) else []
    done = {c["snapshot"] for c in curve}
    src = [l.rstrip("\n") for l in open(os.path.join(a.data, "dev.id"), encoding="utf-8")]
    ref = [l.rstrip("\n") for l in open(os.path.join(a.data, "dev.en"), encoding="utf-8")]
    log = json.load(open(os.path.join(a.work, "log.json"))) if os.path.exists(os.path.join(a.work, "log.json")) else []
    for snap in sorted(glob.glob(os.path.join(a.work, "snapshots", "*.pt"))):
        name = os.path.basename(snap)
        if name in done:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "ckpt", "snapshots"))
            os.symlink(os.path.abspath(snap), os.path.join(tmp, "ckpt", "snapshots", name))
            for f in ("config.json",):
                os.symlink(os.path.abspath(os.path.join(a.work, f)), os.path.join(tmp, "ckpt", f))
            p = subprocess.run([sys.executable, os.path.join(HERE, "export.py"), "--data", a.data, "--work", os.path.join(tmp, "ckpt"),
                            "--average", "1", "--out", os.path.join(tmp, "model")], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"export of {name} failed:\n{p.stderr[-2000:]}")
            bleu, chrf = score(os.path.join(tmp, "model"), src, ref, a.beam)
        step = int(name.removeprefix("step").removesuffix(".pt"))
        minutes = max((e["minutes"] for e in log if e["step"] <= step), default=None)
        curve.append({"snapshot": name, "step": step, "dev_bleu": bleu, "dev_chrf": chrf, "minutes_this_run": minutes})
        curve.sort(key=lambda c: c["step"])
        with open(path + ".tmp", "w") as f:
            json.dump(curve, f, indent=2)
        os.replace(path + ".tmp", path)
        print(f"{name}: dev BLEU {bleu} chrF {chrf}", flush=True)


if __name__ == "__main__":
    main()
