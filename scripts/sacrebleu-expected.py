#!/usr/bin/env python3
"""Generate the fixtures of `terjemah eval`'s agreement tests and their expected values,
computed with sacrebleu (the reference implementation), into tests/fixtures/eval/.

    "$(scripts/python-env)" scripts/sacrebleu-expected.py [--data ../shared/data]

Deterministic: rerunning it rewrites the same files. The tests (crates/eval/tests/sacrebleu.rs, tests/eval.rs) only read the
committed output; they never run Python.

Written files:
  news.ref.en, news.src.id      the bmmt news test set (reference, Indonesian source)
  news.noisy.en, news.trunc.en  hypotheses: the reference with word noise; lines truncated
  news.ref2.en                  a second reference (milder noise), for multi-reference cases
  mt.ref.en, mt.gnmt.en, mt.gareng.en
                                2,000 lines of a real test set with two MT systems
  hard.hyp.en, hard.ref.en, hard.ref2.en, hard-crlf.hyp.en
                                hand-written hard cases (empty lines, Unicode punctuation,
                                numbers, all caps, very long lines, odd whitespace, BOM); the
                                CRLF file is hard.hyp.en with CRLF line ends
  cjk.hyp.txt, cjk.ref.txt      Chinese and Japanese lines (zh tokenizer, TER's Asian support)
  mt.ref-tabs.en, mt.gnmt.latin1.en
                                two references in one file (--num-refs 2); a Latin-1 file
  articles/out, articles/refs   article mode: a translate-like output tree and references
  expected.json                 corpus scores, signatures, printed lines, sacrebleu CLI
                                output (command lines run unchanged, with exit codes),
                                tokenizer output, significance tests (p-values, means, CIs)
  The flores101/flores200 cases use the test models' SentencePiece files as stand-ins for
  the FLORES models (which cannot be downloaded here): sacrebleu loads them from a temporary
  $SACREBLEU/models, terjemah from --spm-model.
  expected-sentence.json        sentence-level scores
  unicode-python.json           Python's view of Unicode: regex \\p{P}/\\p{S}/\\p{N},
                                str.isspace, str.lower, assigned code points
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import tempfile

import regex
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
from sacrebleu.tokenizers.tokenizer_char import TokenizerChar
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh
from sacrebleu.utils import smart_open

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "eval"
SACREBLEU_CLI = Path(sys.executable).parent / "sacrebleu"


def write_lines(path: Path, lines, newline="\n", final_newline=True, bom=False):
    text = newline.join(lines) + (newline if final_newline else "")
    if bom:
        text = "\ufeff" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def read_cli(path: Path):
    """Lines exactly as the sacrebleu command line reads a file (-i / references)."""
    return [line.rstrip() for line in smart_open(str(path))]


# ----------------------------------------------------------------------------------------
# Hypotheses derived from the reference


def noisy(lines, seed, p_drop=0.08, p_sub=0.08, p_caps=0.03, p_dup=0.04, p_move=0.25, p_empty=0.02):
    rng = random.Random(seed)
    vocab = sorted({w for l in lines for w in l.split()})
    out = []
    for line in lines:
        if rng.random() < p_empty:
            out.append("")
            continue
        words = []
        for w in line.split():
            r = rng.random()
            if r < p_drop:
                continue
            if r < p_drop + p_sub:
                w = rng.choice(vocab)
            elif r < p_drop + p_sub + p_caps:
                w = w.upper()
            words.append(w)
            if rng.random() < p_dup:
                words.append(w)
        # Move a chunk of words elsewhere (exercises TER's shifts).
        if len(words) > 6 and rng.random() < p_move:
            n = rng.randint(2, 4)
            i = rng.randrange(0, len(words) - n)
            chunk = words[i:i + n]
            del words[i:i + n]
            j = rng.randrange(0, len(words) + 1)
            words[j:j] = chunk
        if len(words) > 3 and rng.random() < 0.15:
            a = rng.randrange(0, len(words) - 1)
            words[a], words[a + 1] = words[a + 1], words[a]
        out.append(" ".join(words))
    return out


def truncated(lines, seed):
    rng = random.Random(seed)
    out = []
    for line in lines:
        if rng.random() < 0.1:
            out.append(line[: max(1, int(len(line) * rng.uniform(0.2, 0.8)))])
        else:
            words = line.split()
            out.append(" ".join(words[: max(1, int(len(words) * rng.uniform(0.3, 0.9)))]))
    return out


# ----------------------------------------------------------------------------------------
# Hard cases: (hypothesis, reference, second reference)


def hard_cases(news_ref):
    long_ref = " ".join(news_ref[100:112])  # ~300 words
    long_words = long_ref.split()
    rng = random.Random(7)
    long_hyp_words = list(long_words)
    for _ in range(12):  # move chunks around, drop and replace some words
        n = rng.randint(1, 6)
        i = rng.randrange(0, len(long_hyp_words) - n)
        chunk = long_hyp_words[i:i + n]
        del long_hyp_words[i:i + n]
        j = rng.randrange(0, len(long_hyp_words))
        long_hyp_words[j:j] = chunk
    for _ in range(20):
        long_hyp_words[rng.randrange(len(long_hyp_words))] = rng.choice(long_words)
    very_long_ref = " ".join(news_ref[200:230])  # ~750 words
    very_long_hyp = " ".join(noisy(news_ref[200:230], 11))
    many_the_hyp = " ".join(["the"] * 60 + ["cat", "sat", "on", "the", "mat"] * 4)
    many_the_ref = " ".join((["the", "cat", "sat", "on", "the", "mat", "and", "the", "dog"] * 10))
    cases = [
        ("", "The reference of an empty hypothesis.", "Another reference."),
        ("A hypothesis whose reference is empty.", "", "The second reference is not."),
        ("", "", ""),
        ("   \t  ", "Whitespace-only hypothesis line.", "Only whitespace."),
        ("“Kami tidak akan menyerah,” katanya.", "\"We will not give up,\" he said.", "“We won’t give up,” he said."),
        ("He said: ‘It’s over’ — and left…", "He said: 'It's over' - and left...", "He said “it is over” and left."),
        ("«Bonjour» ¿Qué? ¡Sí! 「引用」、。【注】", "\"Hello\" What? Yes! [quote], . [note]", "«Hello» ¿What? ¡Yes!"),
        ("The price rose 1,000.50% to Rp 2.500.000,00 in 2020-2021.",
         "Prices rose by 1,000.5% to IDR 2,500,000 in 2020–2021.", "The price went up 1.000,50 % to Rp2.500.000 in 2020 - 2021."),
        ("Version 3.14, not 3,14; call +62-21-555-0199 at 10:30.", "Version 3.14 (not 3,14): call +62 21 5550199 at 10.30.",
         "version 3.14, not 3,14; phone +62-21-555-0199 at 10:30 am."),
        ("BREAKING: PRESIDENT JOKOWI VISITS PAPUA TODAY", "Breaking: President Jokowi visits Papua today",
         "BREAKING NEWS: JOKOWI IN PAPUA"),
        ("Digits ٣٤٥ and ३४५, m² ½ Ⅻ ① 𝟏𝟐𝟑 𝐁𝐨𝐥𝐝", "Digits 345 and 345, m2 1/2 XII 1 123 Bold", "٣٤٥ ३४५ m² ½"),
        ("€5 + $3 = ¥8 © ® ™ ° ± × ÷ → ★ 😀 👍🏽 #tag @user ^_^ ~ |x|", "5 euros plus 3 dollars = 8 yen (c) (r) tm",
         "€ 5 + $ 3 = ¥ 8 😀"),
        ("Tom &amp; Jerry &quot;cartoon&quot; &lt;b&gt;bold&lt;/b&gt; &apos;x&apos; R&D AT&T",
         "Tom & Jerry \"cartoon\" <b>bold</b> 'x' R&D AT&T", "Tom and Jerry cartoon bold"),
        ("a <skipped> word and a hyphen- ated one", "a word and a hyphenated one", "a skipped word"),
        ("tab\there\u00a0nbsp\u2009thin\u3000ideo\x1cfs\x1dgs\x1ers\x1fus zero\u200bwidth",
         "tab here nbsp thin ideo fs gs rs us zerowidth", "tab\there nbsp"),
        ("vt\x0bff\x0cnel\x85ls\u2028ps\u2029end carriage\rreturn bell\x07",
         "vt ff nel ls ps end carriage return bell", "vt ff"),
        ("ΟΔΟΣ ΣΟΦΟΣ İSTANBUL STRASSE Straße ǅemal ΣΑΣ.", "οδος σοφος istanbul strasse straße džemal σας.",
         "Odos Sofos Istanbul"),
        ("café cafe\u0301 naïve ﬁne", "café café naive fine", "cafe cafe"),
        ("U.S.-based e-mail a.m. 3.5-4.0 km/h 50/50 (approx.) e.g., i.e.", "US-based email am 3.5 - 4.0 km / h 50 / 50 (approx) eg ie",
         "U.S. based e-mail"),
        ("Jakarta's governor's office; the governors' meeting.", "The Jakarta governor's office, the governors' meeting.",
         "Jakarta 's governor 's office"),
        ("well-known 2019-2020 –—‒― --- 5-10 -5 x-", "well known 2019 - 2020 - - 5 to 10 minus 5", "well-known"),
        ("Rp1,5 triliun; US$2.3bn; 10.000 orang; 1.5.2020", "Rp 1.5 trillion; US$ 2.3 billion; 10,000 people; 1/5/2020",
         "IDR1.5tn"),
        ("!!! ??? ... ,,, ;;; :::", "! ? . , ; :", "!!!"),
        ("a", "a", "b"),
        (".", ".", ","),
        ("   leading spaces and trailing   ", "leading spaces and trailing", "leading"),
        ("end with number 2019.", "End with number 2019.", "end with number 2019 ."),
        (many_the_hyp, many_the_ref, many_the_ref.upper()),
        (" ".join(long_hyp_words), long_ref, " ".join(noisy([long_ref], 3))),
        (very_long_hyp, very_long_ref, very_long_ref.lower()),
        ("only two", " ".join(news_ref[300:306]), "only two words"),
        (" ".join(news_ref[310:316]), "two words", "two"),
        ("Unicode quotes: ‚low‘ „double“ ‹single› »reversed« ＂fullwidth＂", "Unicode quotes: 'low' \"double\" 'single' \"reversed\" \"fullwidth\"",
         "quotes"),
        ("ALL CAPS LINE WITH NUMBERS 1,234 AND 56.7%", "All caps line with numbers 1,234 and 56.7%", "all caps line"),
        ("mixed CaSe WoRdS", "Mixed case words", "MIXED CASE WORDS"),
        # TER's normalisation is not idempotent and sacrebleu applies it twice to references:
        # "'s" before punctuation.
        ("Lennon scored at St. Andrew's. It was Tottenham's, not Arsenal's!",
         "Lennon scored at St. Andrew's. It was Tottenham's, not Arsenal's!", "He shot dead a butcher's \"boy's\"."),
    ]
    return cases


# ----------------------------------------------------------------------------------------
# Metrics, as the sacrebleu command line builds them


def bleu_configs():
    out = []
    for tok in ["13a", "intl", "char", "none"]:
        for lc in [False, True]:
            out.append((f"bleu-{tok}" + ("-lc" if lc else ""), dict(tokenize=tok, lowercase=lc)))
    for smooth in ["floor", "add-k", "none"]:
        out.append((f"bleu-13a-{smooth}", dict(tokenize="13a", smooth_method=smooth)))
    return out


def metric_configs():
    out = [(name, "bleu", kw) for name, kw in bleu_configs()]
    out += [
        ("chrf", "chrf", dict()),
        ("chrf-lc", "chrf", dict(lowercase=True)),
        ("chrf++", "chrf", dict(word_order=2)),
        ("ter", "ter", dict()),
        ("ter-cs", "ter", dict(case_sensitive=True)),
        # The options of issue 14.
        ("bleu-zh", "bleu", dict(tokenize="zh")),
        ("bleu-flores101", "bleu", dict(tokenize="flores101")),
        ("bleu-flores200", "bleu", dict(tokenize="flores200")),
        ("bleu-floor-0.3", "bleu", dict(smooth_method="floor", smooth_value=0.3)),
        ("bleu-add-k-2", "bleu", dict(smooth_method="add-k", smooth_value=2)),
        ("chrf-beta3", "chrf", dict(beta=3)),
        ("chrf-space", "chrf", dict(whitespace=True)),
        ("chrf-eps", "chrf", dict(eps_smoothing=True)),
        ("chrf++-eps", "chrf", dict(word_order=2, eps_smoothing=True)),
        ("chrf-c8-w5", "chrf", dict(char_order=8, word_order=5)),
        ("chrf-c3-w1-lc-space-beta1", "chrf", dict(char_order=3, word_order=1, lowercase=True, whitespace=True, beta=1)),
        ("ter-norm", "ter", dict(normalized=True)),
        ("ter-nopunct", "ter", dict(no_punct=True)),
        ("ter-asian-norm", "ter", dict(normalized=True, asian_support=True)),
        ("ter-asian-nopunct", "ter", dict(no_punct=True, asian_support=True)),
        ("ter-all-cs", "ter", dict(normalized=True, no_punct=True, asian_support=True, case_sensitive=True)),
    ]
    return out


# Stand-ins for the FLORES SentencePiece models (unigram and BPE), relative to tests/fixtures.
SPM_STANDINS = {"flores101": "models/tiny-marian/target.spm", "flores200": "models/tiny-nllb/sentencepiece.bpe.model"}


def install_spm_standins():
    """Point sacrebleu's model cache at a temporary folder holding the stand-in models."""
    cache = Path(tempfile.mkdtemp(prefix="sacrebleu-"))
    (cache / "models").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / SPM_STANDINS["flores101"], cache / "models" / "sacrebleu_tokenizer_spm.model")
    shutil.copy(ROOT / "tests" / "fixtures" / SPM_STANDINS["flores200"], cache / "models" / "flores200sacrebleuspm")
    os.environ["SACREBLEU"] = str(cache)
    import sacrebleu.utils
    import sacrebleu.tokenizers.tokenizer_spm as spm_mod
    sacrebleu.utils.SACREBLEU_DIR = str(cache)
    spm_mod.SACREBLEU_DIR = str(cache)


