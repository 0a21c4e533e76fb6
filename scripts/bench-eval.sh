#!/usr/bin/env bash
# Benchmark `terjemah eval` against the sacrebleu command line on the same files, in one run:
# a 100,000-line hypothesis/reference pair built from the English side of the training data
# (references made unique, hypotheses = references with seeded word noise). Checks that both
# print the same scores and reports wall times and speed ratios.
#
#   scripts/bench-eval.sh [LINES] [TER_LINES]
#
# LINES (default 100000) lines for BLEU, chrF (also with --chrf-eps-smoothing), chrF++; TER
# (also --ter-normalized) on the first TER_LINES (default: all of them; sacrebleu's TER takes a
# few minutes on 100,000 news-length lines). Both tools get the same sacrebleu command line
# (`REF -i HYP -m METRIC [OPTIONS] -f text -w 4`). sacrebleu 2.5.1 comes from the scripts' virtual
# environment (scripts/python-env; SACREBLEU=path overrides); DATA=path/to/data overrides
# ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

LINES="${1:-100000}"
TER_LINES="${2:-$LINES}"
DATA="${DATA:-../shared/data}"
PYTHON="${PYTHON:-$(scripts/python-env)}"
SACREBLEU="${SACREBLEU:-$(dirname "$PYTHON")/sacrebleu}"
[ -x "$SACREBLEU" ] || { echo "bench-eval: $SACREBLEU not found (scripts/requirements.txt has sacrebleu==2.5.1)" >&2; exit 2; }

cargo build --release --quiet
TERJEMAH="$CARGO_TARGET_DIR/release/terjemah"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" - "$DATA" "$LINES" "$WORK" <<'EOF'
import glob, random, sys
data, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(glob.glob(f"{data}/train/*.en") + glob.glob(f"{data}/test/*.en"))
base = [l.rstrip("\n") for f in files for l in open(f, encoding="utf-8")]
base = [l for l in base if l.strip()]
rng = random.Random(42)
refs = []
while len(refs) < n:
    for line in base:
        if len(refs) == n:
            break
        w = line.split()
        if len(refs) >= len(base) and len(w) > 2:  # repeated lines: make them unique
            i = rng.randrange(len(w) - 1)
            w[i], w[i + 1] = w[i + 1], w[i]
            del w[rng.randrange(len(w))]
        refs.append(" ".join(w))
vocab = sorted({t for l in base for t in l.split()})
hyps = []
for line in refs:
    out = []
    for t in line.split():
        r = rng.random()
        if r < 0.07:
            continue
        out.append(rng.choice(vocab) if r < 0.15 else t)
    if len(out) > 5 and rng.random() < 0.3:
        k = rng.randrange(len(out) - 3)
        chunk = out[k:k + 3]
        del out[k:k + 3]
        j = rng.randrange(len(out) + 1)
        out[j:j] = chunk
    hyps.append(" ".join(out))
open(f"{work}/ref.en", "w", encoding="utf-8").write("\n".join(refs) + "\n")
open(f"{work}/hyp.en", "w", encoding="utf-8").write("\n".join(hyps) + "\n")
print(f"{len(refs)} lines ({len(set(refs))} distinct references) from {len(files)} files", file=sys.stderr)
EOF
head -n "$TER_LINES" "$WORK/hyp.en" > "$WORK/hyp.ter.en"
head -n "$TER_LINES" "$WORK/ref.en" > "$WORK/ref.ter.en"

now() { date +%s.%N; }
status=0
printf '%-10s %7s %12s %12s %8s  %s\n' metric lines sacrebleu_s terjemah_s ratio "same scores"
bench() {  # name, metric and options (one sacrebleu command line for both), hyp, ref
  local name=$1 metric=$2 hyp=$3 ref=$4 t0 t1 t2 sb tj
  t0=$(now)
  sb=$(NO_COLOR=1 "$SACREBLEU" "$ref" -i "$hyp" -m $metric -f text -w 4 -q)
  t1=$(now)
  tj=$("$TERJEMAH" eval "$ref" -i "$hyp" -m $metric -f text -w 4 -q)
  t2=$(now)
  local same=yes
  if [ "$sb" != "$tj" ]; then same=NO; status=1; printf 'sacrebleu: %s\nterjemah:  %s\n' "$sb" "$tj" >&2; fi
  awk -v n="$name" -v l="$(wc -l < "$hyp")" -v a="$t0" -v b="$t1" -v c="$t2" -v s="$same" -v out="$tj" \
    'BEGIN { printf "%-10s %7d %12.2f %12.2f %7.1fx  %s: %s\n", n, l, b - a, c - b, (b - a) / (c - b), s, out }'
}
bench BLEU bleu "$WORK/hyp.en" "$WORK/ref.en"
bench chrF chrf "$WORK/hyp.en" "$WORK/ref.en"
bench chrF-eps "chrf --chrf-eps-smoothing" "$WORK/hyp.en" "$WORK/ref.en"
bench chrF++ "chrf --chrf-word-order 2" "$WORK/hyp.en" "$WORK/ref.en"
bench chrF++eps "chrf --chrf-word-order 2 --chrf-eps-smoothing" "$WORK/hyp.en" "$WORK/ref.en"
bench TER ter "$WORK/hyp.ter.en" "$WORK/ref.ter.en"
bench TER-norm "ter --ter-normalized" "$WORK/hyp.ter.en" "$WORK/ref.ter.en"
echo "machine: $(nproc) cores; terjemah uses all of them (rayon), sacrebleu one." >&2
exit $status
