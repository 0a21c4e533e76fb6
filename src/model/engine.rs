//! A loaded CTranslate2 translation model with its SentencePiece tokenizers.
//!
//! We tokenize ourselves (the `sentencepiece` crate) and hand CTranslate2 pieces, so that the
//! same code serves Marian/OPUS-MT and NLLB/M2M-100 layouts, sentences longer than the model
//! accepts can be split before translation ([`crate::translate`]), and tokenization runs on all
//! cores with rayon. The engine takes tokens; texts, splitting and joining are the caller's.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use ct2rs::sys::{BatchType, ComputeType, Config, Device, TranslationOptions, Translator};
use rayon::prelude::*;
use sentencepiece::SentencePieceProcessor;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::compute;
use crate::model::inspect::{check_tokenizer_matches, Layout, ModelInfo};
use crate::model::vmap::{ModelView, Shortlist, VmapChoice};

/// Weights that replicas may hold in all: ct2rs gives each replica its own copy of the weights
/// (CTranslate2's `copy_to`), so many replicas of a large model would exhaust memory.
const REPLICA_BUDGET_BYTES: u64 = 1 << 30;

/// How many batches CTranslate2 makes of `sorted` (source lengths, longest first) at `size`
/// padded tokens: a batch takes examples while their count times its first length fits, and
/// always at least one.
fn batch_count(sorted: &[usize], size: usize) -> usize {
    let (mut at, mut n) = (0, 0);
    while at < sorted.len() {
        at += (size / sorted[at].max(1)).max(1);
        n += 1;
    }
    n
}

