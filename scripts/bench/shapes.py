#!/usr/bin/env python3
"""terjemah against the ctranslate2 wheel, whole command against whole script, per model shape
and CPU instruction set (`scripts/bench/run --shapes` runs this).

For each model (the bundled starter model on distinct news sentences; the random-weight shapes
of scripts/bench/make_shapes.py on fewer sentences with a fixed decoding length, so that both
engines do the same work) and each ISA (this CPU's, and AVX2 by ONEDNN_MAX_CPU_ISA=AVX2, which
oneDNN in both engines honours), it times:
  - the wheel: a short Python script (load, SentencePiece, translate_batch, decode, write) in
    int8 and float32, as 2 replicas x 1 thread and 1 x 2; its best is the bar;
  - terjemah translate --lines with the same grid, and with its defaults (the compute type it
    measured and cached on a first, untimed run; its replica layout);
and prints the ratios wheel/terjemah (above 1: terjemah is faster) with the CPU's flags.
`--other LABEL=BIN` (repeatable) adds another terjemah build to the same rounds, its defaults
only (e.g. the source-built oneDNN against the prebuilt one, or an installed folder whose OpenMP
runtime was swapped), each with its own compute-type cache.
`--vmap` adds terjemah with a vocabulary shortlist: the model folder's vmap.txt, else one built by
`terjemah vmap build` from ../shared/data/train (untimed; its build time is printed); the
default row then runs as users run it (auto: with the shortlist where the folder has one) and a
`--vmap off` row is added, so the table has both against the wheel's best without a shortlist.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

WHEEL = r'''
import sys, time, ctranslate2, sentencepiece as spm, os, json
model, src, out, compute, inter, intra, beam, maxlen = sys.argv[1:9]
t0 = time.perf_counter()
lines = [l.rstrip("\n") for l in open(src, encoding="utf-8")]
nllb = os.path.exists(os.path.join(model, "sentencepiece.bpe.model"))
sp_src = spm.SentencePieceProcessor(model_file=os.path.join(model, "sentencepiece.bpe.model" if nllb else "source.spm"))
sp_tgt = sp_src if nllb else spm.SentencePieceProcessor(model_file=os.path.join(model, "target.spm"))
tr = ctranslate2.Translator(model, device="cpu", compute_type=compute, inter_threads=int(inter), intra_threads=int(intra))
batch = [(["ind_Latn"] if nllb else []) + sp_src.encode(l, out_type=str) + ["</s>"] for l in lines]
kw = dict(target_prefix=[["eng_Latn"]] * len(batch)) if nllb else {}
res = tr.translate_batch(batch, beam_size=int(beam), max_batch_size=2048, batch_type="tokens",
                         max_decoding_length=int(maxlen), max_input_length=0, **kw)
hyps = [r.hypotheses[0][1:] if nllb else r.hypotheses[0] for r in res]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(sp_tgt.decode(h) for h in hyps) + "\n")
'''


def cpu_flags():
    info = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", info)
    flags = set(re.search(r"flags\s*:\s*(.*)", info).group(1).split())
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8") if f in flags]
    return (model.group(1) if model else "?"), isa


def timed(cmd, env):
    """Wall seconds and peak RSS (MiB) of one run of cmd."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def sentences(path, n, out):
    seen, lines = set(), []
    for l in open(path, encoding="utf-8"):
        l = l.strip()
        if l and l not in seen:
            seen.add(l)
            lines.append(l)
        if len(lines) == n:
            break
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines)


