//! A loaded CTranslate2 translation model with its SentencePiece tokenizers.
//!
//! We tokenize ourselves (the `sentencepiece` crate) and hand CTranslate2 pieces, so that the
//! same code serves Marian/OPUS-MT and NLLB/M2M-100 layouts, sentences longer than the model
//! accepts can be split before translation ([`crate::translate`]), and tokenization runs on all
//! cores with rayon. The engine takes tokens; texts, splitting and joining are the caller's.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Inputs go to the model padded to a multiple of this many tokens (with their special tokens).
///
/// CTranslate2 pads a batch to its longest input, and the padded length changes the float
/// arithmetic (attention over the padded positions is masked, but the GEMM kernels block and sum
/// it differently): a sentence alone and the same sentence padded by 2+ tokens can get different
/// English (starter model, int8 and float32: "Serangan Mematikan Hantam Ibukota Somalia" ->
/// "Deliberate ..." alone, "Despair Flashed ..." beside a longer title; scripts/bench/padding.py).
/// Which sentences were padded together depended on the rest of the run (the chunk, shard,
/// --threads, resume). So every input is padded to a length fixed by its own length: the next
/// multiple of `PAD_TO` (within the model's limit), made the batch's longest by a filler row when
/// no input of the batch has it. A sentence's English then depends on itself only: how many rows
/// share the batch and what they hold does not change it (measured: 1 to 35 rows). Batches of one
/// exact length (the build before) made small batches on small runs with many lengths: the
/// OPUS-MT base shape ran 100 sentences 2x slower than with free padding.
pub(crate) const PAD_TO: usize = 8;

/// One engine call: the inputs it translates (indices), and the length they are padded to.
#[derive(Debug, Clone, PartialEq)]
struct Batch {
    rows: Vec<usize>,
    padded: usize,
}

/// The batches one engine call is decoded in: indices of `lengths` (source tokens with special
/// tokens), each batch holding inputs of one padded length (the next multiple of `pad_to`, at
/// most `limit`), at most `cap` tokens (always at least one input), most tokens first so that
/// replicas finish together.
fn padded_batches(lengths: &[usize], pad_to: usize, cap: usize, limit: usize) -> Vec<Batch> {
    let padded = |len: usize| len.div_ceil(pad_to).saturating_mul(pad_to).min(limit).max(len);
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, &len) in lengths.iter().enumerate() {
        groups.entry(padded(len)).or_default().push(i);
    }
    let mut batches = Vec::new();
    for (len, group) in groups.into_iter().rev() {
        // Even parts within the cap (a 1,024-token cap and 50 inputs of 25: 25 + 25, not 40 + 10),
        // a row kept for the filler.
        let per = (cap / len.max(1)).max(2) - 1;
        let parts = group.len().div_ceil(per);
        let size = group.len().div_ceil(parts);
        batches.extend(group.chunks(size).map(|rows| Batch { rows: rows.to_vec(), padded: len }));
    }
    // Most tokens first (the sort is stable), so the last batches to start are small.
    batches.sort_by_key(|b| std::cmp::Reverse(b.rows.len() * b.padded));
    batches
}

