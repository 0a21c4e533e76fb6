#!/usr/bin/env python3
"""Train the starter Indonesian->English Transformer (transformers MarianMTModel, from scratch).

Resumable: model, optimizer, schedule and data position are saved to WORK/last.pt every
--save-minutes (atomically), and weight snapshots for checkpoint averaging to WORK/snapshots/.
Runs on CPU or CUDA; --minutes bounds one invocation so it can be re-run until done.
"""
import argparse
import glob
import gzip
import json
import math
import os
import random
import shutil
import time

import sentencepiece as spm
import torch
import torch.nn.functional as F
from transformers import MarianConfig, MarianMTModel


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="folder with train.id, train.en, spm.model, dev.id, dev.en")
    ap.add_argument("--work", required=True, help="checkpoint folder (created; resumed when present)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget of this invocation")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many updates (0: no limit)")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    ap.add_argument("--batch-tokens", type=int, default=0, help="padded tokens per batch (0: 2500 CPU, 16000 CUDA)")
    ap.add_argument("--lr", type=float, default=0.0, help="peak learning rate (0: 7e-4)")
    ap.add_argument("--warmup", type=int, default=0, help="warm-up updates (0: 1500 CPU, 2000 CUDA)")
    # Architecture: 0 takes the preset of the device. CPU: d256, 3+3 layers (what two cores can
    # train). CUDA: d512, 6 encoder + 3 decoder layers (a deep encoder and shallow decoder keep
    # CPU inference fast; about 36 MB in int8), dropout 0.3 against over-fitting ~75k pairs.
    ap.add_argument("--d-model", type=int, default=0)
    ap.add_argument("--ffn", type=int, default=0)
    ap.add_argument("--heads", type=int, default=0)
    ap.add_argument("--enc-layers", type=int, default=0)
    ap.add_argument("--dec-layers", type=int, default=0)
    ap.add_argument("--dropout", type=float, default=-1.0)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--max-len", type=int, default=128, help="drop training pairs longer than this (tokens)")
    ap.add_argument("--save-minutes", type=float, default=5.0)
    ap.add_argument("--keep-snapshots", type=int, default=6, help="weight snapshots kept for averaging")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shards-out", help="when done: write the average of the last --average snapshots as fp16 "
                    "shards under 15 MiB with config.json here (to bring weights back from a GPU machine)")
    ap.add_argument("--average", type=int, default=4)
    ap.add_argument("--profile-steps", type=int, default=0,
                    help="profile this many steps after 200 of warm-up and print the top operations (torch.profiler)")
    ap.add_argument("--init", help="start from this state dict (ct2_to_hf.py's init.pt: the shipped model) "
                    "when the work folder has no checkpoint yet; the schedule goes on from its step")
    ap.add_argument("--rewarm", type=int, default=300,
                    help="with --init: updates over which the learning rate ramps up again (fresh optimizer)")
    return ap.parse_args()


def preset(a, cuda):
    p = dict(d_model=512, ffn=2048, heads=8, enc_layers=6, dec_layers=3, dropout=0.3) if cuda else \
        dict(d_model=256, ffn=1024, heads=4, enc_layers=3, dec_layers=3, dropout=0.1)
    for k, v in p.items():
        if getattr(a, k) in (0, -1.0):
            setattr(a, k, v)


