#!/usr/bin/env python3
"""The learning curve: dev-set BLEU/chrF of every weight snapshot not yet scored.

Each snapshot in WORK/snapshots is converted alone (export.py --average 1, into a temporary
folder) and translates the held-out dev set (DATA/dev.id: never trained on) with the
ctranslate2 package, beam 2, float32, as terjemah would. Scores are appended to
WORK/curve.json, which export.py copies into the model's training.json and the model card
shows. The news test set is not read here: the curve chooses checkpoints, the test set only
reports the shipped one.

`--model DIR --previous FILE` (what `run import` does): score an exported model (the average of
its run's last snapshots) on the same dev set, in int8, and write the learning curve into its
training.json: the points of the model it was trained on from (FILE: that model's curve, or
null), then this one. The card shows it; no number is typed by hand.
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


def score(model, src, ref, beam, compute="float32"):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(model, "source.spm"))
    tr = ctranslate2.Translator(model, compute_type=compute, intra_threads=1)
    res = tr.translate_batch([sp.encode(s, out_type=str) + ["</s>"] for s in src], beam_size=beam,
                             max_batch_size=2048, batch_type="tokens", max_decoding_length=256)
    hyp = [sp.decode(r.hypotheses[0]) for r in res]
    return round(sacrebleu.corpus_bleu(hyp, [ref]).score, 2), round(sacrebleu.corpus_chrf(hyp, [ref]).score, 2)


def model_point(a, src, ref):
    path = os.path.join(a.model, "training.json")
    info = json.load(open(path))
    bleu, chrf = score(a.model, src, ref, a.beam, compute="int8")
    step = int(info["averaged"][-1].removeprefix("step").removesuffix(".pt"))
    # The run's own minutes, after the hours of the runs it trained on from.
    minutes = sum(h.get("hours", 0) for h in info.get("history") or []) * 60 + (info.get("last_log") or {}).get("minutes", 0)
    previous = json.load(open(a.previous)) if a.previous else None
    # Earlier curves of single snapshots (a list, float32) are not comparable: not carried over.
    points = [p for p in previous["points"] if p["step"] < step] if isinstance(previous, dict) else []
    points.append({"step": step, "minutes": round(minutes, 1), "dev_bleu": bleu, "dev_chrf": chrf})
    info["curve"] = {
        "note": f"Learning curve (each point a model imported or exported by the recipe, the average of its run's last "
                f"snapshots; held-out dev set of {len(src)} news lines, beam {a.beam}, int8, ctranslate2 {ctranslate2.__version__}):",
        "points": points,
    }
    with open(path + ".tmp", "w") as f:
        json.dump(info, f, indent=2)
    os.replace(path + ".tmp", path)
    print(f"{a.model}: step {step}, dev BLEU {bleu} chrF {chrf} ({len(points)} points in its curve)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", help="training folder: score its snapshots not yet scored")
    ap.add_argument("--model", help="instead of --work: an exported model folder, scored as one point of its curve")
    ap.add_argument("--previous", help="with --model: the curve of the model it was trained on from (JSON, may be null)")
    ap.add_argument("--beam", type=int, default=2)
    a = ap.parse_args()
    if bool(a.work) == bool(a.model):
        sys.exit("curve.py: give --work or --model")
    src = [l.rstrip("\n") for l in open(os.path.join(a.data, "dev.id"), encoding="utf-8")]
    ref = [l.rstrip("\n") for l in open(os.path.join(a.data, "dev.en"), encoding="utf-8")]
    if a.model:
        return model_point(a, src, ref)
    path = os.path.join(a.work, "curve.json")
    curve = json.load(open(path)) if os.path.exists(path) else []
    done = {c["snapshot"] for c in curve}
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