/// A row of exactly `len` tokens to pad a batch to `len` with: `like` (pieces without special
/// tokens, not empty) repeated, so that it reads and ends like a sentence of the batch.
fn filler(like: &[String], len: usize) -> Vec<String> {
    like.iter().cycle().take(len).cloned().collect()
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

impl Compute {
    /// Why this build cannot run the type on CPU, if it cannot: CTranslate2's rule
    /// (`get_gemm_backend`, cpu/backend.cc) for the GEMM backends terjemah builds. Ruy (every
    /// build but `dnnl`) and oneDNN both run int8 and float32; int16 needs MKL, never built here.
    /// Decided here rather than from the text of the C++ exception, so that every failure of
    /// `Translator::new` is the model's.
    pub(crate) fn unsupported(self) -> Option<&'static str> {
        match self.0 {
            ComputeType::INT16 => Some("int16 needs CTranslate2's MKL backend, which this build lacks"),
            _ => None,
        }
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

/// The engine part of the command line (`translate`, `vmap build`), as given: [`Engine::load`]
/// resolves it for the model into its [`Decoding`] and [`Running`] settings.
#[derive(Clone, Debug, Serialize, clap::Args)]
pub(crate) struct EngineOptions {
    /// Beam size (1 = greedy)
    #[arg(long, default_value_t = DEFAULT_BEAM)]
    pub(crate) beam: usize,
    /// Longest output in tokens for one sentence (reaching it is reported in the manifest)
    #[arg(long, default_value_t = DEFAULT_MAX_DECODING_LENGTH)]
    pub(crate) max_decoding_length: usize,
    /// Source tokens per batch handed to CTranslate2 (each batch holds sentences of one length,
    /// so that none is padded: a sentence's English never depends on its neighbours)
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
            threads: all_cores(),
            inter_threads: 0,
            max_input_tokens: None,
            src_lang: None,
            tgt_lang: None,
            vmap: VmapChoice::Auto,
        }
    }
}

/// A best hypothesis: target pieces and CTranslate2's score (log-probability per token).
type Hypothesis = (Vec<String>, f32);

/// The engine's output for one input sequence.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Output {
    /// Detokenized text.
    pub(crate) text: String,
    /// Target tokens produced.
    pub(crate) tokens: usize,
    /// The hypothesis' log-probability per token (CTranslate2's score, normalised by length):
    /// the model's confidence, 0 at best.
    pub(crate) score: f32,
    /// The output reached `max_decoding_length` and may be cut short.
    pub(crate) hit_max_length: bool,
}

/// What decides a sentence's English besides the model's weights: the decoding settings as
/// resolved for this model on this machine (defaults applied, clamped to the model's limits,
/// the compute type given or measured). Resolved once by [`Engine::load`] and never changed.
///
/// The translation memory and resumed runs reuse a translation only when this value is equal:
/// their key is its whole serialization (`run::manifest::options_key`), so a field added here is
/// in the key by construction (`tests::every_decoding_field_is_in_the_key`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Decoding {
    pub(crate) beam: usize,
    /// Within the decoder's position table.
    pub(crate) max_decoding_length: usize,
    pub(crate) compute_type: Compute,
    /// Longest input before a sentence is split (`--max-input-tokens`, within the model's).
    pub(crate) max_input_tokens: usize,
    /// How the model takes its input (the language codes of multilingual models).
    pub(crate) layout: Layout,
    /// A looping output is decoded again without repeated n-grams of this size (0: never).
    #[serde(rename = "loops_redecoded_without_repeated_ngrams")]
    pub(crate) loop_retry_ngram: usize,
    pub(crate) titles_in_sentence_case: bool,
    /// The shortlist's content hash, not its path: the same shortlist elsewhere decides the same.
    pub(crate) vmap: Option<String>,
    /// Inputs are padded to a multiple of this many tokens ([`PAD_TO`]): their English depends on it.
    pub(crate) inputs_padded_to: usize,
}

/// How a loaded model runs: settings that change its speed, never its English (a sentence's
/// English depends on the sentence alone, whatever it is batched with: [`PAD_TO`]).
/// For the manifest.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Running {
    pub(crate) threads: usize,
    /// CTranslate2 replicas (inter_threads), each on `threads_per_replica` threads.
    pub(crate) replicas: usize,
    pub(crate) threads_per_replica: usize,
    pub(crate) batch_tokens: usize,
    /// Why the compute type is what it is.
    pub(crate) compute_reason: String,
}

/// A loaded model: CTranslate2 translator, tokenizers, and the resolved settings it runs with.
pub(crate) struct Engine {
    pub(crate) info: ModelInfo,
    pub(crate) decoding: Decoding,
    pub(crate) running: Running,
    translator: Translator,
    source_spm: SentencePieceProcessor,
    target_spm: SentencePieceProcessor,
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
    /// Load a model folder with the settings `options` asks for, resolved for this model
    /// ([`Engine::decoding`], [`Engine::running`]). Without a compute type in `options`, the
    /// faster of int8 and float32 on this machine is used: measured once per model and machine
    /// (see `compute`).
    pub(crate) fn load(dir: &Path, options: &EngineOptions) -> Result<Engine> {
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
            return Engine::open(info, options, compute, "given (--compute-type)".into(), shortlist, source_spm, target_spm);
        }