def make_metric(kind, kw, refs, sentence=False):
    if kind == "bleu":
        return BLEU(references=refs, effective_order=sentence, **kw)
    if kind == "chrf":
        return CHRF(references=refs, **kw)
    return TER(references=refs, **kw)


def score_record(score, metric):
    sig = metric.get_signature().format()
    rec = {
        "score": repr(float(score.score)),
        "signature": sig,
        "line_w1": score.format(1, False, sig),
        "line_w2": score.format(2, False, sig),
        "line_w4": score.format(4, False, sig),
    }
    if isinstance(metric, BLEU):
        rec.update(
            counts=list(score.counts), totals=list(score.totals), sys_len=score.sys_len, ref_len=score.ref_len,
            bp=repr(score.bp), precisions=[repr(p) for p in score.precisions],
        )
    if isinstance(metric, TER):
        rec.update(num_edits=score.num_edits, ref_length=repr(float(score.ref_length)))
    return rec


def cli(*args):
    env = dict(os.environ, NO_COLOR="1")
    r = subprocess.run([str(SACREBLEU_CLI), *args], cwd=OUT, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"sacrebleu {' '.join(args)} failed:\n{r.stderr}")
    return r.stdout


def cli_case(args, stdin=None, extra=(), env=None):
    """A sacrebleu command line, what it printed and its exit code. The test runs
    `terjemah eval ARGS EXTRA` (EXTRA: terjemah-only arguments, e.g. --spm-model) with the same
    standard input (a fixture file) and environment."""
    e = dict(os.environ, NO_COLOR="1", **(env or {}))
    inp = (OUT / stdin).read_bytes() if stdin else b""
    r = subprocess.run([str(SACREBLEU_CLI), *args], cwd=OUT, input=inp, capture_output=True, env=e)
    if r.returncode not in (0, 1, 17):
        raise SystemExit(f"sacrebleu {' '.join(args)} crashed:\n{r.stderr.decode()}")
    return {"args": list(args), "stdin": stdin, "extra": list(extra), "env": env or {},
            "stdout": r.stdout.decode("utf-8"), "code": r.returncode}


