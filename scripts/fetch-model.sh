#!/usr/bin/env bash
# Fetch a real translation model from the Hugging Face hub (or take a local Hugging Face
# folder), convert it to CTranslate2 int8, and write models/NAME in the layout terjemah loads.
#
#   scripts/fetch-model.sh opus-mt-id-en                 # Helsinki-NLP/opus-mt-id-en (Marian)
#   scripts/fetch-model.sh nllb-200-distilled-600M       # facebook/nllb-200-distilled-600M
#   scripts/fetch-model.sh m2m100_418M                   # facebook/m2m100_418M
#   scripts/fetch-model.sh NAME --from-dir HF_DIR        # a local Hugging Face model folder (offline)
#   options: --out DIR (default models/NAME), --quantization int8|int8_float32|float32
#
# Fetching needs network access to huggingface.co and fails fast without it; --from-dir does
# not. Python packages (pinned, scripts/requirements.txt) come from scripts/python-env.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
name="${1:-}"
[ -n "$name" ] && [ "${name:0:1}" != "-" ] || { sed -n '2,13p' "$0" >&2; exit 2; }
shift
from_dir=""; out=""; quant="int8"
while [ $# -gt 0 ]; do
  case "$1" in
    --from-dir) from_dir="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --quantization) quant="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out="${out:-$repo/models/$name}"

hub_id=""; languages="id -> en"
case "$name" in
  opus-mt-id-en) hub_id="Helsinki-NLP/opus-mt-id-en" ;;
  nllb-200-distilled-600M) hub_id="facebook/nllb-200-distilled-600M"; languages="ind_Latn -> eng_Latn" ;;
  m2m100_418M) hub_id="facebook/m2m100_418M"; languages="__id__ -> __en__" ;;
esac
if [ -z "$from_dir" ] && [ -z "$hub_id" ]; then
  echo "unknown model $name: known are opus-mt-id-en, nllb-200-distilled-600M, m2m100_418M; or pass --from-dir HF_DIR" >&2
  exit 2
fi
if [ -n "$from_dir" ] && [ ! -f "$from_dir/config.json" ]; then
  echo "$from_dir: not a Hugging Face model folder (no config.json)" >&2
  exit 2
fi

py="$("$here/python-env")"
exec "$py" - "$name" "$hub_id" "$from_dir" "$out" "$quant" "$languages" <<'PY'
import json, os, shutil, subprocess, sys, tempfile, urllib.request

name, hub_id, from_dir, out, quant, languages = sys.argv[1:7]
if not from_dir:
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    try:
        urllib.request.urlopen(endpoint, timeout=5)
    except Exception as e:
        sys.exit(f"cannot reach {endpoint} ({e}): fetching {hub_id} needs network access.\n"
                 f"Download the model on a connected machine (huggingface-cli download {hub_id} --local-dir DIR),\n"
                 f"copy DIR here and run: scripts/fetch-model.sh {name} --from-dir DIR")
    from huggingface_hub import snapshot_download
    from_dir = snapshot_download(hub_id, allow_patterns=["*.json", "*.spm", "*.model", "*.bin", "*.safetensors", "*.txt"],
                                 ignore_patterns=["*.msgpack", "*.h5", "*.ot", "flax_*", "tf_*", "rust_*", "onnx/*"])

import ctranslate2, transformers
tok_files = [f for f in ("source.spm", "target.spm", "sentencepiece.bpe.model") if os.path.isfile(os.path.join(from_dir, f))]
if not tok_files:
    sys.exit(f"{from_dir}: no SentencePiece files (source.spm/target.spm or sentencepiece.bpe.model)")
parent = os.path.dirname(os.path.abspath(out)) or "."
os.makedirs(parent, exist_ok=True)
tmp = tempfile.mkdtemp(prefix=".fetch-", dir=parent)
try:
    conv = os.path.join(tmp, "model")
    converter = os.path.join(os.path.dirname(sys.executable), "ct2-transformers-converter")
    subprocess.run([converter, "--model", from_dir, "--output_dir", conv, "--quantization", quant], check=True)
    for f in tok_files:
        shutil.copy(os.path.join(from_dir, f), os.path.join(conv, f))
    with open(os.path.join(conv, "terjemah.json"), "w") as f:
        json.dump({"languages": languages, "source": hub_id or os.path.abspath(from_dir), "quantization": quant,
                   "converter": f"ctranslate2 {ctranslate2.__version__}, transformers {transformers.__version__}"}, f, indent=2)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.replace(conv, out)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
print(f"wrote {out} ({size / 1e6:.1f} MB): {', '.join(sorted(os.listdir(out)))}")
PY
