#!/usr/bin/env python3
"""Average the last weight snapshots, save a Hugging Face Marian model, convert it to CTranslate2.

Output layout (same as a converted OPUS-MT model): model.bin, config.json, shared_vocabulary.json,
source.spm, target.spm.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

import torch
from transformers import MarianConfig, MarianMTModel, MarianTokenizer

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--data", required=True, help="folder with spm.model and vocab.json")
ap.add_argument("--work", help="training folder (config.json, snapshots/)")
ap.add_argument("--shards", help="instead of --work: a folder written by train.py --shards-out (weights-*.pt, config.json)")
ap.add_argument("--out", required=True, help="CTranslate2 model folder to write")
ap.add_argument("--average", type=int, default=4, help="average this many last snapshots")
ap.add_argument("--quantization", default="int8")
a = ap.parse_args()

if a.shards:
    from train import read_shards
    avg = read_shards(a.shards)
    if not avg:
        sys.exit(f"{a.shards}: no weights-*.pt shards")
    print(f"read {len(avg)} tensors from the shards in {a.shards}")
    source = a.shards
else:
    if not a.work:
        sys.exit("pass --work (training folder) or --shards")
    snaps = sorted(glob.glob(os.path.join(a.work, "snapshots", "*.pt")))[-a.average:]
    if not snaps:
        sys.exit(f"{a.work}/snapshots: no snapshots to export (train first)")
    avg = None
    for path in snaps:
        sd = torch.load(path, map_location="cpu")
        if avg is None:
            avg = {k: v.clone().double() if v.is_floating_point() else v.clone() for k, v in sd.items()}
        else:
            for k, v in sd.items():
                if v.is_floating_point():
                    avg[k] += v.double()
    avg = {k: (v / len(snaps)).float() if v.is_floating_point() else v for k, v in avg.items()}
    print(f"averaged {len(snaps)} snapshots: {', '.join(os.path.basename(s) for s in snaps)}")
    source = a.work

config = MarianConfig.from_pretrained(source)
model = MarianMTModel(config)
model.load_state_dict(avg)
hf_dir = os.path.join(a.out.rstrip("/") + ".hf")
model.save_pretrained(hf_dir)
for name in ("source.spm", "target.spm"):
    shutil.copy(os.path.join(a.data, "spm.model"), os.path.join(hf_dir, name))
shutil.copy(os.path.join(a.data, "vocab.json"), os.path.join(hf_dir, "vocab.json"))
tok = MarianTokenizer(
    source_spm=os.path.join(hf_dir, "source.spm"), target_spm=os.path.join(hf_dir, "target.spm"),
    vocab=os.path.join(hf_dir, "vocab.json"), eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
    model_max_length=config.max_position_embeddings,
)
tok.save_pretrained(hf_dir)

tmp_out = a.out.rstrip("/") + ".tmp"
shutil.rmtree(tmp_out, ignore_errors=True)
converter = os.path.join(os.path.dirname(sys.executable), "ct2-transformers-converter")
subprocess.run([converter, "--model", hf_dir, "--output_dir", tmp_out,
                "--quantization", a.quantization], check=True)
for name in ("source.spm", "target.spm"):
    shutil.copy(os.path.join(hf_dir, name), os.path.join(tmp_out, name))
# The input limit terjemah reads (the model's positions; longer input is split, never truncated).
with open(os.path.join(tmp_out, "config.json")) as f:
    ct2_config = json.load(f)
ct2_config["max_input_length"] = config.max_position_embeddings
with open(os.path.join(tmp_out, "config.json"), "w") as f:
    json.dump(ct2_config, f, indent=2)
# What the model card reports about training: size, steps, time.
log_path = os.path.join(a.shards or a.work, "log.json")
log = json.load(open(log_path)) if os.path.exists(log_path) else []
# Runs before this one (training on from a shipped model) and the dev-set learning curve.
extra = {}
for name in ("history", "curve"):
    path = os.path.join(a.shards or a.work, name + ".json")
    if os.path.exists(path):
        extra[name] = json.load(open(path))
with open(os.path.join(tmp_out, "training.json"), "w") as f:
    json.dump({
        "parameters": sum(p.numel() for p in model.parameters()),
        "config": {k: getattr(config, k) for k in ("d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                                                    "encoder_ffn_dim", "vocab_size", "dropout", "max_position_embeddings")},
        "averaged": open(os.path.join(a.shards, "averaged.txt")).read().split() if a.shards else [os.path.basename(p) for p in snaps],
        "last_log": log[-1] if log else None,
        **extra,
    }, f, indent=2)
keep = {}
for f in ("MODEL_CARD.md", "terjemah.json", "data-stats.json", "scores.json", "example.en.txt", "levers.md"):
    if os.path.exists(os.path.join(a.out, f)):  # the card and notes of the folder stay
        keep[f] = open(os.path.join(a.out, f), "rb").read()
if os.path.exists(a.out):
    shutil.rmtree(a.out)
os.replace(tmp_out, a.out)
for f, b in keep.items():
    open(os.path.join(a.out, f), "wb").write(b)
shutil.rmtree(hf_dir, ignore_errors=True)
print(f"wrote {a.out}: " + ", ".join(sorted(os.listdir(a.out))))