CJK = [
    ("我爱北京天安门。", "我喜欢北京的天安门。"),
    ("今天天气很好，我们去公园吧！", "今天天气不错，我们去公园吧。"),
    ("他说：“这是2020年的事情。”", "他说：“那是2020年发生的事。”"),
    ("印尼总统佐科·维多多今天访问了巴布亚。", "印度尼西亚总统佐科今天访问巴布亚省。"),
    ("価格は1,000円です（税込）。", "値段は千円です（税込み）。"),
    ("東京オリンピックは2021年に開催された。", "東京五輪は2021年に開かれた。"),
    ("これはペンです。", "これはペンですか？"),
    ("ジャカルタで大雨が降りました、洪水の恐れ。", "ジャカルタで豪雨、洪水のおそれ。"),
    ("「こんにちは」と彼女は言った。", "彼女は「こんにちは」と言いました。"),
    ("ＡＢＣ１２３　全角文字とｶﾀｶﾅ。", "ABC123 全角文字とカタカナ。"),
    ("𠀀𠀁 Extension B 字符 and ⅫⅣ ① ☀☂ ✈ ㈱ ㎏", "扩展B字符 and 12 4 1 sun umbrella plane ㈱ kg"),
    ("Mixed English 和中文 text, with “quotes” — and… dashes.", "Mixed English and Chinese text, with \"quotes\" - and... dashes."),
    ("", "空的假设。"),
    ("韩国 한국어 문장입니다.", "한국어 문장이에요."),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    data = Path(args.data)
    OUT.mkdir(parents=True, exist_ok=True)
    install_spm_standins()

    # --- fixture texts
    news_ref = (data / "test" / "bmmt-news-test.en").read_text(encoding="utf-8").splitlines()
    news_src = (data / "test" / "bmmt-news-test.id").read_text(encoding="utf-8").splitlines()
    write_lines(OUT / "news.ref.en", news_ref)
    write_lines(OUT / "news.src.id", news_src)
    write_lines(OUT / "news.noisy.en", noisy(news_ref, 1))
    write_lines(OUT / "news.trunc.en", truncated(news_ref, 2))
    write_lines(OUT / "news.ref2.en", noisy(news_ref, 3, p_drop=0.03, p_sub=0.05, p_caps=0.0, p_dup=0.0, p_move=0.1, p_empty=0.0))
    for name, src in [("ref", "gareng-test-part1.en"), ("gnmt", "gareng-test-part1.gnmt.en"), ("gareng", "gareng-test-part1.gareng.en")]:
        lines = (data / "train" / src).read_text(encoding="utf-8").splitlines()[:2000]
        write_lines(OUT / f"mt.{name}.en", lines)
    cases = hard_cases(news_ref)
    # The hypothesis starts with a BOM (Python's utf-8 keeps it as a character); the first
    # reference has no final newline.
    write_lines(OUT / "hard.hyp.en", [c[0] for c in cases], bom=True)
    write_lines(OUT / "hard-crlf.hyp.en", [c[0] for c in cases], newline="\r\n", bom=True)
    write_lines(OUT / "hard.ref.en", [c[1] for c in cases], final_newline=False)
    write_lines(OUT / "hard.ref2.en", [c[2] for c in cases])
    write_lines(OUT / "cjk.hyp.txt", [h for h, _ in CJK])
    write_lines(OUT / "cjk.ref.txt", [r for _, r in CJK])
    mt_ref_lines = (OUT / "mt.ref.en").read_text(encoding="utf-8").splitlines()
    mt_gnmt_lines = (OUT / "mt.gnmt.en").read_text(encoding="utf-8").splitlines()
    mt_gareng_lines = (OUT / "mt.gareng.en").read_text(encoding="utf-8").splitlines()
    write_lines(OUT / "mt.ref-tabs.en", [f"{a}\t{b}" for a, b in zip(mt_ref_lines, mt_gareng_lines)])
    (OUT / "mt.gnmt.latin1.en").write_bytes(("\n".join(mt_gnmt_lines) + "\n").encode("latin-1", errors="replace"))
    write_lines(OUT / "mt.systems.tsv", [f"{a}\t{b}" for a, b in zip(mt_gnmt_lines, mt_gareng_lines)])
    write_lines(OUT / "mt.ref-short.en", mt_ref_lines[:1999])

    # --- agreement cases: name -> (hypothesis file, reference files)
    test_cases = {
        "news-noisy": ("news.noisy.en", ["news.ref.en"]),
        "news-source": ("news.src.id", ["news.ref.en"]),
        "news-trunc": ("news.trunc.en", ["news.ref.en"]),
        "news-self": ("news.ref.en", ["news.ref.en"]),
        "news-multiref": ("news.noisy.en", ["news.ref.en", "news.ref2.en"]),
        "mt-gnmt": ("mt.gnmt.en", ["mt.ref.en"]),
        "mt-gareng": ("mt.gareng.en", ["mt.ref.en"]),
        "hard": ("hard.hyp.en", ["hard.ref.en"]),
        "hard-crlf": ("hard-crlf.hyp.en", ["hard.ref.en"]),
        "hard-multiref": ("hard.hyp.en", ["hard.ref.en", "hard.ref2.en"]),
        "cjk": ("cjk.hyp.txt", ["cjk.ref.txt"]),
    }
    expected = {"sacrebleu_version": sacrebleu.__version__, "python": sys.version.split()[0], "cases": {}}
    sentence = {"cases": {}}
    for case, (hyp_file, ref_files) in test_cases.items():
        hyps = read_cli(OUT / hyp_file)
        refs = [read_cli(OUT / r) for r in ref_files]
        rec = {"hyp": hyp_file, "refs": ref_files, "metrics": {}}
        srec = {}
        for name, kind, kw in metric_configs():
            print(f"{case} {name}", file=sys.stderr)
            m = make_metric(kind, kw, refs)
            rec["metrics"][name] = {"kind": kind, "kwargs": kw, **score_record(m.corpus_score(hyps, None), m)}
            # Sentence level: every metric on the hard cases, the default ones on news-noisy.
            if case.startswith("hard") or case == "cjk" or (case == "news-noisy" and name in ("bleu-13a", "chrf", "chrf++", "ter")):
                sm = make_metric(kind, kw, refs, sentence=True)
                scores = [sm.sentence_score(h, [r[i] for r in refs]) for i, h in enumerate(hyps)]
                srec[name] = {"kind": kind, "kwargs": kw, "signature": sm.get_signature().format(),
                              "scores": [repr(float(s.score)) for s in scores]}
        expected["cases"][case] = rec
        if srec:
            sentence["cases"][case] = {"hyp": hyp_file, "refs": ref_files, "metrics": srec}

    # --- the sacrebleu command line, run unchanged by terjemah: printed output and exit code
    spm = lambda k: ["--spm-model", str(Path("..") / SPM_STANDINS[k])]  # relative to OUT
    ref, gnmt, gareng = "mt.ref.en", "mt.gnmt.en", "mt.gareng.en"
    expected["cli"] = [
        cli_case([ref, "-i", gnmt]),
        cli_case([ref, "-i", gnmt, "-m", "bleu", "chrf", "ter"]),
        cli_case([ref, "-i", gnmt, "-m", "bleu", "chrf", "ter", "-f", "text", "-w", "2"]),
        cli_case(["news.ref.en", "-i", "news.noisy.en", "-m", "bleu", "chrf", "ter", "-f", "text", "-w", "2"]),
        cli_case(["hard.ref.en", "hard.ref2.en", "-i", "hard.hyp.en", "-m", "bleu", "-tok", "intl", "-lc", "-f", "text", "-w", "3"]),
        cli_case(["news.ref.en", "-i", "news.trunc.en", "-m", "chrf", "--chrf-word-order", "2", "-f", "text"]),
        cli_case(["hard.ref.en", "-i", "hard-crlf.hyp.en", "-m", "bleu", "--sentence-level", "-w", "2"]),
        cli_case(["hard.ref.en", "-i", "hard.hyp.en", "-m", "ter", "-sl", "-sh"]),
        cli_case(["hard.ref.en", "-i", "hard.hyp.en", "-m", "chrf", "-sl", "-b"]),
        cli_case([ref, "-i", gnmt, "-b"]),
        cli_case([ref, "-i", gnmt, "-m", "bleu", "ter", "-b", "-w", "4"]),
        cli_case([ref, "-i", gnmt, "-m", "chrf", "ter", "-b", "-f", "json"]),
        cli_case([ref, "-i", gnmt, "-m", "bleu", "chrf", "ter", "-sh", "-f", "text"]),
        cli_case([ref, "-i", gnmt, "-m", "ter", "chrf", "bleu", "-sh"]),
        cli_case([ref, "-i", gnmt, "-s", "floor", "-sv", "0.2", "-f", "text"]),
        cli_case([ref, "-i", gnmt, "--smooth-method", "add-k", "--smooth-value", "3"]),
        cli_case([ref, "-i", gnmt, "-m", "chrf", "-cc", "4", "-cw", "1", "--chrf-beta", "1", "--chrf-whitespace", "--chrf-lowercase"]),
        cli_case([ref, "-i", gnmt, "-m", "chrf", "--chrf-eps-smoothing", "-f", "text"]),
        cli_case([ref, "-i", gnmt, "-m", "ter", "--ter-normalized", "--ter-no-punct", "--ter-case-sensitive", "--ter-asian-support"]),
        cli_case(["cjk.ref.txt", "-i", "cjk.hyp.txt", "-l", "en-zh", "-m", "bleu", "ter", "--ter-normalized", "--ter-asian-support", "-f", "text"]),
        cli_case(["cjk.ref.txt", "-i", "cjk.hyp.txt", "-tok", "zh", "-lc"]),
        cli_case(["cjk.ref.txt", "-i", "cjk.hyp.txt", "-tok", "flores101", "-f", "text"], extra=spm("flores101")),
        cli_case(["cjk.ref.txt", "-i", "cjk.hyp.txt", "-tok", "flores200"], extra=spm("flores200")),
        cli_case(["mt.ref-tabs.en", "-nr", "2", "-i", gnmt, "-m", "bleu", "chrf", "-f", "text"]),
        cli_case([ref, "-i", "mt.gnmt.latin1.en", "-e", "latin-1", "-f", "text"]),
        cli_case([ref, "-m", "bleu", "chrf", "-f", "text"], stdin=gnmt),
        cli_case([ref, "-m", "bleu", "-f", "text"], stdin="mt.systems.tsv"),
        cli_case([ref, "mt.ref-tabs.en"], stdin=gnmt),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "chrf", "ter"]),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "chrf", "ter", "-f", "text"]),
        cli_case([ref, "-i", gnmt, gareng, "news.trunc.en", "-m", "bleu"]),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "chrf", "-f", "latex", "-w", "2"]),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "chrf", "ter", "--paired-bs", "-f", "text"]),
        cli_case([ref, "-i", gnmt, gareng, gnmt, "-m", "bleu", "--paired-bs", "-pbsn", "300", "-sh", "-f", "latex", "-w", "3"]),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "--paired-bs"]),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "chrf", "ter", "--paired-ar", "-parn", "1000", "-f", "text"]),
        cli_case([ref, "-i", gnmt, gareng, "-m", "bleu", "-par", "-f", "text"], env={"SACREBLEU_SEED": "7"}),
        cli_case([ref, "-m", "bleu", "-pbs", "-f", "text"], stdin="mt.systems.tsv"),
        cli_case([ref, "-i", gnmt, "-m", "bleu", "chrf", "ter", "--confidence", "-f", "text", "-w", "3"]),
        cli_case([ref, "-i", gnmt, "-m", "bleu", "chrf", "--confidence", "-cin", "500"]),
        cli_case([ref, "-i", gnmt, "-m", "chrf", "-ci"], env={"SACREBLEU_SEED": "2024", "SACREBLEU_FORMAT": "text"}),
        # Failures: sacrebleu's exit codes, nothing on standard output.
        cli_case(["mt.ref-short.en", "-i", gnmt]),
        cli_case([ref, "news.ref.en", "-i", gnmt]),
        cli_case(["mt.ref-tabs.en", "-nr", "3", "-i", gnmt]),
        cli_case([ref, "-i", gnmt, "--paired-bs"]),
        cli_case([ref, "-i", gnmt, gareng, "--confidence"]),
        cli_case([ref, "-i", gnmt, "-sl", "--confidence"]),
        cli_case([ref, "-i", gnmt, gareng, "-sl"]),
        cli_case([ref, "-i", gnmt, gnmt]),
        cli_case([ref, "mt.ref-tabs.en", "-nr", "2", "-i", gnmt]),
    ]

    # --- significance tests through sacrebleu's API: every number, to compare exactly
    def paired_case(hyp_files, ref_files, metric_defs, test, n, seed):
        os.environ["SACREBLEU_SEED"] = str(seed)
        refs_ = [read_cli(OUT / r) for r in ref_files]
        systems_ = [(h, read_cli(OUT / h)) for h in hyp_files]
        metrics_ = {k: make_metric(kind, kw, refs_) for k, kind, kw in metric_defs}
        sigs, res = PairedTest(systems_, metrics_, references=None, test_type=test, n_samples=n)()
        out = {"hyps": hyp_files, "refs": ref_files, "test": test, "n": n, "seed": seed,
               "metrics": [{"kind": kind, "kwargs": kw} for _, kind, kw in metric_defs],
               "signatures": [sigs[k].format() for k in sigs],
               "results": [[{k: (None if v is None else repr(float(v))) for k, v in r.__dict__.items()} for r in res[k]]
                           for k in res if k != "System"]}
        del os.environ["SACREBLEU_SEED"]
        return out

    def confidence_case(hyp_file, ref_files, kind, kw, n, seed):
        os.environ["SACREBLEU_SEED"] = str(seed)
        refs_ = [read_cli(OUT / r) for r in ref_files]
        m = make_metric(kind, kw, refs_)
        sc = m.corpus_score(read_cli(OUT / hyp_file), None, n_bootstrap=n)
        del os.environ["SACREBLEU_SEED"]
        return {"hyp": hyp_file, "refs": ref_files, "kind": kind, "kwargs": kw, "n": n, "seed": seed,
                "signature": m.get_signature().format(), "score": repr(float(sc.score)),
                "mean": repr(float(sc._mean)), "ci": repr(float(sc._ci))}

    default3 = [("BLEU", "bleu", {}), ("CHRF", "chrf", {}), ("TER", "ter", {})]
    options3 = [("BLEU", "bleu", dict(smooth_method="floor", lowercase=True)), ("CHRF", "chrf", dict(word_order=2, eps_smoothing=True)),
                ("TER", "ter", dict(normalized=True))]
    news3 = ["news.noisy.en", "news.trunc.en", "news.src.id"]
    expected["significance"] = {
        "paired": [
            paired_case([gnmt, gareng], [ref], default3, "bs", 1000, 12345),
            paired_case([gnmt, gareng], [ref], default3, "ar", 2000, 12345),
            paired_case(news3, ["news.ref.en"], options3, "bs", 500, 7),
            paired_case(news3, ["news.ref.en", "news.ref2.en"], options3, "bs", 300, 99),
            paired_case(news3, ["news.ref.en"], options3, "ar", 1000, 7),
            paired_case(["hard.hyp.en", "hard.ref2.en"], ["hard.ref.en"], default3, "bs", 1000, 12345),
        ],
        "confidence": [
            confidence_case(gnmt, [ref], "bleu", {}, 1000, 12345),
            confidence_case(gnmt, [ref], "chrf", {}, 1000, 12345),
            confidence_case(gnmt, [ref], "ter", {}, 1000, 12345),
            confidence_case("news.noisy.en", ["news.ref.en"], "chrf", dict(word_order=2), 2000, 7),
            confidence_case("news.trunc.en", ["news.ref.en", "news.ref2.en"], "ter", {}, 500, 3),
            confidence_case("hard.hyp.en", ["hard.ref.en"], "bleu", dict(tokenize="intl"), 1000, 12345),
        ],
    }

    # --- tokenizer output on the hard cases and on news lines
    sample = [l.rstrip() for l in read_cli(OUT / "hard.hyp.en") + read_cli(OUT / "hard.ref.en") + read_cli(OUT / "hard.ref2.en")]
    sample += news_ref[:60] + news_src[:60]
    sample += [h for h, _ in CJK] + [r for _, r in CJK]
    toks = {"13a": Tokenizer13a(), "intl": TokenizerV14International(), "char": TokenizerChar(), "zh": TokenizerZh()}
    expected["tokenized"] = {"lines": sample, **{k: [t(l) for l in sample] for k, t in toks.items()}}

    # --- article mode: a translate-like tree, references with other block layouts
    art = OUT / "articles"
    shutil.rmtree(art, ignore_errors=True)
    mt_hyp = read_cli(OUT / "mt.gnmt.en")
    mt_ref = read_cli(OUT / "mt.ref.en")
    segments = []  # (hyp, ref) pairs the alignment must find, in terjemah's article order
    # a: 1:1, blank lines between blocks.
    a_h, a_r = mt_hyp[0:8], mt_ref[0:8]
    write_lines(art / "out" / "a.en.txt", [x for h in a_h for x in (h, "")])
    write_lines(art / "refs" / "a.en.txt", a_r)
    segments += list(zip(a_h, a_r))
    # c: the reference has an extra "Editor:" line.
    c_h, c_r = mt_hyp[30:40], mt_ref[30:40]
    write_lines(art / "out" / "c.en.txt", c_h)
    write_lines(art / "refs" / "c.en.txt", c_r[:5] + ["Editor: Budi Santoso"] + c_r[5:])
    segments += list(zip(c_h, c_r))
    # news/b: hypothesis block 3 split in two, reference block 7 not translated, an extra
    # untranslated boilerplate block at the end.
    b_h, b_r = mt_hyp[10:22], mt_ref[10:22]
    words = b_h[3].split(" ")
    half = len(words) // 2
    b_hyp_blocks = b_h[:3] + [" ".join(words[:half]), " ".join(words[half:])] + b_h[4:7] + b_h[8:] + ["Baca juga: Banjir kembali melanda Bekasi"]
    write_lines(art / "out" / "news" / "b.en.txt", ["", *b_hyp_blocks, ""])
    write_lines(art / "refs" / "news" / "b.en", b_r)
    segments += [(b_h[i], b_r[i]) for i in range(12) if i != 7]
    # d has no translation, e no reference.
    write_lines(art / "refs" / "d.en.txt", mt_ref[50:52])
    write_lines(art / "out" / "e.en.txt", mt_hyp[52:54])
    (art / "out" / "manifest.json").write_text("{}\n")
    seg_h = [h for h, _ in segments]
    seg_r = [[r for _, r in segments]]
    expected["articles"] = {
        "segments": [{"hyp": h, "ref": r} for h, r in segments],
        "metrics": {},
    }
    for name, kind, kw in [("bleu-13a", "bleu", dict(tokenize="13a", lowercase=False)), ("chrf", "chrf", {}), ("ter", "ter", {})]:
        m = make_metric(kind, kw, seg_r)
        expected["articles"]["metrics"][name] = score_record(m.corpus_score(seg_h, None), m)

    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "expected-sentence.json").write_text(json.dumps(sentence, ensure_ascii=False) + "\n", encoding="utf-8")
    write_unicode_tables()


def ranges(codepoints):
    out = []
    for c in codepoints:
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def write_unicode_tables():
    """Python's view of Unicode, to check that ours agrees (crates/eval/tests/sacrebleu.rs)."""
    cats = {k: regex.compile(rf"\p{{{k}}}") for k in ["P", "S", "N"]}
    tables = {k: [] for k in cats}
    space, assigned, lower = [], [], {}
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for k, r in cats.items():
            if r.match(ch):
                tables[k].append(cp)
        if ch.isspace():
            space.append(cp)
        if unicodedata.category(ch) != "Cn":
            assigned.append(cp)
        if ch.lower() != ch:
            lower[str(cp)] = ch.lower()
    doc = {
        "python_unicode": unicodedata.unidata_version,
        "regex_module": regex.__version__,
        "P": ranges(tables["P"]),
        "S": ranges(tables["S"]),
        "N": ranges(tables["N"]),
        "space": ranges(space),
        "assigned": ranges(assigned),
        "lower": lower,
    }
    (OUT / "unicode-python.json").write_text(json.dumps(doc, ensure_ascii=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
