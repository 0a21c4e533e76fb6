#!/usr/bin/env python3
"""Train the shared SentencePiece unigram model and write it as source.spm/target.spm + vocab.json."""
import argparse
import json
import os
import shutil

import sentencepiece as spm

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--data", required=True)
ap.add_argument("--vocab-size", type=int, default=8000)
ap.add_argument("--from-model", help="reuse this model folder's source.spm instead of training one "
                "(training on from a shipped model needs its exact vocabulary)")
a = ap.parse_args()


def train():
    corpus = os.path.join(a.data, "spm-input.txt")
    with open(corpus, "w", encoding="utf-8") as out:
        for side in ("train.id", "train.en"):
            with open(os.path.join(a.data, side), encoding="utf-8") as f:
                shutil.copyfileobj(f, out)
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=os.path.join(a.data, "spm"), vocab_size=a.vocab_size,
        model_type="unigram", character_coverage=1.0, input_sentence_size=2_000_000,
        shuffle_input_sentence=True, num_threads=os.cpu_count(), minloglevel=1,
    )
    os.remove(corpus)


if a.from_model:
    shutil.copy(os.path.join(a.from_model, "source.spm"), os.path.join(a.data, "spm.model"))
else:
    train()
sp = spm.SentencePieceProcessor(model_file=os.path.join(a.data, "spm.model"))
# MarianTokenizer's vocab.json: piece -> SentencePiece id, then <pad> as the extra last id.
vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
vocab["<pad>"] = sp.get_piece_size()
with open(os.path.join(a.data, "vocab.json"), "w", encoding="utf-8") as f:
    json.dump(vocab, f, ensure_ascii=False)
how = f"reused from {a.from_model}" if a.from_model else "trained"
print(f"SentencePiece unigram, {sp.get_piece_size()} pieces (+<pad>), {how}")
