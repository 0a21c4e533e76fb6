"""Does a sentence's English depend on what it is batched with? The check behind terjemah's
one-length batches (src/model/engine.rs, README: Re-runs, Reproducible), with the ctranslate2
wheel and the bundled starter model:

    "$(scripts/python-env)" scripts/bench/padding.py [int8|float32]

For TICO-19 lines (tests/fixtures/parallel), each translated alone and then in batches:
- beside companions of its own length (other content), beside shorter ones, among many rows:
  printed as '.' when the English is the same as alone, 'X' when not;
- padded by d = 1..59 tokens (a longer companion): one letter per output class, 'a' = alone.
"""
import os
import random
import sys

import ctranslate2
import sentencepiece as spm

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(REPO, "models", "id-en-starter")
LINES = os.path.join(REPO, "tests", "fixtures", "parallel", "tico19.id")
# Lines whose English changed with the old batching (translated whole against in two halves).
SENSITIVE = [195, 273, 288, 289]


def main():
    compute = sys.argv[1] if len(sys.argv) > 1 else "int8"
    sp = spm.SentencePieceProcessor(model_file=os.path.join(MODEL, "source.spm"))
    tr = ctranslate2.Translator(MODEL, device="cpu", compute_type=compute, inter_threads=1, intra_threads=1)
    lines = [l for l in open(LINES, encoding="utf-8").read().split("\n")]
    enc = [sp.encode(l, out_type=str) + ["</s>"] for l in lines if l.strip()]

    def first(batch):
        r = tr.translate_batch(batch, beam_size=2, max_decoding_length=256, max_batch_size=0)
        return " ".join(r[0].hypotheses[0])

    def of_length(tokens, n):
        return (tokens[:-1] * 50)[: n - 1] + ["</s>"]

    print(f"ctranslate2 {ctranslate2.__version__}, {compute}, starter model")
    for i in SENSITIVE:
        s = sp.encode(lines[i], out_type=str) + ["</s>"]
        n, rnd = len(s), random.Random(i)
        alone = first([s])
        same = "".join("." if first([s, of_length(rnd.choice(enc), n)]) == alone else "X" for _ in range(12))
        shorter = "".join("." if first([s, of_length(enc[0], max(2, n - d))]) == alone else "X" for d in range(1, 12))
        many = "".join("." if first([s] + [of_length(rnd.choice(enc), n) for _ in range(k)]) == alone else "X" for k in (3, 5, 9, 17))
        classes, padded = {alone: "a"}, []
        for d in range(1, 60):
            out = first([s, of_length(enc[1], n + d)])
            classes.setdefault(out, chr(ord("a") + len(classes)))
            padded.append(classes[out])
        print(f"line {i + 1} ({n} tokens): same length {same}  shorter {shorter}  many rows {many}  padded by 1..59: {''.join(padded)}")


if __name__ == "__main__":
    main()
