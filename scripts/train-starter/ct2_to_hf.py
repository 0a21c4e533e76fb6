#!/usr/bin/env python3
"""Rebuild the PyTorch MarianMTModel of a shipped CTranslate2 starter model, to train on from it.

A new machine has no training checkpoint, only `models/id-en-starter` (model.bin, int8 or float).
This reads model.bin, dequantizes the weights (int8 rows times 1/scale) and maps them back onto
`MarianMTModel`'s parameters: the inverse of ctranslate2's MarianMTLoader (fused QKV split into
q/k/v, the `<pad>` row the converter dropped put back as zeros, which is exactly the vector the
engine starts the decoder from). Writes config.json (the training folder's) and init.pt (a state
dict) for `train.py --init`.

`--check N` translates N dev sentences greedily with the rebuilt PyTorch model and with the
CTranslate2 model and prints how many outputs are identical: the round trip is right when all are.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
from transformers import MarianConfig, MarianMTModel

# CTranslate2's DataType enum (include/ctranslate2/types.h).
DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_model_bin(path):
    """Variables of a CTranslate2 model.bin (binary version >= 5) as numpy arrays, aliases resolved."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(n):
        nonlocal pos
        pos += n
        return data[pos - n:pos]

    def u32():
        return struct.unpack("<I", take(4))[0]

    def string():
        n = struct.unpack("<H", take(2))[0]
        return take(n)[:-1].decode()

    version = u32()
    if version < 5:
        sys.exit(f"{path}: model.bin version {version} is too old (convert with ctranslate2 >= 3)")
    spec, _revision = string(), u32()
    if spec != "TransformerSpec":
        sys.exit(f"{path}: a {spec} model; only Transformer encoder-decoder models can be rebuilt")
    out = {}
    for _ in range(u32()):
        name = string()
        rank = take(1)[0]
        dims = [u32() for _ in range(rank)]
        dtype = take(1)[0]
        nbytes = u32()
        raw = take(nbytes)
        if dtype == 5:  # bfloat16: widen through the upper half of a float32
            arr = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[dtype])
        out[name] = arr.reshape(dims) if dims else arr
    for _ in range(u32()):
        alias, target = string(), string()
        out[alias] = out[target]
    return out


def weight(v, name):
    """A linear or embedding weight in float32, dequantized when stored as int8/int16."""
    w = v[name + "/weight"]
    if w.dtype in (np.int8, np.int16):
        scale = v[name + "/weight_scale"].astype(np.float32)
        return w.astype(np.float32) / scale.reshape(-1, 1)
    return w.astype(np.float32)


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def hf_state(v, enc_layers, dec_layers):
    """Map CTranslate2 TransformerSpec variables to MarianMTModel state-dict keys."""
    sd = {}

    def linear(hf, ct2, rows=None):
        w, b = weight(v, ct2), v[ct2 + "/bias"].astype(np.float32)
        if rows is not None:
            w, b = w[rows], b[rows]
        sd[hf + ".weight"], sd[hf + ".bias"] = t(w), t(b)

    def norm(hf, ct2):
        sd[hf + ".weight"], sd[hf + ".bias"] = t(v[ct2 + "/gamma"]), t(v[ct2 + "/beta"])

    def qkv(hf, ct2, d):
        for i, p in enumerate(("q_proj", "k_proj", "v_proj")):
            linear(f"{hf}.{p}", ct2, slice(i * d, (i + 1) * d))

    d = v["encoder/layer_0/self_attention/layer_norm/gamma"].shape[0]
    layers = [("encoder", i) for i in range(enc_layers)] + [("decoder", i) for i in range(dec_layers)]
    for stack, i in layers:
        hf, ct = f"model.{stack}.layers.{i}", f"{stack}/layer_{i}"
        qkv(hf + ".self_attn", ct + "/self_attention/linear_0", d)
        linear(hf + ".self_attn.out_proj", ct + "/self_attention/linear_1")
        norm(hf + ".self_attn_layer_norm", ct + "/self_attention/layer_norm")
        if stack == "decoder":  # cross-attention: q alone, k and v fused
            linear(hf + ".encoder_attn.q_proj", ct + "/attention/linear_0")
            linear(hf + ".encoder_attn.k_proj", ct + "/attention/linear_1", slice(0, d))
            linear(hf + ".encoder_attn.v_proj", ct + "/attention/linear_1", slice(d, 2 * d))
            linear(hf + ".encoder_attn.out_proj", ct + "/attention/linear_2")
            norm(hf + ".encoder_attn_layer_norm", ct + "/attention/layer_norm")
        linear(hf + ".fc1", ct + "/ffn/linear_0")
        linear(hf + ".fc2", ct + "/ffn/linear_1")
        norm(hf + ".final_layer_norm", ct + "/ffn/layer_norm")
    # The converter dropped the last row (<pad>); the engine starts the decoder from a zero
    # vector in its place, so zeros reproduce the engine exactly.
    emb = weight(v, "decoder/embeddings")
    emb = np.concatenate([emb, np.zeros((1, emb.shape[1]), np.float32)])
    for k in ("model.shared", "model.encoder.embed_tokens", "model.decoder.embed_tokens", "lm_head"):
        sd[k + ".weight"] = t(emb)
    if "decoder/projection/bias" in v:
        bias = np.concatenate([v["decoder/projection/bias"].astype(np.float32), [-1e4]])
        sd["final_logits_bias"] = t(bias).reshape(1, -1)
    return sd