/// The batch size (padded source tokens, at most `cap`) that cuts inputs of these `lengths` into
/// a whole multiple of `replicas` batches, packed as CTranslate2 packs them ([`batch_count`]).
/// Three batches for two replicas leave one replica idle through the third; four smaller ones
/// keep both busy to the end (README, Performance: 100 sentences of the OPUS-MT shape).
fn balanced_batch_tokens(mut lengths: Vec<usize>, cap: usize, replicas: usize) -> usize {
    let cap = cap.max(1);
    if replicas <= 1 || lengths.is_empty() {
        return cap;
    }
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    let want = batch_count(&lengths, cap).next_multiple_of(replicas);
    // Fewer batches as the size grows. The smallest size that makes no more than `want` fills
    // them evenly (the largest would leave the last one nearly empty).
    let (mut lo, mut hi) = (1, cap);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if batch_count(&lengths, mid) <= want {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Threads one replica of a model larger than `SMALL_MODEL_BYTES` takes by default before another
/// replica is made, in the oneDNN build (threaded by LLVM's OpenMP). On 2 cores one replica on
/// 2 threads ran the OPUS-MT base and transformer-big shapes 6% to 10% faster than two
/// single-threaded replicas, with one copy of the weights instead of two (README, Performance); 4 is CTranslate2's own default for a replica's threads. The other builds thread
/// Ruy and OpenBLAS by themselves and were only measured with one single-threaded replica per core.
const THREADS_PER_REPLICA: usize = if cfg!(feature = "dnnl") { 4 } else { 1 };

/// Models up to this size on disk get one single-threaded replica per thread in every build: their
/// matrices are too small to keep several threads of one replica busy (the starter model, 36 MiB,
/// 1,921 sentences: 2 replicas x 1 thread 20.2 and 28.1 s, 1 x 2 22.3 and 35.0 s, native and
/// AVX2), and their copies are cheap.
const SMALL_MODEL_BYTES: u64 = 48 << 20;

/// How many replicas (CTranslate2 inter_threads) share `threads`: one per thread for small models,
/// else enough that none takes more than `THREADS_PER_REPLICA`; never more than fit
/// `REPLICA_BUDGET_BYTES` with their weights in `compute`.
fn replicas(options: &EngineOptions, compute: Compute, model_bytes: u64) -> usize {
    let threads = options.threads.max(1);
    if options.inter_threads > 0 {
        return options.inter_threads.min(threads);
    }
    let per_replica = if model_bytes <= SMALL_MODEL_BYTES { 1 } else { THREADS_PER_REPLICA };
    // Weights in memory: as saved (int8 on disk for converted models), wider for wider types.
    let widen = match compute.0 {
        ComputeType::FLOAT32 => 4,
        ComputeType::INT16 | ComputeType::FLOAT16 | ComputeType::BFLOAT16 | ComputeType::INT8_FLOAT16 => 2,
        _ => 1,
    };
    let fit = REPLICA_BUDGET_BYTES / (model_bytes.max(1) * widen);
    threads.div_ceil(per_replica).min(fit as usize).max(1)
}

/// Replicas and threads per replica for running this model in `compute`.
fn layout(options: &EngineOptions, compute: Compute, model_bytes: u64) -> (usize, usize) {
    let inter = replicas(options, compute, model_bytes);
    (inter, (options.threads / inter).max(1))
}

/// OpenBLAS sizes its own thread pool to every core and busy-waits; CTranslate2 does not resize
/// it, so `--threads 1` would still spin two threads (measured: 17x slower on a shared 2-core
/// machine). Size it to one replica's share.
#[cfg(feature = "openblas")]
fn set_openblas_threads(n: usize) {
    unsafe extern "C" {
        fn openblas_set_num_threads(n: std::os::raw::c_int);
    }
    // SAFETY: a plain setter of OpenBLAS (linked by this feature), called before any GEMM runs.
    unsafe { openblas_set_num_threads(n.min(i32::MAX as usize) as std::os::raw::c_int) }
}

/// Compute types accepted by `--compute-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Compute(pub(crate) ComputeType);

impl FromStr for Compute {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(Compute(match s {
            "default" => ComputeType::DEFAULT,
            "auto" => ComputeType::AUTO,
            "int8" => ComputeType::INT8,
            "int8_float32" => ComputeType::INT8_FLOAT32,
            "int16" => ComputeType::INT16,
            "float32" => ComputeType::FLOAT32,
            _ => return Err(format!("unknown compute type {s:?} (int8, int8_float32, int16, float32, auto, default)")),
        }))
    }
}

impl fmt::Display for Compute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Compute {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Beam 2: what scripts/bench/levers measured best for speed and BLEU on the starter model.
const DEFAULT_BEAM: usize = 2;
const DEFAULT_MAX_DECODING_LENGTH: usize = 256;
/// Measured with oneDNN int8 on 2 cores (README, Performance): 1,024 tokens runs the starter
/// model 5% faster than 2,048 and the OPUS-MT base and transformer-big shapes 12% and 22% faster
/// (400 sentences), NLLB-600M level, with less memory every time (10,000 articles with the
/// starter model, glibc's malloc then: 374 MiB against 549 MiB). 1,536 is some 4% faster on the
/// starter, but 10,000 articles then peak at 361 MiB against 1,024's 297 (mimalloc), over the
/// memory target of model + 300 MB.
const DEFAULT_BATCH_TOKENS: usize = 1024;
/// A small model sometimes loops ("Zelenskyr Zelenskyr Zelenskyr ..."); decoding such an
/// output again with no repeated trigram ends the loop (measured on the news test with the
/// 11.5-minute GPU starter model: 23 of 1,954 lines, BLEU unchanged at 14.80, chrF +0.03).
const DEFAULT_LOOP_RETRY_NGRAM: usize = 3;

/// Decoding and threading options; these (with the model fingerprint) decide the output.
/// Also the engine part of `terjemah translate`'s command line.
#[derive(Clone, Debug, Serialize, clap::Args)]
pub(crate) struct EngineOptions {
    /// Beam size (1 = greedy)
    #[arg(long, default_value_t = DEFAULT_BEAM)]
    pub(crate) beam: usize,
    /// Longest output in tokens for one sentence (reaching it is reported in the manifest)
    #[arg(long, default_value_t = DEFAULT_MAX_DECODING_LENGTH)]
    pub(crate) max_decoding_length: usize,
    /// Tokens per batch handed to CTranslate2 (padded source tokens)
    #[arg(long, default_value_t = DEFAULT_BATCH_TOKENS)]
    pub(crate) batch_tokens: usize,
    /// An output caught in a loop is decoded again with no repeated n-gram of this many tokens
    /// (counted in the manifest as `redecoded`); 0: never (the engine's output as it is)
    #[arg(long, default_value_t = DEFAULT_LOOP_RETRY_NGRAM)]
    pub(crate) loop_retry_ngram: usize,
    /// Translate Title Case titles as written; by default the common words of an Indonesian
    /// title go to the model in lower case, as in the sentences it learnt from
    #[arg(long)]
    pub(crate) keep_title_case: bool,
    /// Compute type: int8, int8_float32, float32, int16 (MKL builds only), auto, default (as saved)
    /// [default: the faster of int8 and float32 for this model on this CPU, measured on the
    /// first run and cached in ~/.cache/terjemah/compute-types.json]
    #[arg(long, env = "TERJEMAH_COMPUTE_TYPE")]
    pub(crate) compute_type: Option<Compute>,
    /// Why the compute type is what it is (filled by `Engine::load`, for the manifest).
    #[arg(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compute_reason: Option<String>,
    /// CPU threads for translation [default: all cores]
    #[arg(long, default_value_t = all_cores(), hide_default_value = true)]
    pub(crate) threads: usize,
    /// Parallel model replicas (CTranslate2 inter_threads); each gets threads / inter-threads.
    /// 0: one per thread for models up to 48 MiB, else one per 4 threads (oneDNN build; other
    /// builds: one per thread), while their weights fit in 1 GiB (each replica holds a copy)
    #[arg(long, default_value_t = 0)]
    pub(crate) inter_threads: usize,
    /// Longest input in tokens before a sentence is split [default: from the model's config, else 256]
    #[arg(long)]
    pub(crate) max_input_tokens: Option<usize>,
    /// Source language code of multilingual models [default: ind_Latn for NLLB, __id__ for M2M-100]
    #[arg(long)]
    pub(crate) src_lang: Option<String>,
    /// Target language code of multilingual models [default: eng_Latn for NLLB, __en__ for M2M-100]
    #[arg(long)]
    pub(crate) tgt_lang: Option<String>,
    /// Vocabulary shortlist (`terjemah vmap build`): auto = the model folder's vmap.txt when it
    /// has one; off = the whole vocabulary; or a shortlist file. With a per-batch shortlist a
    /// sentence's English may change with what it is batched with; a static one never (README)
    #[arg(long, default_value_t = VmapChoice::Auto, value_name = "auto|off|PATH")]
    pub(crate) vmap: VmapChoice,
}

fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Default for EngineOptions {
    /// The command line's defaults (without `TERJEMAH_COMPUTE_TYPE`).
    fn default() -> Self {
        EngineOptions {
            beam: DEFAULT_BEAM,
            max_decoding_length: DEFAULT_MAX_DECODING_LENGTH,
            batch_tokens: DEFAULT_BATCH_TOKENS,
            loop_retry_ngram: DEFAULT_LOOP_RETRY_NGRAM,
            keep_title_case: false,
            compute_type: None,
            compute_reason: None,
            threads: all_cores(),
            inter_threads: 0,
            max_input_tokens: None,
            src_lang: None,
            tgt_lang: None,
            vmap: VmapChoice::Auto,
        }
    }
}

/// The engine's output for one input sequence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Output {
    /// Detokenized text.
    pub(crate) text: String,
    /// Target tokens produced.
    pub(crate) tokens: usize,
    /// The output reached `max_decoding_length` and may be cut short.
    pub(crate) hit_max_length: bool,
}

/// A loaded model: CTranslate2 translator, tokenizers, and the options it runs with.
pub(crate) struct Engine {
    pub(crate) info: ModelInfo,
    pub(crate) options: EngineOptions,
    translator: Translator,
    source_spm: SentencePieceProcessor,
    target_spm: SentencePieceProcessor,
    max_input_tokens: usize,
    /// CTranslate2 replicas (inter_threads).
    replicas: usize,
    /// The vocabulary shortlist decoding uses (`--vmap`), if any.
    pub(crate) shortlist: Option<Shortlist>,
    /// Set when this load measured the compute type (a note for the run's output).
    pub(crate) compute_note: Option<String>,
}

/// The decoding length asked for, within the decoder's position table (the target language
/// token of multilingual models takes one position).
fn decoding_limit(info: &ModelInfo, asked: usize) -> usize {
    info.max_output_tokens.map_or(asked, |limit| asked.min(limit.saturating_sub(1)).max(1))
}

/// Whether CTranslate2 can decode this model with this shortlist. Models decoded with a target
/// language prefix (NLLB, M2M-100) take only a static one: CTranslate2 (4.x, as vendored by
/// ct2rs 0.10.3) keeps each replica's original -> shortlist id map from batch to batch
/// (`Decoder::update_output_layer` emplaces into `_to_output_word_id` without clearing it), so
/// from the second batch on, the language token is mapped with an earlier batch's numbering:
/// an out-of-range crash ("vector::_M_range_check") or another token forced as the prefix. With
/// the same candidates in every batch the old numbering is the right one. The start and end
/// tokens are unaffected: they are the lowest ids and always candidates.
fn check_shortlist_usable(info: &ModelInfo, shortlist: &Shortlist) -> Result<()> {
    if let Layout::Multilingual { family, .. } = &info.layout {
        if shortlist.per_batch {
            return Err(Error::Usage(format!(
                "{}: a per-batch shortlist cannot decode {family} models, whose output starts with a forced language token \
                 (CTranslate2 numbers that token with the first batch's shortlist in every later batch). Build a static \
                 one with `terjemah vmap build --kind static` (the default for {family}), or pass --vmap off",
                shortlist.path.display()
            )));
        }
    }
    Ok(())
}

/// The source and target SentencePiece models of a model folder.
fn open_tokenizers(info: &ModelInfo) -> Result<(SentencePieceProcessor, SentencePieceProcessor)> {
    let open = |p: &Path| {
        SentencePieceProcessor::open(p).map_err(|e| Error::model(&info.dir, format!("cannot load tokenizer {}: {e}", p.display())))
    };
    Ok((open(&info.source_spm)?, open(&info.target_spm)?))
}

impl Engine {
    /// Load a model folder. Without a compute type in `options`, the faster of int8 and
    /// float32 on this machine is used: measured once per model and machine (see `compute`).
    pub(crate) fn load(dir: &Path, options: EngineOptions) -> Result<Engine> {
        let (info, vocab) = ModelInfo::inspect_with_vocabulary(dir, options.src_lang.as_deref(), options.tgt_lang.as_deref())?;
        let (source_spm, target_spm) = open_tokenizers(&info)?;
        let mut tokenizers = vec![(info.source_spm.as_path(), &source_spm)];
        if info.target_spm != info.source_spm {
            tokenizers.push((info.target_spm.as_path(), &target_spm));
        }
        check_tokenizer_matches(dir, &vocab, &tokenizers)?;
        let shortlist = options.vmap.resolve(dir)?;
        if let Some(s) = &shortlist {
            check_shortlist_usable(&info, s)?;
        }
        if let Some(compute) = options.compute_type {
            let mut engine = Engine::open(info, options, compute, shortlist, source_spm, target_spm)?;
            engine.options.compute_reason = Some("given (--compute-type)".into());
            return Ok(engine);
        }

        const TYPES: [&str; 2] = ["int8", "float32"];
        // Each type is measured in the layout it runs in, so the choice holds for those layouts.
        let mut layouts = Vec::with_capacity(TYPES.len());
        for name in TYPES {
            let (r, t) = layout(&options, name.parse::<Compute>().map_err(Error::Usage)?, info.size_bytes);
            layouts.push(format!("{name} {r}x{t}"));
        }
        let key = compute::key(&info.fingerprint, &layouts.join(", "));
        let file = compute::cache_file();
        if let Some(choice) = compute::cached(&file, &key) {
            if let Ok(c) = choice.compute.parse::<Compute>() {
                let mut engine = Engine::open(info, options, c, shortlist, source_spm, target_spm)?;
                engine.options.compute_reason = Some(choice.reason(true));
                return Ok(engine);
            }
        }
        // Measure: the same calibration sentences in each type, after a warm-up.
        let mut best: Option<Engine> = None;
        let mut seconds = std::collections::BTreeMap::new();
        let mut spms = Some((source_spm, target_spm));
        for name in TYPES {
            let (src, tgt) = match spms.take() {
                Some(pair) => pair,
                None => open_tokenizers(&info)?,
            };
            let mut probe = options.clone();
            probe.max_decoding_length = probe.max_decoding_length.min(64); // random-weight models never stop
            let engine = Engine::open(info.clone(), probe, name.parse::<Compute>().map_err(Error::Usage)?, shortlist.clone(), src, tgt)?;
            engine.translate_short(&compute::CALIBRATION[..compute::WARM_UP])?;
            let t0 = std::time::Instant::now();
            engine.translate_short(&compute::CALIBRATION[compute::WARM_UP..])?;
            seconds.insert(name.to_string(), t0.elapsed().as_secs_f64());
            if compute::fastest(&seconds, &TYPES) == name {
                best = Some(engine); // the loser is dropped here, freeing its weights
            }
        }
        let choice = compute::Choice {
            compute: compute::fastest(&seconds, &TYPES),
            seconds,
            measured_unix: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        };
        let mut engine = best.expect("one compute type was measured");
        // The probe capped the decoding length; the real run uses the asked one.
        engine.options.max_decoding_length = decoding_limit(&engine.info, options.max_decoding_length);
        let mut reason = choice.reason(false);
        if let Err(e) = compute::store(&file, &key, &choice) {
            reason.push_str(&format!("; not cached ({}: {e})", file.display()));
        }
        engine.compute_note = Some(format!("compute type {reason}"));
        engine.options.compute_reason = Some(reason);
        Ok(engine)
    }

    /// The engine for one compute type, with the tokenizers already opened and checked.
    fn open(
        info: ModelInfo,
        options: EngineOptions,
        compute: Compute,
        shortlist: Option<Shortlist>,
        source_spm: SentencePieceProcessor,
        target_spm: SentencePieceProcessor,
    ) -> Result<Engine> {
        let dir = info.dir.clone();
        let mut options = options;
        options.compute_type = Some(compute);
        let (inter, threads_per_replica) = layout(&options, compute, info.size_bytes);
        #[cfg(feature = "openblas")]
        set_openblas_threads(threads_per_replica);
        let config = Config {
            device: Device::CPU,
            compute_type: compute.0,
            device_indices: vec![0; inter],
            num_threads_per_replica: threads_per_replica,
            ..Default::default()
        };
        // CTranslate2 reads a shortlist only as the model folder's vmap.txt.
        let view = ModelView::for_model(&dir, shortlist.as_ref())?;
        let translator = Translator::new(view.as_ref().map_or(dir.as_path(), ModelView::path), &config).map_err(|e| {
            let e = e.to_string();
            if e.contains("compute type") {
                // Not the model's fault: this build's GEMM backends lack that type (int16 needs MKL).
                Error::Usage(format!(
                    "{}; choose another --compute-type (int8, int8_float32 and float32 work with every build)",
                    e.trim_end_matches('.')
                ))
            } else {
                Error::model(
                    &dir,
                    format!("CTranslate2 cannot load model.bin ({e}); the file may be corrupt or from an incompatible converter"),
                )
            }
        })?;
        let max_input_tokens = options.max_input_tokens.unwrap_or(info.max_input_tokens).min(info.max_input_tokens).max(8);
        options.max_decoding_length = decoding_limit(&info, options.max_decoding_length);
        Ok(Engine { info, options, translator, source_spm, target_spm, max_input_tokens, replicas: inter, shortlist, compute_note: None })
    }

    pub(crate) fn max_input_tokens(&self) -> usize {
        self.max_input_tokens
    }

    /// Whether Title Case titles go to the model in sentence case: unless `--keep-title-case`,
    /// for Indonesian sources (the word list is Indonesian).
    pub(crate) fn sentence_cases_titles(&self) -> bool {
        let indonesian = match &self.info.layout {
            Layout::Multilingual { src_lang, .. } => matches!(src_lang.as_str(), "ind_Latn" | "__id__" | "id"),
            Layout::Marian => true,
        };
        indonesian && !self.options.keep_title_case
    }

    /// Source SentencePiece pieces of `text`, without special tokens.
    pub(crate) fn tokenize(&self, text: &str) -> Result<Vec<String>> {
        let pieces = self.source_spm.encode(text).map_err(|e| Error::Engine(format!("tokenizing {text:?}: {e}")))?;
        Ok(pieces.into_iter().map(|p| p.piece).collect())
    }

    /// Target SentencePiece pieces of `text` (English), without special tokens.
    pub(crate) fn tokenize_target(&self, text: &str) -> Result<Vec<String>> {
        let pieces = self.target_spm.encode(text).map_err(|e| Error::Engine(format!("tokenizing {text:?}: {e}")))?;
        Ok(pieces.into_iter().map(|p| p.piece).collect())
    }

    /// The model's input for `pieces`: the source language code first (multilingual models),
    /// `</s>` last.
    fn wrap_source(&self, pieces: &[String]) -> Vec<String> {
        let lang = match &self.info.layout {
            Layout::Multilingual { src_lang, .. } => Some(src_lang.clone()),
            Layout::Marian => None,
        };
        lang.into_iter().chain(pieces.iter().cloned()).chain(["</s>".to_string()]).collect()
    }

    fn detokenize(&self, mut pieces: Vec<String>) -> Result<String> {
        if let Layout::Multilingual { tgt_lang, .. } = &self.info.layout {
            if pieces.first() == Some(tgt_lang) {
                pieces.remove(0);
            }
        }
        self.target_spm.decode_pieces(&pieces).map_err(|e| Error::Engine(format!("detokenizing: {e}")))
    }

    /// The most source pieces one input may hold: the model's limit less room for `</s>` and a
    /// language code. [`crate::translate`] splits longer texts before they reach the engine.
    pub(crate) fn piece_limit(&self) -> usize {
        self.max_input_tokens.saturating_sub(2).max(1)
    }

    /// Translate token sequences (source pieces without special tokens, each within
    /// [`Engine::piece_limit`]) in one CTranslate2 call, which sorts them by length, batches by
    /// tokens and spreads the batches over its replicas. Detokenizes on all cores.
    /// `no_repeat_ngram_size` > 0 forbids any n-gram of that many tokens twice in an output (the
    /// second try for outputs caught in a loop); 0 leaves decoding free.
    pub(crate) fn translate_tokens(&self, inputs: &[&[String]], no_repeat_ngram_size: usize) -> Result<Vec<Output>> {
        let max_len = self.options.max_decoding_length;
        self.decode(inputs, no_repeat_ngram_size)?
            .into_par_iter()
            .map(|hyp| {
                let tokens = hyp.len();
                Ok(Output { text: self.detokenize(hyp)?, tokens, hit_max_length: tokens >= max_len })
            })
            .collect()
    }

    /// [`Engine::translate_tokens`] without detokenizing: each input's best hypothesis as target
    /// pieces (the target language code of multilingual models left in).
    pub(crate) fn decode(&self, inputs: &[&[String]], no_repeat_ngram_size: usize) -> Result<Vec<Vec<String>>> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let source: Vec<Vec<String>> = inputs.iter().map(|t| self.wrap_source(t)).collect();
        let options = TranslationOptions::<String, String> {
            beam_size: self.options.beam.max(1),
            max_decoding_length: self.options.max_decoding_length,
            max_input_length: 0, // never truncate: the caller splits
            max_batch_size: balanced_batch_tokens(source.iter().map(Vec::len).collect(), self.options.batch_tokens, self.replicas),
            batch_type: BatchType::Tokens,
            no_repeat_ngram_size,
            use_vmap: self.shortlist.is_some(),
            ..Default::default()
        };
        let results = if let Layout::Multilingual { tgt_lang, .. } = &self.info.layout {
            let prefix = vec![vec![tgt_lang.clone()]; source.len()];
            self.translator.translate_batch_with_target_prefix(&source, &prefix, &options, None)
        } else {
            self.translator.translate_batch(&source, &options, None)
        }
        .map_err(|e| Error::Engine(e.to_string()))?;
        Ok(results.into_iter().map(|r| r.hypotheses.into_iter().next().unwrap_or_default()).collect())
    }

    /// Translate short texts whole (the compute-type calibration sentences).
    fn translate_short(&self, texts: &[&str]) -> Result<Vec<Output>> {
        let tokens = texts.iter().map(|t| self.tokenize(t)).collect::<Result<Vec<_>>>()?;
        self.translate_tokens(&tokens.iter().map(Vec::as_slice).collect::<Vec<_>>(), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_come_in_multiples_of_the_replicas() {
        // 80 sentences of 25 tokens: 40 per 1024-token batch, two full batches.
        assert_eq!(balanced_batch_tokens(vec![25; 80], 1024, 2), 1000);
        // 70: 40 + 30 at 1024; evened out to 35 + 35.
        assert_eq!(balanced_batch_tokens(vec![25; 70], 1024, 2), 875);
        // 100: 40 + 40 + 20 at 1024; balanced, four batches of 25 (625 tokens).
        assert_eq!(balanced_batch_tokens(vec![25; 100], 1024, 2), 625);
        // 90: 23 + 23 + 23 + 21.
        assert_eq!(balanced_batch_tokens(vec![25; 90], 1024, 2), 575);
        // One replica, or nothing to translate: the cap as given.
        assert_eq!(balanced_batch_tokens(vec![25; 90], 1024, 1), 1024);
        assert_eq!(balanced_batch_tokens(vec![], 1024, 2), 1024);
        // Mixed lengths, packed as CTranslate2 packs them (longest first): a multiple of 3
        // batches for 3 replicas.
        let mixed: Vec<usize> = (0..200).map(|i| 5 + (i * 37) % 60).collect();
        let size = balanced_batch_tokens(mixed.clone(), 1024, 3);
        let mut sorted = mixed;
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        let n = batch_count(&sorted, size);
        assert!(n.is_multiple_of(3) && size <= 1024, "{n} batches of at most {size} tokens");
    }

    #[test]
    fn ctranslate2_packing_is_counted_as_it_packs() {
        // 64 tokens first: 16 of them fill a 1024-token batch; then 32 of 32; then one of 5.
        let sorted = [[64; 16].as_slice(), &[32; 32], &[5]].concat();
        assert_eq!(batch_count(&sorted, 1024), 3);
        // An example longer than the batch still goes alone into one.
        assert_eq!(batch_count(&[2000, 10], 1024), 2);
        assert_eq!(batch_count(&[], 1024), 0);
    }

    #[test]
    fn replicas_share_the_threads_while_their_weights_fit() {
        let o = |threads, inter| EngineOptions { threads, inter_threads: inter, ..Default::default() };
        let per = THREADS_PER_REPLICA;
        // Small model: one replica per thread.
        assert_eq!(replicas(&o(16, 0), Compute(ComputeType::INT8), 36_000_000), 16);
        assert_eq!(replicas(&o(2, 0), Compute(ComputeType::INT8), 36_000_000), 2);
        assert_eq!(replicas(&o(1, 0), Compute(ComputeType::INT8), 36_000_000), 1);
        // Larger: as many replicas as give each at most `per` threads.
        assert_eq!(replicas(&o(2, 0), Compute(ComputeType::INT8), 76_000_000), 2_usize.div_ceil(per));
        // 225 MB: 4 copies fit in 1 GiB.
        assert_eq!(replicas(&o(6, 0), Compute(ComputeType::INT8), 225_000_000), 6_usize.div_ceil(per).min(4));
        // The size boundary.
        assert_eq!(replicas(&o(4, 0), Compute(ComputeType::INT8), 48 << 20), 4);
        assert_eq!(replicas(&o(4, 0), Compute(ComputeType::INT8), (48 << 20) + 1), 4_usize.div_ceil(per));
        // 600 MB model (NLLB-600M int8): one replica.
        assert_eq!(replicas(&o(16, 0), Compute(ComputeType::INT8), 600_000_000), 1);
        // 76 MB int8 (OPUS-MT): 14 copies would fit in 1 GiB; in float32 only 3.
        assert_eq!(replicas(&o(64, 0), Compute(ComputeType::INT8), 76_000_000), 14.min(64 / per));
        assert_eq!(replicas(&o(16, 0), Compute(ComputeType::FLOAT32), 76_000_000), 3.min(16 / per));
        // A small model in float32: one per thread while the copies fit (4 x 36 MB each).
        assert_eq!(replicas(&o(16, 0), Compute(ComputeType::FLOAT32), 36_000_000), 7);
        // Asked for: as asked, never more than the threads.
        assert_eq!(replicas(&o(4, 2), Compute(ComputeType::INT8), 600_000_000), 2);
        assert_eq!(replicas(&o(2, 8), Compute(ComputeType::INT8), 1), 2);
    }

    #[test]
    fn compute_types_parse() {
        assert_eq!("int8".parse::<Compute>().unwrap(), Compute(ComputeType::INT8));
        assert!("int4".parse::<Compute>().is_err());
    }
}