def write_shards(work, out, average, limit=15 * 2**20):
    """Average the last snapshots and write them as torch files under `limit` bytes each.

    The device tool brings back at most 8 files and 64 MiB, and the CUDA preset has 36 M
    parameters (72 MB in fp16). So tied tensors are written once, and matrices as int8 with one
    scale per row: the rounding CTranslate2's int8 conversion applies anyway (it re-quantizes the
    same rows to the same integers), so the shipped int8 model loses nothing; small tensors
    (biases, norms) stay fp32.
    """
    snaps = sorted(glob.glob(os.path.join(work, "snapshots", "*.pt")))[-average:]
    avg, tied = None, {}
    for p in snaps:
        sd = torch.load(p, map_location="cpu")
        if avg is None:
            first = {}
            for k, v in sd.items():  # tied weights share storage in the loaded state dict
                key = (v.data_ptr(), v.shape, v.dtype)
                if key in first:
                    tied[k] = first[key]
                else:
                    first[key] = k
            avg = {k: v.double() if v.is_floating_point() else v.clone() for k, v in sd.items() if k not in tied}
        else:
            for k in avg:
                if avg[k].is_floating_point():
                    avg[k] += sd[k].double()
    os.makedirs(out, exist_ok=True)
    shard, size, n = {"__tied__": tied}, 0, 0
    for k, v in avg.items():
        if v.is_floating_point():
            v = (v / len(snaps)).float()
            if v.dim() == 2 and v.numel() >= 4096:
                scale = v.abs().amax(dim=1, keepdim=True) / 127
                q = torch.where(scale > 0, torch.round(v / scale.clamp_min(1e-30)), torch.zeros_like(v))
                v = {"int8": q.to(torch.int8), "scale": scale}
        b = sum(t.numel() * t.element_size() for t in (v.values() if isinstance(v, dict) else [v]))
        if len(shard) > 1 and size + b > limit * 0.9:
            torch.save(shard, os.path.join(out, f"weights-{n:03d}.pt"))
            shard, size, n = {}, 0, n + 1
        shard[k] = v
        size += b
    torch.save(shard, os.path.join(out, f"weights-{n:03d}.pt"))
    for f in ("config.json", "log.json", "history.json", "curve.json"):
        if os.path.exists(os.path.join(work, f)):
            shutil.copy(os.path.join(work, f), os.path.join(out, f))
    with open(os.path.join(out, "averaged.txt"), "w") as f:
        f.write("\n".join(os.path.basename(p) for p in snaps) + "\n")
    print(f"wrote {n + 1} shards to {out} (average of {len(snaps)} snapshots)")


def read_shards(folder):
    """The fp32 state dict that write_shards wrote (int8 rows scaled back, tied tensors restored)."""
    sd, tied = {}, {}
    for path in sorted(glob.glob(os.path.join(folder, "weights-*.pt"))):
        for k, v in torch.load(path, map_location="cpu").items():
            if k == "__tied__":
                tied.update(v)
            elif isinstance(v, dict):
                sd[k] = v["int8"].float() * v["scale"]
            else:
                sd[k] = v.float() if v.is_floating_point() else v
    for k, src in tied.items():
        sd[k] = sd[src]
    return sd


