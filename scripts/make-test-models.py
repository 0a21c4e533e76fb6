#!/usr/bin/env python3
"""Build the two tiny random-weight CTranslate2 models the tests use, with the real converter.

    tests/fixtures/models/tiny-marian/   Marian/OPUS-MT layout (source.spm, target.spm)
    tests/fixtures/models/tiny-nllb/     NLLB layout (sentencepiece.bpe.model, ind_Latn/eng_Latn)
    tests/fixtures/models/tiny-opus/     the real OPUS-MT layout: source.spm trained on Indonesian,
                                         target.spm on English, ONE joint vocabulary (their union,
                                         </s> 0, <unk> 1, <pad> last) as Helsinki-NLP ships them

Their SentencePiece models are trained on a sample of ../shared/data/train; the weights are
random (seeded), so translations are gibberish but deterministic: tests check structure, not
quality. Also writes the Hugging Face source folders to --hf-out when given (the offline
conversion test of scripts/fetch-model.sh uses them).

Needs the packages of scripts/requirements.txt (`$(scripts/python-env) scripts/make-test-models.py`;
transformers 4.57.x: 5.x builds an
empty NLLB vocabulary, see shared/MODEL-NOTES.md).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import sentencepiece as spm
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["tiny-marian", "tiny-nllb", "tiny-opus"]
REPO = os.path.dirname(HERE)


def sample_corpus(train_dir, path, n=20000, seed=0, sides=(".id", ".en")):
    lines = []
    for name in sorted(os.listdir(train_dir)):
        if name.endswith(sides) and name.count(".") == 1:
            with open(os.path.join(train_dir, name), encoding="utf-8") as f:
                lines.extend(l.strip() for l in f if l.strip())
    random.Random(seed).shuffle(lines)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:n]) + "\n")


def train_spm(corpus, prefix, vocab_size, model_type):
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, vocab_size=vocab_size, model_type=model_type,
        character_coverage=1.0, minloglevel=2, num_threads=os.cpu_count(),
    )
    return prefix + ".model"


def convert(hf_dir, out_dir, extra_files):
    converter = os.path.join(os.path.dirname(sys.executable), "ct2-transformers-converter")
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    subprocess.run([converter, "--model", hf_dir, "--output_dir", out_dir, "--quantization", "int8"],
                   check=True, stdout=subprocess.DEVNULL)
    for f in extra_files:
        shutil.copy(os.path.join(hf_dir, f), os.path.join(out_dir, f))


def tiny_marian(corpus, work, out_dir):
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    hf = os.path.join(work, "tiny-marian-hf")
    os.makedirs(hf, exist_ok=True)
    model_file = train_spm(corpus, os.path.join(work, "marian"), 1000, "unigram")
    sp = spm.SentencePieceProcessor(model_file=model_file)
    for name in ("source.spm", "target.spm"):
        shutil.copy(model_file, os.path.join(hf, name))
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    with open(os.path.join(hf, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    tok = MarianTokenizer(source_spm=os.path.join(hf, "source.spm"), target_spm=os.path.join(hf, "target.spm"),
                          vocab=os.path.join(hf, "vocab.json"), eos_token="</s>", unk_token="<unk>", pad_token="<pad>")
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=128, pad_token_id=pad, eos_token_id=sp.eos_id(), decoder_start_token_id=pad,
        scale_embedding=True, init_std=0.5,  # large random weights: output varies with the input
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(hf)
    tok.save_pretrained(hf)
    convert(hf, out_dir, ["source.spm", "target.spm"])
    return hf


def opus_tokenizer(hf, src_model, tgt_model):
    """OPUS-MT's tokenizer files in `hf`: source.spm, target.spm and the joint vocab.json
    (</s> 0, <unk> 1, the pieces of both languages, <pad> last). Returns the vocabulary."""
    from transformers import MarianTokenizer

    shutil.copy(src_model, os.path.join(hf, "source.spm"))
    shutil.copy(tgt_model, os.path.join(hf, "target.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for model_file in (src_model, tgt_model):
        sp = spm.SentencePieceProcessor(model_file=model_file)
        for i in range(sp.get_piece_size()):
            if not (sp.is_control(i) or sp.is_unknown(i)):
                vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    with open(os.path.join(hf, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    MarianTokenizer(source_spm=os.path.join(hf, "source.spm"), target_spm=os.path.join(hf, "target.spm"),
                    vocab=os.path.join(hf, "vocab.json"), eos_token="</s>", unk_token="<unk>",
                    pad_token="<pad>").save_pretrained(hf)
    return vocab


def tiny_opus(corpus_id, corpus_en, work, out_dir):
    from transformers import MarianConfig, MarianMTModel

    hf = os.path.join(work, "tiny-opus-hf")
    os.makedirs(hf, exist_ok=True)
    vocab = opus_tokenizer(hf, train_spm(corpus_id, os.path.join(work, "opus-id"), 800, "unigram"),
                           train_spm(corpus_en, os.path.join(work, "opus-en"), 800, "unigram"))
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=128, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
        scale_embedding=True, init_std=0.5,
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(hf)
    convert(hf, out_dir, ["source.spm", "target.spm"])
    return hf


def tiny_nllb(corpus, work, out_dir):
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    hf = os.path.join(work, "tiny-nllb-hf")
    os.makedirs(hf, exist_ok=True)
    model_file = train_spm(corpus, os.path.join(work, "nllb"), 1000, "bpe")
    shutil.copy(model_file, os.path.join(hf, "sentencepiece.bpe.model"))
    tok = NllbTokenizer(vocab_file=os.path.join(hf, "sentencepiece.bpe.model"), src_lang="ind_Latn", tgt_lang="eng_Latn")
    if len(tok) < 1000 or tok.convert_tokens_to_ids("eng_Latn") == tok.unk_token_id:
        sys.exit(f"NllbTokenizer built a broken vocabulary ({len(tok)} tokens): use transformers 4.57.x")
    tok.save_pretrained(hf)
    config = M2M100Config(
        vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
        pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id,
        decoder_start_token_id=tok.eos_token_id, scale_embedding=True, init_std=0.5,
    )
    config.architectures = ["M2M100ForConditionalGeneration"]
    torch.manual_seed(0)
    M2M100ForConditionalGeneration(config).save_pretrained(hf)
    convert(hf, out_dir, ["sentencepiece.bpe.model"])
    return hf


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "models"))
    ap.add_argument("--hf-out", help="also keep the Hugging Face folders here")
    ap.add_argument("--only", nargs="+", choices=MODELS, help="build only these models (the others stay as they are)")
    a = ap.parse_args()
    only = a.only or MODELS
    train_dir = os.path.join(a.shared, "data", "train")
    if not os.path.isdir(train_dir):
        sys.exit(f"{train_dir}: not found (pass --shared DIR)")
    work = tempfile.mkdtemp(prefix="terjemah-test-models-")
    corpus = os.path.join(work, "corpus.txt")
    sample_corpus(train_dir, corpus)
    corpus_id, corpus_en = os.path.join(work, "corpus-id.txt"), os.path.join(work, "corpus-en.txt")
    sample_corpus(train_dir, corpus_id, sides=(".id",))
    sample_corpus(train_dir, corpus_en, sides=(".en",))
    os.makedirs(a.out, exist_ok=True)
    build = {
        "tiny-marian": lambda out: tiny_marian(corpus, work, out),
        "tiny-nllb": lambda out: tiny_nllb(corpus, work, out),
        "tiny-opus": lambda out: tiny_opus(corpus_id, corpus_en, work, out),
    }
    hfs = [build[name](os.path.join(a.out, name)) for name in only]
    if a.hf_out:
        os.makedirs(a.hf_out, exist_ok=True)
        for hf in hfs:
            dest = os.path.join(a.hf_out, os.path.basename(hf))
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(hf, dest)
    shutil.rmtree(work)
    for name in only:
        d = os.path.join(a.out, name)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print(f"{d}: {size / 1024:.0f} KiB ({', '.join(sorted(os.listdir(d)))})")


if __name__ == "__main__":
    main()
