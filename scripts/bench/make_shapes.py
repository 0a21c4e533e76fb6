#!/usr/bin/env python3
"""Build random-weight CTranslate2 models with the shapes and tokenizer layouts of the real
models terjemah users bring, for the speed benchmark (`scripts/bench/run --shapes`).

    opus-base        MarianMTModel d512, 6+6 layers, FFN 2048, 8 heads (Helsinki-NLP opus-mt-*):
                     source.spm trained on Indonesian, target.spm on English (32k pieces each),
                     one joint vocabulary (their union, </s> 0, <unk> 1, <pad> last)
    transformer-big  the same layout, d1024, 6+6, FFN 4096, 16 heads (opus-mt-tc-big)
    nllb-600m        M2M100ForConditionalGeneration d1024, 12+12, FFN 4096, 16 heads, as
                     facebook/nllb-200-distilled-600M: sentencepiece.bpe.model, language codes,
                     vocabulary 256,206 (the converter pads it with fairseq's madeupword fillers)

Weights are random (seeded): speed and memory depend on the shapes, not on the values. Each is
converted by the real converter (int8, as scripts/fetch-model.sh does) and cached in --out
(default ~/.cache/terjemah-bench-models); an existing model is kept.
"""
import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile

import sentencepiece as spm
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
_spec = importlib.util.spec_from_file_location("make_test_models", os.path.join(REPO, "scripts", "fixtures", "test-models.py"))
tm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tm)

SHAPES = {
    "opus-base": dict(d_model=512, layers=(6, 6), ffn=2048, heads=8),
    "transformer-big": dict(d_model=1024, layers=(6, 6), ffn=4096, heads=16),
    "nllb-600m": dict(d_model=1024, layers=(12, 12), ffn=4096, heads=16, vocab=256206),
}


def marian(name, shape, work, corpus_id, corpus_en, out):
    from transformers import MarianConfig, MarianMTModel

    hf = os.path.join(work, name)
    os.makedirs(hf, exist_ok=True)
    src = os.path.join(work, "opus-id.model")
    tgt = os.path.join(work, "opus-en.model")
    if not os.path.exists(src):
        for corpus, model in ((corpus_id, src), (corpus_en, tgt)):
            spm.SentencePieceTrainer.train(input=corpus, model_prefix=model[:-6], vocab_size=32000, model_type="unigram",
                                           character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
                                           num_threads=os.cpu_count())
    vocab = tm.opus_tokenizer(hf, src, tgt)
    enc, dec = shape["layers"]
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=shape["d_model"], encoder_layers=enc,
        decoder_layers=dec, encoder_attention_heads=shape["heads"], decoder_attention_heads=shape["heads"],
        encoder_ffn_dim=shape["ffn"], decoder_ffn_dim=shape["ffn"], max_position_embeddings=512,
        pad_token_id=vocab["<pad>"], eos_token_id=0, decoder_start_token_id=vocab["<pad>"], scale_embedding=True,
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(hf)
    tm.convert(hf, out, ["source.spm", "target.spm"])
    return len(vocab)


def nllb(name, shape, work, corpus, out):
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    hf = os.path.join(work, name)
    os.makedirs(hf, exist_ok=True)
    model_file = os.path.join(work, "nllb-bpe.model")
    if not os.path.exists(model_file):
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=model_file[:-6], vocab_size=32000, model_type="bpe",
                                       character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
                                       num_threads=os.cpu_count())
    shutil.copy(model_file, os.path.join(hf, "sentencepiece.bpe.model"))
    tok = NllbTokenizer(vocab_file=os.path.join(hf, "sentencepiece.bpe.model"), src_lang="ind_Latn", tgt_lang="eng_Latn")
    if tok.convert_tokens_to_ids("eng_Latn") == tok.unk_token_id:
        sys.exit("NllbTokenizer built a broken vocabulary: use transformers 4.57.x")
    tok.save_pretrained(hf)
    enc, dec = shape["layers"]
    config = M2M100Config(
        vocab_size=shape["vocab"], d_model=shape["d_model"], encoder_layers=enc, decoder_layers=dec,
        encoder_attention_heads=shape["heads"], decoder_attention_heads=shape["heads"], encoder_ffn_dim=shape["ffn"],
        decoder_ffn_dim=shape["ffn"], max_position_embeddings=1024, pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id, decoder_start_token_id=tok.eos_token_id,
        scale_embedding=True,
    )
    config.architectures = ["M2M100ForConditionalGeneration"]
    torch.manual_seed(0)
    M2M100ForConditionalGeneration(config).save_pretrained(hf)
    tm.convert(hf, out, ["sentencepiece.bpe.model"])
    return shape["vocab"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--out", default=os.path.expanduser("~/.cache/terjemah-bench-models"))
    ap.add_argument("--only", nargs="+", choices=list(SHAPES), default=list(SHAPES))
    a = ap.parse_args()
    train_dir = os.path.join(a.shared, "data", "train")
    todo = [n for n in a.only if not os.path.isfile(os.path.join(a.out, n, "model.bin"))]
    for n in a.only:
        if n not in todo:
            print(f"{os.path.join(a.out, n)}: present, kept")
    if not todo:
        return
    work = tempfile.mkdtemp(prefix="terjemah-shapes-")
    corpus, corpus_id, corpus_en = (os.path.join(work, f) for f in ("all.txt", "id.txt", "en.txt"))
    tm.sample_corpus(train_dir, corpus, n=200000)
    tm.sample_corpus(train_dir, corpus_id, n=200000, sides=(".id",))
    tm.sample_corpus(train_dir, corpus_en, n=200000, sides=(".en",))
    os.makedirs(a.out, exist_ok=True)
    for n in todo:
        out = os.path.join(a.out, n)
        tmp = out + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        if n == "nllb-600m":
            vocab = nllb(n, SHAPES[n], work, corpus, tmp)
        else:
            vocab = marian(n, SHAPES[n], work, corpus_id, corpus_en, tmp)
        shutil.rmtree(os.path.join(work, n))  # the Hugging Face folder (GBs for the large shapes)
        with open(os.path.join(tmp, "terjemah.json"), "w") as f:
            json.dump({"note": f"benchmark shape {n}: random weights, not a translation model", "languages": "id -> en"}, f)
        os.replace(tmp, out)
        size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
        print(f"{out}: {size / 2**20:.0f} MiB, vocabulary {vocab}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