def parallel_text(shared, work):
    """All of shared/data/train as one pair of files (X.id with X.en), for building shortlists."""
    train = os.path.join(shared, "data", "train")
    out = (os.path.join(work, "train.id"), os.path.join(work, "train.en"))
    with open(out[0], "w", encoding="utf-8") as fi, open(out[1], "w", encoding="utf-8") as fe:
        for name in sorted(os.listdir(train)):
            if name.endswith(".id") and os.path.exists(os.path.join(train, name[:-3] + ".en")):
                ids = open(os.path.join(train, name), encoding="utf-8").read().splitlines()
                ens = open(os.path.join(train, name[:-3] + ".en"), encoding="utf-8").read().splitlines()
                if len(ids) == len(ens):
                    fi.write("".join(l + "\n" for l in ids))
                    fe.write("".join(l + "\n" for l in ens))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--terjemah", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--models-dir", default=os.path.expanduser("~/.cache/terjemah-bench-models"))
    ap.add_argument("--models", default="starter,opus-base,transformer-big,nllb-600m")
    ap.add_argument("--starter", default=os.path.join(REPO, "models", "id-en-starter"),
                    help="the model folder the 'starter' row runs (e.g. an earlier starter model, to compare)")
    ap.add_argument("--isa", default="native,AVX2", help="native (this CPU) and/or oneDNN ISA caps (AVX2, AVX512_CORE...)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--beam", type=int, default=2)
    ap.add_argument("--sentences", type=int, default=100, help="sentences for the random-weight shapes")
    ap.add_argument("--decoding-length", type=int, default=48, help="fixed decoding length of the random-weight shapes")
    ap.add_argument("--reps", type=int, default=1, help="repetitions; the best of them counts")
    ap.add_argument("--computes", default="int8,float32",
                    help="compute types of the grid (int8 alone halves the time; it was the best of both engines on every shape so far)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "terjemah-bench-shapes"))
    ap.add_argument("--json", help="write the results here too")
    ap.add_argument("--other", action="append", default=[], metavar="LABEL=BIN",
                    help="another terjemah build timed with its defaults in the same rounds (repeatable)")
    ap.add_argument("--vmap", action="store_true", help="also time terjemah with a vocabulary shortlist (built here if the model has none)")
    a = ap.parse_args()
    others = [tuple(o.split("=", 1)) for o in a.other]
    os.makedirs(a.work, exist_ok=True)
    news = os.path.join(a.shared, "data", "train", "bmmt-news-valid.id")
    wheel = os.path.join(a.work, "wheel.py")
    with open(wheel, "w") as f:
        f.write(WHEEL)
    cpu, isa = cpu_flags()
    print(f"CPU: {cpu}, {os.cpu_count()} cores; flags: {' '.join(isa)}; {a.threads} threads, beam {a.beam}", flush=True)
    ver = subprocess.run([a.python, "-c", "import ctranslate2; print(ctranslate2.__version__)"], capture_output=True, text=True).stdout.strip()
    print(f"wheel: ctranslate2 {ver}; terjemah: {a.terjemah}\n", flush=True)
    layouts = [(2, 1), (1, 2)] if a.threads == 2 else [(a.threads, 1), (1, a.threads)]
    rows, results = [], []
    train = parallel_text(a.shared, a.work) if a.vmap else None
    for name in a.models.split(","):
        if name == "starter":
            model, src = a.starter, os.path.join(a.work, "starter.id")
            n, maxlen = sentences(news, 100000, src), 256
        else:
            model, src = os.path.join(a.models_dir, name), os.path.join(a.work, f"shape-{a.sentences}.id")
            if not os.path.isfile(os.path.join(model, "model.bin")):
                sys.exit(f"{model}: missing; build it with scripts/bench/make_shapes.py")
            n, maxlen = sentences(news, a.sentences, src), a.decoding_length
        vmap = None
        if a.vmap:
            vmap = os.path.join(model, "vmap.txt")
            if not os.path.isfile(vmap):
                vmap = os.path.join(a.work, f"vmap-{name}.txt")
                t0 = time.perf_counter()
                subprocess.run([a.terjemah, "vmap", "build", "--source", train[0], "--target", train[1], "--model", model,
                                "--out", vmap, "--check", "0", "--threads", str(a.threads)], check=True, stderr=subprocess.DEVNULL)
                print(f"  {name}: shortlist built from {train[0]} in {time.perf_counter() - t0:.1f} s: {vmap}", flush=True)
        for cap in a.isa.split(","):
            env = dict(os.environ)
            env.pop("ONEDNN_MAX_CPU_ISA", None)
            if cap != "native":
                env["ONEDNN_MAX_CPU_ISA"] = cap
            # terjemah's measured compute type goes to a cache of this benchmark's own.
            env["XDG_CACHE_HOME"] = os.path.join(a.work, f"cache-{cap}")
            out = os.path.join(a.work, "hyp.txt")
            # Random weights loop on every sentence, and terjemah decodes looping outputs again
            # (the wheel's script does not): off for those shapes, so both do the same work.
            same_work = [] if name == "starter" else ["--loop-retry-ngram", "0"]
            tj = lambda extra, binary=a.terjemah: [binary, "translate", "--lines", src, "--out", out, "--model", model, "--beam", str(a.beam),
                                "--threads", str(a.threads), "--max-decoding-length", str(maxlen), "--no-tm", "--quiet"] + same_work + extra
            env_default = dict(env)
            env_default.pop("TERJEMAH_COMPUTE_TYPE", None)
            # Measured afresh in each benchmark: a choice cached by an earlier one (another build,
            # a busier machine) would stand in for this build's.
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
            timed(tj([]), env_default)  # first run: measures and caches the compute type
            env_other = {}
            for label, binary in others:
                env_other[label] = dict(env_default, XDG_CACHE_HOME=os.path.join(a.work, f"cache-{cap}-{label}"))
                shutil.rmtree(env_other[label]["XDG_CACHE_HOME"], ignore_errors=True)
                timed(tj([], binary), env_other[label])
            # The repetitions go round the whole grid, wheel and terjemah in turn, so that a
            # machine slowing down or speeding up over minutes weighs on both alike.
            runs = {}
            for _ in range(a.reps):
                for compute in a.computes.split(","):
                    for inter, intra in layouts:
                        cfg = f"{compute} {inter}x{intra}"
                        runs.setdefault(f"wheel {cfg}", []).append(
                            timed([a.python, wheel, model, src, out, compute, str(inter), str(intra), str(a.beam), str(maxlen)], env))
                        runs.setdefault(f"terjemah {cfg}", []).append(
                            timed(tj(["--compute-type", compute, "--inter-threads", str(inter)]), env))
                runs.setdefault("terjemah default", []).append(timed(tj([]), env_default))
                if vmap:
                    # The shortlist given explicitly (the folder's own is what auto takes), and none.
                    runs.setdefault("vmap shortlist", []).append(timed(tj(["--vmap", vmap]), env_default))
                    runs.setdefault("vmap off", []).append(timed(tj(["--vmap", "off"]), env_default))
                for label, binary in others:
                    runs.setdefault(f"other {label}", []).append(timed(tj([], binary), env_other[label]))
            best = {k: min(v) for k, v in runs.items()}  # (wall, peak RSS of that run)
            rss = {k: v[1] for k, v in best.items()}
            t_wheel = {k.removeprefix("wheel "): v[0] for k, v in best.items() if k.startswith("wheel ")}
            t_tj = {k.removeprefix("terjemah "): v[0] for k, v in best.items() if k.startswith("terjemah ") and k != "terjemah default"}
            t_vmap = {k.removeprefix("vmap "): v[0] for k, v in best.items() if k.startswith("vmap ")}
            t_other = {label: best[f"other {label}"][0] for label, _ in others}
            t_default = best["terjemah default"][0]
            for cfg in t_wheel:
                print(f"  {name} {cap} {cfg}: wheel {t_wheel[cfg]:.2f} s, terjemah {t_tj[cfg]:.2f} s", flush=True)
            for label, t in t_vmap.items():
                print(f"  {name} {cap} terjemah default, --vmap {label}: {t:.2f} s (wheel best / it: {min(t_wheel.values()) / t:.2f}x), "
                      f"peak RSS {rss['vmap ' + label]:.0f} MiB", flush=True)
            for label, t in t_other.items():
                print(f"  {name} {cap} {label} default: {t:.2f} s (wheel best / it: {min(t_wheel.values()) / t:.2f}x), "
                      f"peak RSS {rss['other ' + label]:.0f} MiB", flush=True)
            chosen = json.load(open(os.path.join(env["XDG_CACHE_HOME"], "terjemah", "compute-types.json")))
            chosen = ",".join(sorted({c["compute"] for c in chosen.values()}))
            wb = min(t_wheel, key=t_wheel.get)
            tb = min(t_tj, key=t_tj.get)
            r = {"model": name, "isa": cap, "sentences": n, "decoding": maxlen, "wheel_best": [wb, t_wheel[wb]],
                 "terjemah_best": [tb, t_tj[tb]], "terjemah_default": [chosen, t_default], "wheel": t_wheel, "terjemah": t_tj, "peak_rss_mib": rss,
                 "others": t_other, "vmap": t_vmap}
            results.append(r)
            rows.append(f"| {name} | {cap} | {n} | {t_wheel[wb]:.2f} ({wb}) | {t_tj[tb]:.2f} ({tb}) | {t_default:.2f} ({chosen}) | "
                        f"**{t_wheel[wb] / t_tj[tb]:.2f}x** | **{t_wheel[wb] / t_default:.2f}x** | "
                        f"{rss['wheel ' + wb]:.0f} / {rss['terjemah default']:.0f} |"
                        + "".join(f" {t_other[l]:.2f} ({t_wheel[wb] / t_other[l]:.2f}x, {rss['other ' + l]:.0f} MiB) |" for l, _ in others)
                        + ("".join(f" {t_vmap[l]:.2f} (**{t_wheel[wb] / t_vmap[l]:.2f}x**) |" for l in ("off", "shortlist")) if a.vmap else ""))
            print(rows[-1], flush=True)
    print(f"\nCPU: {cpu}; flags: {' '.join(isa)}; {a.threads} threads, beam {a.beam}; random-weight shapes decode "
          f"{a.decoding_length} tokens; compute types {a.computes}; best of {a.reps}")
    print("\n| model | ISA | sentences | wheel best s | terjemah best s | terjemah default s | wheel/terjemah best | "
          "wheel/terjemah default | peak RSS MiB, wheel best / terjemah default |"
          + "".join(f" {l} default s (wheel best / it, peak RSS) |" for l, _ in others)
          + (" terjemah --vmap off s (wheel best / it) | terjemah with shortlist s (wheel best / it) |" if a.vmap else ""))
    print("|---|---|---|---|---|---|---|---|---|" + "---|" * (len(others) + 2 * a.vmap))
    print("\n".join(rows))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cpu": cpu, "flags": isa, "threads": a.threads, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