        const TYPES: [&str; 2] = ["int8", "float32"];
        // Each type is measured in the layout it runs in, so the choice holds for those layouts.
        let mut layouts = Vec::with_capacity(TYPES.len());
        for name in TYPES {
            let (r, t) = layout(options, name.parse::<Compute>().map_err(Error::Usage)?, info.size_bytes);
            layouts.push(format!("{name} {r}x{t}"));
        }
        let key = compute::key(&info.fingerprint, &layouts.join(", "));
        let file = compute::cache_file();
        if let Some(choice) = compute::cached(&file, &key) {
            if let Ok(c) = choice.compute.parse::<Compute>() {
                return Engine::open(info, options, c, choice.reason(true), shortlist, source_spm, target_spm);
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
            let compute = name.parse::<Compute>().map_err(Error::Usage)?;
            let engine = Engine::open(info.clone(), &probe, compute, String::new(), shortlist.clone(), src, tgt)?;
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
        let probe = best.expect("one compute type was measured");
        let mut reason = choice.reason(false);
        if let Err(e) = compute::store(&file, &key, &choice) {
            reason.push_str(&format!("; not cached ({}: {e})", file.display()));
        }
        // The probe capped the decoding length: the run's engine is resolved afresh from the
        // options (the translator, weights and tokenizers are the probe's).
        let mut engine = Engine::resolved(
            probe.info,
            options,
            probe.decoding.compute_type,
            reason,
            probe.shortlist,
            probe.translator,
            probe.source_spm,
            probe.target_spm,
        );
        engine.compute_note = Some(format!("compute type {}", engine.running.compute_reason));
        Ok(engine)
    }

    /// The engine for one compute type, with the tokenizers already opened and checked.
    fn open(
        info: ModelInfo,
        options: &EngineOptions,
        compute: Compute,
        compute_reason: String,
        shortlist: Option<Shortlist>,
        source_spm: SentencePieceProcessor,
        target_spm: SentencePieceProcessor,
    ) -> Result<Engine> {
        if let Some(why) = compute.unsupported() {
            return Err(Error::Usage(format!(
                "--compute-type {compute}: {why}; choose another (int8, int8_float32 and float32 work with every build)"
            )));
        }
        let dir = info.dir.clone();
        let (inter, threads_per_replica) = layout(options, compute, info.size_bytes);
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
            Error::model(
                &dir,
                format!("CTranslate2 cannot load model.bin ({e}); the file may be corrupt or from an incompatible converter"),
            )
        })?;
        Ok(Engine::resolved(info, options, compute, compute_reason, shortlist, translator, source_spm, target_spm))
    }

    /// The engine with its settings resolved from `options` for this model, once.
    #[allow(clippy::too_many_arguments)]
    fn resolved(
        info: ModelInfo,
        options: &EngineOptions,
        compute: Compute,
        compute_reason: String,
        shortlist: Option<Shortlist>,
        translator: Translator,
        source_spm: SentencePieceProcessor,
        target_spm: SentencePieceProcessor,
    ) -> Engine {
        let (replicas, threads_per_replica) = layout(options, compute, info.size_bytes);
        // Title Case titles go to the model in sentence case unless `--keep-title-case`, for
        // Indonesian sources (the word list is Indonesian).
        let indonesian = match &info.layout {
            Layout::Multilingual { src_lang, .. } => matches!(src_lang.as_str(), "ind_Latn" | "__id__" | "id"),
            Layout::Marian => true,
        };
        let decoding = Decoding {
            beam: options.beam.max(1),
            max_decoding_length: decoding_limit(&info, options.max_decoding_length),
            compute_type: compute,
            max_input_tokens: options.max_input_tokens.unwrap_or(info.max_input_tokens).min(info.max_input_tokens).max(8),
            layout: info.layout.clone(),
            loop_retry_ngram: options.loop_retry_ngram,
            titles_in_sentence_case: indonesian && !options.keep_title_case,
            vmap: shortlist.as_ref().map(|s| s.fingerprint.clone()),
            inputs_padded_to: PAD_TO,
        };
        let running = Running {
            threads: options.threads.max(1),
            replicas,
            threads_per_replica,
            batch_tokens: options.batch_tokens.max(1),
            compute_reason,
        };
        Engine { info, decoding, running, translator, source_spm, target_spm, shortlist, compute_note: None }
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
        self.decoding.max_input_tokens.saturating_sub(2).max(1)
    }

    /// Translate token sequences (source pieces without special tokens, each within
    /// [`Engine::piece_limit`]), batched by padded length ([`padded_batches`]) over the replicas.
    /// Detokenizes on all cores. `no_repeat_ngram_size` > 0 forbids any n-gram of that many
    /// tokens twice in an output (the second try for outputs caught in a loop); 0 leaves
    /// decoding free.
    pub(crate) fn translate_tokens(&self, inputs: &[&[String]], no_repeat_ngram_size: usize) -> Result<Vec<Output>> {
        let max_len = self.decoding.max_decoding_length;
        self.decode(inputs, no_repeat_ngram_size)?
            .into_par_iter()
            .map(|(hyp, score)| {
                let tokens = hyp.len();
                Ok(Output { text: self.detokenize(hyp)?, tokens, score, hit_max_length: tokens >= max_len })
            })
            .collect()
    }

    /// [`Engine::translate_tokens`] without detokenizing: each input's best hypothesis as target
    /// pieces (the target language code of multilingual models left in), with its score.
    pub(crate) fn decode(&self, inputs: &[&[String]], no_repeat_ngram_size: usize) -> Result<Vec<Hypothesis>> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let source: Vec<Vec<String>> = inputs.iter().map(|t| self.wrap_source(t)).collect();
        let lengths: Vec<usize> = source.iter().map(Vec::len).collect();
        // The padding the decisive options record is the padding applied.
        let batches = padded_batches(&lengths, self.decoding.inputs_padded_to, self.running.batch_tokens, self.info.max_input_tokens);
        let options = TranslationOptions::<String, String> {
            beam_size: self.decoding.beam,
            max_decoding_length: self.decoding.max_decoding_length,
            max_input_length: 0, // never truncate: the caller splits
            max_batch_size: 0,   // each call is one of our batches, as given (not re-batched)
            batch_type: BatchType::Examples,
            no_repeat_ngram_size,
            use_vmap: self.shortlist.is_some(),
            return_scores: true,
            ..Default::default()
        };
        let prefix = match &self.info.layout {
            Layout::Multilingual { tgt_lang, .. } => Some(tgt_lang),
            Layout::Marian => None,
        };
        let run = |batch: &Batch| -> Result<Vec<Hypothesis>> {
            let mut src: Vec<Vec<&str>> = batch.rows.iter().map(|&i| source[i].iter().map(String::as_str).collect()).collect();
            // Padded to its length by a filler row when no input has it (its English is dropped).
            let longest = batch.rows.iter().filter(|&&i| !inputs[i].is_empty()).max_by_key(|&&i| lengths[i]);
            let fill = match longest {
                Some(&i) if lengths[i] < batch.padded => {
                    Some(self.wrap_source(&filler(inputs[i], batch.padded - (lengths[i] - inputs[i].len()))))
                }
                _ => None,
            };
            if let Some(fill) = &fill {
                src.push(fill.iter().map(String::as_str).collect());
            }
            let results = match prefix {
                Some(lang) => self.translator.translate_batch_with_target_prefix(&src, &vec![vec![lang]; src.len()], &options, None),
                None => self.translator.translate_batch(&src, &options, None),
            }
            .map_err(|e| Error::Engine(e.to_string()))?;
            Ok(results
                .into_iter()
                .take(batch.rows.len())
                .map(|r| (r.hypotheses.into_iter().next().unwrap_or_default(), r.scores.first().copied().unwrap_or(f32::NEG_INFINITY)))
                .collect())
        };
        // One call per batch (given several, CTranslate2 would sort them together and pad again),
        // from one thread per replica that takes the next batch when its call returns, so every
        // replica stays busy as with one call. The first error stops the others.
        let next = AtomicUsize::new(0);
        let worker = || -> Result<Vec<(usize, Vec<Hypothesis>)>> {
            let mut done = Vec::new();
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                let Some(batch) = batches.get(b) else { return Ok(done) };
                match run(batch) {
                    Ok(hyps) => done.push((b, hyps)),
                    Err(e) => {
                        next.store(batches.len(), Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
        };
        let workers = self.running.replicas.min(batches.len()).max(1);
        let finished: Vec<Result<_>> = if workers == 1 {
            vec![worker()]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers).map(|_| s.spawn(worker)).collect();
                handles.into_iter().map(|h| h.join().expect("a decoding thread panicked")).collect()
            })
        };
        let mut out = vec![(Vec::new(), 0.0); source.len()];
        for done in finished {
            for (b, hyps) in done? {
                for (&i, hyp) in batches[b].rows.iter().zip(hyps) {
                    out[i] = hyp;
                }
            }
        }
        Ok(out)
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
    fn batches_hold_one_padded_length_each_within_the_cap() {
        // 50 inputs of 24 tokens: two even batches within 1,024 tokens (not 41 + 9), a row left
        // for the filler.
        let b = padded_batches(&[24; 50], PAD_TO, 1024, 512);
        assert_eq!(b.iter().map(|b| b.rows.len()).collect::<Vec<_>>(), [25, 25]);
        assert!(b.iter().all(|b| b.padded == 24));
        // Lengths 17 to 24 share one padded length; 25 starts the next; the model's limit caps it.
        let b = padded_batches(&[17, 24, 25, 300], PAD_TO, 1024, 301);
        assert_eq!(b.iter().map(|b| (b.rows.clone(), b.padded)).collect::<Vec<_>>(), [(vec![3], 301), (vec![0, 1], 24), (vec![2], 32)]);
        // Mixed lengths: one padded length per batch, never below an input's length, every input
        // once, the cap kept with the filler row (an input longer than the cap goes alone), the
        // batches with most tokens first.
        let lengths: Vec<usize> = (0..300).map(|i| 3 + (i * 37) % 60).chain([2000, 7]).collect();
        let batches = padded_batches(&lengths, PAD_TO, 1024, 4096);
        let mut seen: Vec<usize> = batches.iter().flat_map(|b| b.rows.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        let tokens = |b: &Batch| b.rows.len() * b.padded;
        for b in &batches {
            assert!(b.rows.iter().all(|&i| b.padded == lengths[i].div_ceil(PAD_TO) * PAD_TO), "{b:?}");
            assert!(tokens(b) + b.padded <= 1024 || b.rows.len() == 1, "{b:?}");
        }
        assert!(batches.windows(2).all(|w| tokens(&w[0]) >= tokens(&w[1])));
        // Which batch an input lands in depends on its length, not on the order of the inputs.
        let reversed: Vec<usize> = lengths.iter().rev().copied().collect();
        let sizes = |b: &[Batch]| {
            let mut s: Vec<(usize, usize)> = b.iter().map(|b| (b.padded, b.rows.len())).collect();
            s.sort_unstable();
            s
        };
        assert_eq!(sizes(&batches), sizes(&padded_batches(&reversed, PAD_TO, 1024, 4096)));
        assert!(padded_batches(&[], PAD_TO, 1024, 512).is_empty());
    }

    #[test]
    fn the_filler_has_the_padded_length() {
        let like: Vec<String> = ["▁Dia", "▁pergi", "."].map(String::from).to_vec();
        assert_eq!(filler(&like, 7), ["▁Dia", "▁pergi", ".", "▁Dia", "▁pergi", ".", "▁Dia"]);
        assert_eq!(filler(&like, 2).len(), 2);
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