def check(model_dir, model, spm_path, dev_src, n):
    import ctranslate2
    import sentencepiece as spm_

    sp = spm_.SentencePieceProcessor(model_file=spm_path)
    lines = [l.rstrip("\n") for l in open(dev_src, encoding="utf-8")][:n]
    tr = ctranslate2.Translator(model_dir, compute_type="float32")
    pieces = [sp.encode(l, out_type=str) + ["</s>"] for l in lines]
    ct2_out = [r.hypotheses[0] for r in tr.translate_batch(pieces, beam_size=1, max_decoding_length=128)]
    model.eval()
    same = 0
    with torch.no_grad():
        for line, ref in zip(lines, ct2_out):
            ids = torch.tensor([sp.encode(line) + [sp.eos_id()]])
            gen = model.generate(ids, num_beams=1, do_sample=False, max_new_tokens=128)[0].tolist()
            hyp = [sp.id_to_piece(i) for i in gen[1:] if i not in (sp.eos_id(), model.config.pad_token_id)]
            same += hyp == ref
    print(f"check: {same} of {len(lines)} greedy outputs identical (PyTorch rebuilt vs CTranslate2)")
    return same == len(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True, help="CTranslate2 model folder (model.bin, training.json)")
    ap.add_argument("--out", required=True, help="training folder to write config.json and init.pt into")
    ap.add_argument("--check", type=int, default=0, help="compare greedy outputs on this many --dev lines")
    ap.add_argument("--dev", help="Indonesian dev sentences for --check")
    a = ap.parse_args()

    info = json.load(open(os.path.join(a.model, "training.json")))
    c = info["config"]
    v = read_model_bin(os.path.join(a.model, "model.bin"))
    vocab = v["decoder/embeddings/weight"].shape[0] + 1
    if vocab != c["vocab_size"]:
        sys.exit(f"{a.model}: model.bin has {vocab - 1}+1 tokens, training.json says {c['vocab_size']}")
    pad = vocab - 1
    import sentencepiece as spm_
    eos = spm_.SentencePieceProcessor(model_file=os.path.join(a.model, "source.spm")).eos_id()
    config = MarianConfig(
        vocab_size=vocab, decoder_vocab_size=vocab, d_model=c["d_model"],
        encoder_layers=c["encoder_layers"], decoder_layers=c["decoder_layers"],
        encoder_attention_heads=c["encoder_attention_heads"], decoder_attention_heads=c["encoder_attention_heads"],
        encoder_ffn_dim=c["encoder_ffn_dim"], decoder_ffn_dim=c["encoder_ffn_dim"], activation_function="relu",
        dropout=c["dropout"], attention_dropout=0.0, activation_dropout=0.0,
        max_position_embeddings=c["max_position_embeddings"], scale_embedding=True,
        share_encoder_decoder_embeddings=True, pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad,
        forced_eos_token_id=eos, num_beams=4, max_length=256,
    )
    model = MarianMTModel(config)
    sd = hf_state(v, c["encoder_layers"], c["decoder_layers"])
    missing, unexpected = model.load_state_dict(sd, strict=False)
    # Sinusoidal position tables are computed by the model itself, not learned.
    missing = [k for k in missing if "embed_positions" not in k and k != "final_logits_bias"]
    if missing or unexpected:
        sys.exit(f"rebuild mismatch: missing {missing}, unexpected {unexpected}")
    os.makedirs(a.out, exist_ok=True)
    config.save_pretrained(a.out)
    step = (info.get("last_log") or {}).get("step", 0)
    averaged = info.get("averaged") or []
    if averaged:  # the newest averaged snapshot's step (step00003828.pt) is where training stood
        step = max(step, int(averaged[-1].removeprefix("step").removesuffix(".pt")))
    # The runs that produced this model (earlier ones, then the one that exported it: its log's
    # minutes count from its own start), for the card's training history.
    last = info.get("last_log") or {}
    history = (info.get("history") or []) + [{"until_step": step, "hours": round(last.get("minutes", 0) / 60, 2)}]
    torch.save({"model": model.state_dict(), "step": step, "from": os.path.abspath(a.model), "history": history},
               os.path.join(a.out, "init.pt"))
    print(f"rebuilt {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters from {a.model} "
          f"(step {step}) into {a.out}/init.pt")
    if a.check:
        if not a.dev:
            sys.exit("--check needs --dev FILE")
        ok = check(a.model, model, os.path.join(a.model, "source.spm"), a.dev, a.check)
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