def open_text(data, name):
    """DATA/NAME, or DATA/NAME.gz (what `run gpu-command` carries to a GPU machine)."""
    path = os.path.join(data, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def load_corpus(data, sp, max_len):
    """The encoded pairs (without those over max_len tokens) and the source name of each.

    Sources come from train.src (prepare_data.py: one line per run of lines from one source,
    COUNT<TAB>NAME); data prepared without it counts as one source.
    """
    pairs = []
    with open_text(data, "train.id") as fs, open_text(data, "train.en") as ft:
        for s, t in zip(fs, ft):
            pairs.append((s.rstrip("\n"), t.rstrip("\n")))
    names = [""] * len(pairs)
    if os.path.exists(os.path.join(data, "train.src")):
        names = []
        with open(os.path.join(data, "train.src"), encoding="utf-8") as f:
            for line in f:
                count, name = line.rstrip("\n").split("\t", 1)
                names += [name] * int(count)
        if len(names) != len(pairs):
            raise SystemExit(f"{data}/train.src: {len(names)} lines for {len(pairs)} pairs")
    eos = sp.eos_id()
    src = sp.encode([p[0] for p in pairs])
    tgt = sp.encode([p[1] for p in pairs])
    keep = [i for i, (a, b) in enumerate(zip(src, tgt)) if 0 < len(a) < max_len and 0 < len(b) < max_len]
    return [(src[i] + [eos], tgt[i] + [eos]) for i in keep], [names[i] for i in keep]


def source_weights(data):
    """Each source's weight (expected passes per epoch) from stats.json; 1 where none is recorded."""
    path = os.path.join(data, "stats.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {name: st.get("weight", 1) for name, st in json.load(f)["sources"].items()}


def epoch_items(names, weights, rng):
    """Indices of one epoch's pairs: every pair int(weight) times, plus a fresh random sample of
    round(fraction * pairs) of its source's pairs. None when every weight is 1 (each pair once)."""
    if all(weights.get(n, 1) == 1 for n in set(names)):
        return None
    by_source = {}
    for i, n in enumerate(names):
        by_source.setdefault(n, []).append(i)
    items = []
    for n in sorted(by_source):
        idx, w = by_source[n], weights.get(n, 1)
        whole, frac = int(w), w - int(w)
        items += idx * whole
        if frac > 0:
            items += rng.sample(idx, round(frac * len(idx)))
    return items


def make_batches(corpus, batch_tokens, rng, items=None):
    """Length-bucketed batches of at most batch_tokens padded tokens, in random order.

    items: the corpus indices of this epoch (repeats allowed); default every pair once."""
    order = sorted(range(len(corpus)) if items is None else items,
                   key=lambda i: (len(corpus[i][0]) + rng.random(), len(corpus[i][1])))
    batches, cur, width = [], [], 0
    for i in order:
        w = max(width, len(corpus[i][0]), len(corpus[i][1]))
        if cur and w * (len(cur) + 1) > batch_tokens:
            batches.append(cur)
            cur, w = [], max(len(corpus[i][0]), len(corpus[i][1]))
        cur.append(i)
        width = w
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(corpus, idx, pad, device):
    src = [corpus[i][0] for i in idx]
    tgt = [corpus[i][1] for i in idx]
    # On CUDA, widths rounded up to a multiple of 8: fewer distinct shapes, fewer kernel plans.
    multiple = 8 if device.type == "cuda" else 1
    ls, lt = (-(-max(map(len, seqs)) // multiple) * multiple for seqs in (src, tgt))
    x = torch.full((len(idx), ls), pad, dtype=torch.long)
    y = torch.full((len(idx), lt), -100, dtype=torch.long)
    d = torch.full((len(idx), lt), pad, dtype=torch.long)  # decoder starts from <pad>, Marian style
    for k, (a, b) in enumerate(zip(src, tgt)):
        x[k, : len(a)] = torch.tensor(a)
        y[k, : len(b)] = torch.tensor(b)
        d[k, 1 : len(b)] = torch.tensor(b[:-1])
    ntok = int((y != -100).sum())  # counted here, on the CPU: no GPU sync per step
    if device.type == "cuda":  # pinned memory lets the copies overlap the previous step
        return (*(t.pin_memory().to(device, non_blocking=True) for t in (x, x != pad, d, y)), ntok)
    return x, x != pad, d, y, ntok


def zero_start_row(model, pad):
    """Keep the <pad> embedding row, which starts the decoder, at zero.

    CTranslate2 (like Marian) starts the decoder from a zero vector and the converter drops this
    row. The output layer is tied to the embeddings, so without this the row receives gradient
    through the softmax and weight decay, drifts away from zero, and the converted model starts
    every sentence from a vector it never saw in training (lost or garbled first words).
    """
    with torch.no_grad():
        model.get_input_embeddings().weight[pad].zero_()


def lr_at(step, peak, warmup):
    # Linear warm-up, then inverse square root decay (Vaswani et al.).
    step = max(step, 1)
    return peak * min(step / warmup, math.sqrt(warmup / step))


def atomic_save(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main():
    a = parse_args()
    cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
    device = torch.device("cuda" if cuda else "cpu")
    if a.threads:
        torch.set_num_threads(a.threads)
    preset(a, cuda)
    batch_tokens = a.batch_tokens or (16000 if cuda else 2500)
    peak = a.lr or 7e-4
    warmup = a.warmup or (2000 if cuda else 1500)

    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.data, "spm.model"))
    V = sp.get_piece_size()
    pad = V  # Marian convention: one extra last row, <pad>, which also starts the decoder
    os.makedirs(os.path.join(a.work, "snapshots"), exist_ok=True)
    cfg_path = os.path.join(a.work, "config.json")
    if os.path.exists(cfg_path):
        config = MarianConfig.from_pretrained(a.work)
    else:
        config = MarianConfig(
            vocab_size=V + 1, decoder_vocab_size=V + 1, d_model=a.d_model,
            encoder_layers=a.enc_layers, decoder_layers=a.dec_layers,
            encoder_attention_heads=a.heads, decoder_attention_heads=a.heads,
            encoder_ffn_dim=a.ffn, decoder_ffn_dim=a.ffn, activation_function="relu",
            dropout=a.dropout, attention_dropout=0.0, activation_dropout=0.0,
            max_position_embeddings=256, scale_embedding=True, share_encoder_decoder_embeddings=True,
            pad_token_id=pad, eos_token_id=sp.eos_id(), decoder_start_token_id=pad,
            forced_eos_token_id=sp.eos_id(), num_beams=4, max_length=256,
        )
        config.save_pretrained(a.work)
    torch.manual_seed(a.seed)
    if cuda and hasattr(torch.backends.cuda, "enable_cudnn_sdp"):
        # --profile-steps on an H100 (20 steps at step 3,523, batch 24,000): the GPU was busy 36 ms of
        # a 361 ms step, and cuDNN's attention spent 7 ms of CPU per call planning for each new
        # (batch, length) shape, 65% of the step. The memory-efficient kernel plans nothing.
        torch.backends.cuda.enable_cudnn_sdp(False)
    model = MarianMTModel(config).to(device)
    # fused: the update in a few kernels on CUDA instead of a loop over 181 tensors (4.2 ms a step).
    opt = torch.optim.AdamW(model.parameters(), lr=peak, betas=(0.9, 0.98), eps=1e-9, weight_decay=1e-4,
                            **({"fused": True} if cuda else {}))
    state = {"step": 0, "epoch": 0, "batch": 0, "seconds": 0.0, "log": []}
    last = os.path.join(a.work, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location=device, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        print(f"resumed at step {state['step']} (epoch {state['epoch']}, {state['seconds'] / 60:.1f} min trained)")
    elif a.init:
        init = torch.load(a.init, map_location=device, weights_only=False)
        model.load_state_dict(init["model"])
        state["step"] = state["init_step"] = init["step"]
        with open(os.path.join(a.work, "history.json"), "w") as f:
            json.dump(init.get("history", []), f, indent=2)
        print(f"initialised from {a.init} ({init.get('from', '?')}), step {init['step']}")
    zero_start_row(model, pad)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"device {device}, {n_params / 1e6:.1f}M parameters, vocab {V}+1, batch {batch_tokens} tokens, "
          f"lr {peak} warm-up {warmup}, threads {torch.get_num_threads()}", flush=True)

    t_load = time.time()
    corpus, names = load_corpus(a.data, sp, a.max_len)
    weights = source_weights(a.data)
    drawn = epoch_items(names, weights, random.Random(0))
    print(f"{len(corpus)} training pairs" + ("" if drawn is None else f", {len(drawn)} drawn per epoch by the source "
          f"weights of stats.json") + f" (read and encoded in {time.time() - t_load:.1f} s)", flush=True)
    amp = torch.autocast("cuda", dtype=torch.bfloat16) if cuda else torch.autocast("cpu", enabled=False)

    def save(snapshot):
        atomic_save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state}, last)
        if snapshot:
            snap = os.path.join(a.work, "snapshots", f"step{state['step']:08d}.pt")
            atomic_save(model.state_dict(), snap)
            snaps = sorted(os.listdir(os.path.join(a.work, "snapshots")))
            for old in snaps[: -a.keep_snapshots]:
                os.remove(os.path.join(a.work, "snapshots", old))
        with open(os.path.join(a.work, "log.json"), "w") as f:
            json.dump(state["log"], f)

    # --profile-steps: where a step's time goes (kernels, copies, Python), after a warm-up.
    profiler, profile_from, profile_t0 = None, state["step"] + 200, 0.0
    if a.profile_steps:
        activities = [torch.profiler.ProfilerActivity.CPU] + ([torch.profiler.ProfilerActivity.CUDA] if cuda else [])
        profiler = torch.profiler.profile(activities=activities)
    t0 = time.time()  # this invocation's budget
    start = t0  # trained seconds not yet added to state["seconds"]
    last_save = t0
    window_loss, window_tok, window_t = 0.0, 0, time.time()
    model.train()
    done = False
    while not done:
        rng = random.Random(a.seed * 1000 + state["epoch"])  # same batches when resuming an epoch
        # The epoch's sample by source weight, from its own generator (same sample when resuming).
        items = epoch_items(names, weights, random.Random(f"{a.seed}-{state['epoch']}"))
        batches = make_batches(corpus, batch_tokens, rng, items)
        while state["batch"] < len(batches):
            idx = batches[state["batch"]]
            if profiler is not None and state["step"] == profile_from:
                profiler.start()
                profile_t0 = time.time()
            x, m, d, y, ntok = collate(corpus, idx, pad, device)
            lr = lr_at(state["step"] + 1, peak, warmup)
            if "init_step" in state:  # a fresh optimizer on trained weights: ramp up again
                lr *= min(1.0, (state["step"] + 1 - state["init_step"]) / a.rewarm)
            for g in opt.param_groups:
                g["lr"] = lr
            with amp:
                logits = model(input_ids=x, attention_mask=m, decoder_input_ids=d).logits
            loss = F.cross_entropy(logits.float().view(-1, logits.size(-1)), y.view(-1),
                                   ignore_index=-100, label_smoothing=a.label_smoothing, reduction="sum")
            opt.zero_grad(set_to_none=True)
            (loss / ntok).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            zero_start_row(model, pad)
            state["step"] += 1
            state["batch"] += 1
            window_loss += loss.detach()  # a tensor: read (one sync) only when logged
            window_tok += ntok
            if profiler is not None and state["step"] > profile_from:
                profiler.step()
                if state["step"] == profile_from + a.profile_steps:
                    if cuda:
                        torch.cuda.synchronize()
                    per_step = (time.time() - profile_t0) / a.profile_steps
                    profiler.stop()
                    print(f"profiled {a.profile_steps} steps: {per_step * 1000:.1f} ms a step (wall, with the profiler)", flush=True)
                    print(profiler.key_averages().table(sort_by="self_cuda_time_total" if cuda else "self_cpu_time_total",
                                                        row_limit=20), flush=True)
                    profiler = None
            now = time.time()
            if state["step"] % 100 == 0:
                rate = window_tok / (now - window_t)
                entry = {"step": state["step"], "epoch": state["epoch"], "loss": float(window_loss) / window_tok,
                         "tok_per_s": rate, "minutes": (state["seconds"] + now - start) / 60}
                state["log"].append(entry)
                print(json.dumps(entry), flush=True)
                window_loss, window_tok, window_t = 0.0, 0, now
            out_of_time = now - t0 > a.minutes * 60 or (a.max_steps and state["step"] >= a.max_steps)
            if now - last_save > a.save_minutes * 60 or out_of_time:
                state["seconds"] += now - start
                start = now
                save(snapshot=True)
                last_save = now
            if out_of_time:
                done = True
                break
        else:
            state["epoch"] += 1
            state["batch"] = 0
    print(f"stopped at step {state['step']}, epoch {state['epoch']}, {state['seconds'] / 60:.1f} min in all")
    if a.shards_out:
        write_shards(a.work, a.shards_out, a.average)


if __name__ == "__main__":
    main()
