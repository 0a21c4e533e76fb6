//! A loaded CTranslate2 translation model with its SentencePiece tokenizers.
//!
//! We tokenize ourselves (the `sentencepiece` crate) and hand CTranslate2 pieces, so that the
//! same code serves Marian/OPUS-MT and NLLB/M2M-100 layouts, sentences longer than the model
//! accepts can be split before translation, and tokenization runs on all cores with rayon.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ct2rs::sys::{BatchType, ComputeType, Config, Device, TranslationOptions, Translator};
use rayon::prelude::*;
use sentencepiece::SentencePieceProcessor;
use serde::Serialize;

use crate::compute;
use crate::error::{Error, Result};
use crate::segment;

/// Input limit when the model's config.json does not give one.
pub const DEFAULT_MAX_INPUT_TOKENS: usize = 256;

/// How a model folder expects its input, detected from the files it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Layout {
    /// OPUS-MT / Marian: `source.spm`, `target.spm`; input is pieces + `</s>`.
    Marian,
    /// NLLB-200 or M2M-100: `sentencepiece.bpe.model`; input is `[src_lang] + pieces + </s>`,
    /// target prefix `[tgt_lang]`.
    Multilingual { family: String, src_lang: String, tgt_lang: String },
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layout::Marian => write!(f, "marian"),
            Layout::Multilingual { family, src_lang, tgt_lang } => write!(f, "{family} ({src_lang} -> {tgt_lang})"),
        }
    }
}

/// What `terjemah` knows of a model folder before loading the weights.
#[derive(Clone, Debug, Serialize)]
pub struct ModelInfo {
    pub dir: PathBuf,
    pub layout: Layout,
    /// Short content hash of the weights, configuration, vocabulary and tokenizers.
    pub fingerprint: String,
    pub max_input_tokens: usize,
    /// Longest output the decoder's position table allows (None: no table, no limit).
    pub max_output_tokens: Option<usize>,
    pub vocabulary_size: usize,
    pub size_bytes: u64,
    /// The note a model's `terjemah.json` carries (e.g. "interim model"), if any.
    pub note: Option<String>,
    /// Languages recorded in `terjemah.json` ("id -> en"), for layouts that do not name them.
    pub languages: Option<String>,
    #[serde(skip)]
    source_spm: PathBuf,
    #[serde(skip)]
    target_spm: PathBuf,
}

const VOCAB_FILES: &[&str] = &["shared_vocabulary.json", "shared_vocabulary.txt", "source_vocabulary.json", "source_vocabulary.txt"];

impl ModelInfo {
    /// Inspect a model folder; `src_lang`/`tgt_lang` override the multilingual defaults.
    pub fn inspect(dir: &Path, src_lang: Option<&str>, tgt_lang: Option<&str>) -> Result<ModelInfo> {
        Self::inspect_with_vocabulary(dir, src_lang, tgt_lang).map(|(info, _)| info)
    }

    fn inspect_with_vocabulary(dir: &Path, src_lang: Option<&str>, tgt_lang: Option<&str>) -> Result<(ModelInfo, HashSet<String>)> {
        if !dir.is_dir() {
            return Err(Error::model(
                dir,
                "not found. Pass --model DIR (a folder written by ct2-transformers-converter), or build the \
                 bundled model with scripts/train-starter/run",
            ));
        }
        let need = |name: &str| -> Result<PathBuf> {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(Error::model(dir, format!("incomplete: {name} is missing (expected the output of ct2-transformers-converter)")))
            }
        };
        let model_bin = need("model.bin")?;
        let config_json = need("config.json")?;
        let vocab_path = VOCAB_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file()).ok_or_else(|| {
            Error::model(dir, "incomplete: no vocabulary file (shared_vocabulary.json or source_vocabulary.json) is present")
        })?;
        let vocab = read_vocabulary(&vocab_path)?;

        let (layout, source_spm, target_spm) = if dir.join("source.spm").is_file() || dir.join("target.spm").is_file() {
            (Layout::Marian, need("source.spm")?, need("target.spm")?)
        } else if dir.join("sentencepiece.bpe.model").is_file() {
            let spm = dir.join("sentencepiece.bpe.model");
            let (family, s, t) = if vocab.contains("eng_Latn") {
                ("nllb", "ind_Latn", "eng_Latn")
            } else if vocab.contains("__en__") {
                ("m2m100", "__id__", "__en__")
            } else {
                return Err(Error::model(
                    dir,
                    "sentencepiece.bpe.model found but the vocabulary has no language codes (eng_Latn or __en__)",
                ));
            };
            let src = src_lang.unwrap_or(s).to_string();
            let tgt = tgt_lang.unwrap_or(t).to_string();
            for code in [&src, &tgt] {
                if !vocab.contains(code.as_str()) {
                    return Err(Error::model(
                        dir,
                        format!("language code {code} is not in the model vocabulary (use --src-lang/--tgt-lang)"),
                    ));
                }
            }
            (Layout::Multilingual { family: family.into(), src_lang: src, tgt_lang: tgt }, spm.clone(), spm)
        } else {
            return Err(Error::model(
                dir,
                "no tokenizer: expected source.spm and target.spm (Marian/OPUS-MT) or sentencepiece.bpe.model (NLLB/M2M-100)",
            ));
        };

        let config: serde_json::Value = serde_json::from_slice(&std::fs::read(&config_json).map_err(|e| Error::io(&config_json, e))?)
            .map_err(|e| Error::model(dir, format!("config.json is not valid JSON: {e}")))?;
        let configured = ["max_input_length", "max_source_length", "max_position_embeddings"]
            .iter()
            .find_map(|k| config.get(*k).and_then(|v| v.as_u64()))
            .map_or(DEFAULT_MAX_INPUT_TOKENS, |v| v as usize);
        let (enc_positions, dec_positions) = position_limits(&model_bin)
            .map_err(|e| Error::model(dir, format!("model.bin is unreadable or truncated ({e}); convert the model again")))?;
        let max_input_tokens = configured.min(enc_positions.unwrap_or(usize::MAX));

        let mut files = vec![model_bin.clone(), config_json.clone(), vocab_path.clone(), source_spm.clone()];
        if target_spm != source_spm {
            files.push(target_spm.clone());
        }
        let (fingerprint, size_bytes) = fingerprint(&files)?;
        let meta = std::fs::read(dir.join("terjemah.json")).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        let meta_str = |k: &str| meta.as_ref().and_then(|v| v.get(k)).and_then(|n| n.as_str()).map(str::to_string);
        let (note, languages) = (meta_str("note"), meta_str("languages"));
        let info = ModelInfo {
            dir: dir.to_path_buf(),
            layout,
            fingerprint,
            max_input_tokens,
            max_output_tokens: dec_positions,
            vocabulary_size: vocab.len(),
            size_bytes,
            note,
            languages,
            source_spm,
            target_spm,
        };
        Ok((info, vocab))
    }
}

/// Position table sizes (encoder, decoder) stored in a CTranslate2 `model.bin`, read from the
/// variable headers (seeking over the weights). CTranslate2 fails a whole batch on input or
/// output longer than these, so they bound the input limit and the decoding length. Models
/// with sinusoidal positions computed on the fly have no table: `None`.
pub fn position_limits(model_bin: &Path) -> std::io::Result<(Option<usize>, Option<usize>)> {
    use std::io::{BufReader, Read as _, Seek, SeekFrom};
    let mut f = BufReader::new(std::fs::File::open(model_bin)?);
    let u32_ = |f: &mut BufReader<std::fs::File>| -> std::io::Result<u32> {
        let mut b = [0u8; 4];
        f.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    };
    let string = |f: &mut BufReader<std::fs::File>| -> std::io::Result<String> {
        let mut b = [0u8; 2];
        f.read_exact(&mut b)?;
        let mut s = vec![0u8; u16::from_le_bytes(b) as usize];
        f.read_exact(&mut s)?;
        s.pop(); // NUL terminator
        Ok(String::from_utf8_lossy(&s).into_owned())
    };
    let version = u32_(&mut f)?;
    if version >= 2 {
        string(&mut f)?;
        u32_(&mut f)?;
    }
    let (mut enc, mut dec) = (None, None);
    let mut sizes: HashMap<String, usize> = HashMap::new();
    for _ in 0..u32_(&mut f)? {
        let name = string(&mut f)?;
        let mut rank = [0u8; 1];
        f.read_exact(&mut rank)?;
        let dims: Vec<u32> = (0..rank[0]).map(|_| u32_(&mut f)).collect::<std::io::Result<_>>()?;
        let mut b = [0u8; 1];
        f.read_exact(&mut b)?;
        let bytes = if version >= 4 { u32_(&mut f)? as i64 } else { u32_(&mut f)? as i64 * b[0] as i64 };
        if name.ends_with("position_encodings/encodings") {
            sizes.insert(name, dims.first().map_or(0, |&d| d as usize));
        }
        f.seek(SeekFrom::Current(bytes))?;
    }
    // Identical tables are stored once; the other name is an alias (binary version >= 3).
    if version >= 3 {
        for _ in 0..u32_(&mut f)? {
            let (alias, target) = (string(&mut f)?, string(&mut f)?);
            if let Some(&n) = sizes.get(&target) {
                sizes.insert(alias, n);
            }
        }
    }
    enc = enc.or(sizes.get("encoder/position_encodings/encodings").copied());
    dec = dec.or(sizes.get("decoder/position_encodings/encodings").copied());
    Ok((enc, dec))
}

fn read_vocabulary(path: &Path) -> Result<HashSet<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    if path.extension().is_some_and(|e| e == "json") {
        let v: Vec<String> = serde_json::from_slice(&bytes)
            .map_err(|e| Error::model(dir, format!("{} is not a JSON list of tokens: {e}", path.display())))?;
        Ok(v.into_iter().collect())
    } else {
        let text = String::from_utf8(bytes).map_err(|_| Error::model(dir, format!("{} is not UTF-8", path.display())))?;
        Ok(text.lines().map(str::to_string).collect())
    }
}

fn fingerprint(files: &[PathBuf]) -> Result<(String, u64)> {
    let mut h = blake3::Hasher::new();
    let mut size = 0;
    for f in files {
        h.update(f.file_name().unwrap_or_default().as_encoded_bytes());
        h.update_mmap_rayon(f).map_err(|e| Error::io(f, e))?;
        size += std::fs::metadata(f).map_err(|e| Error::io(f, e))?.len();
    }
    Ok((h.finalize().to_hex()[..16].to_string(), size))
}

/// Weights that replicas may hold in all: ct2rs gives each replica its own copy of the weights
/// (CTranslate2's `copy_to`), so many replicas of a large model would exhaust memory.
const REPLICA_BUDGET_BYTES: u64 = 1 << 30;

/// How many replicas (CTranslate2 inter_threads) share `threads`. Measured on 2 cores with the
/// starter model (README, Performance): one single-threaded replica per core beats one replica
/// using every core (small batches leave a multi-threaded GEMM idle between steps), so by
/// default every thread gets its own replica while their weights fit `REPLICA_BUDGET_BYTES`.
pub fn replicas(options: &EngineOptions, model_bytes: u64) -> usize {
    let threads = options.threads.max(1);
    if options.inter_threads > 0 {
        return options.inter_threads.min(threads);
    }
    // Weights in memory: as saved (int8 on disk for converted models), wider for wider types.
    let widen = match options.compute_type.map_or(ComputeType::INT8, |c| c.0) {
        ComputeType::FLOAT32 => 4,
        ComputeType::INT16 | ComputeType::FLOAT16 | ComputeType::BFLOAT16 | ComputeType::INT8_FLOAT16 => 2,
        _ => 1,
    };
    let fit = REPLICA_BUDGET_BYTES / (model_bytes.max(1) * widen);
    (fit as usize).clamp(1, threads)
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
pub struct Compute(pub ComputeType);

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

/// Decoding and threading options; these (with the model fingerprint) decide the output.
#[derive(Clone, Debug, Serialize)]
pub struct EngineOptions {
    pub beam: usize,
    pub max_decoding_length: usize,
    /// Tokens per batch handed to CTranslate2 (padded source tokens).
    pub batch_tokens: usize,
    /// None: the faster of int8 and float32 for this model on this machine (measured once).
    pub compute_type: Option<Compute>,
    /// Why the compute type is what it is (filled by `Engine::load`, for the manifest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compute_reason: Option<String>,
    /// Total CPU threads; split into `inter_threads` replicas of `threads / inter_threads`.
    pub threads: usize,
    /// Model replicas translating batches in parallel; 0 chooses (see `replicas`).
    pub inter_threads: usize,
    /// Overrides the model's input limit.
    pub max_input_tokens: Option<usize>,
    pub src_lang: Option<String>,
    pub tgt_lang: Option<String>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            beam: 2,
            max_decoding_length: 256,
            batch_tokens: 2048,
            compute_type: None,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            inter_threads: 0,
            compute_reason: None,
            max_input_tokens: None,
            src_lang: None,
            tgt_lang: None,
        }
    }
}

/// One translated text, with what happened on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translation {
    pub text: String,
    /// Number of pieces the source was split into because it exceeded the input limit (1: not split).
    pub pieces: usize,
    /// Some piece's output reached `max_decoding_length` and may be cut short.
    pub hit_max_length: bool,
    /// Source and target token counts (for statistics).
    pub source_tokens: usize,
    pub target_tokens: usize,
    /// Glossary targets the output lacks (checked after translation, never stored).
    pub glossary_missing: Vec<String>,
}

pub struct Engine {
    pub info: ModelInfo,
    pub options: EngineOptions,
    translator: Translator,
    source_spm: SentencePieceProcessor,
    target_spm: SentencePieceProcessor,
    max_input_tokens: usize,
    /// Set when this load measured the compute type (a note for the run's output).
    pub compute_note: Option<String>,
}

/// The decoding length asked for, within the decoder's position table (the target language
/// token of multilingual models takes one position).
fn decoding_limit(info: &ModelInfo, asked: usize) -> usize {
    info.max_output_tokens.map_or(asked, |limit| asked.min(limit.saturating_sub(1)).max(1))
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
    pub fn load(dir: &Path, options: EngineOptions) -> Result<Engine> {
        let (info, vocab) = ModelInfo::inspect_with_vocabulary(dir, options.src_lang.as_deref(), options.tgt_lang.as_deref())?;
        let (source_spm, target_spm) = open_tokenizers(&info)?;
        let mut tokenizers = vec![(info.source_spm.as_path(), &source_spm)];
        if info.target_spm != info.source_spm {
            tokenizers.push((info.target_spm.as_path(), &target_spm));
        }
        check_tokenizer_matches(dir, &vocab, &tokenizers)?;
        if let Some(compute) = options.compute_type {
            let mut engine = Engine::open(info, options, compute, source_spm, target_spm)?;
            engine.options.compute_reason = Some("given (--compute-type)".into());
            return Ok(engine);
        }

        let key = compute::key(&info.fingerprint, options.inter_threads, options.threads);
        let file = compute::cache_file();
        if let Some(choice) = compute::cached(&file, &key) {
            if let Ok(c) = choice.compute.parse::<Compute>() {
                let mut engine = Engine::open(info, options, c, source_spm, target_spm)?;
                engine.options.compute_reason = Some(choice.reason(true));
                return Ok(engine);
            }
        }
        // Measure: the same calibration sentences in each type, after a warm-up.
        const TYPES: [&str; 2] = ["int8", "float32"];
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
            let engine = Engine::open(info.clone(), probe, name.parse::<Compute>().map_err(Error::Usage)?, src, tgt)?;
            engine.translate(&compute::CALIBRATION[..compute::WARM_UP])?;
            let t0 = std::time::Instant::now();
            engine.translate(&compute::CALIBRATION[compute::WARM_UP..])?;
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
        source_spm: SentencePieceProcessor,
        target_spm: SentencePieceProcessor,
    ) -> Result<Engine> {
        let dir = info.dir.clone();
        let mut options = options;
        options.compute_type = Some(compute);
        let inter = replicas(&options, info.size_bytes);
        let threads_per_replica = (options.threads / inter).max(1);
        #[cfg(feature = "openblas")]
        set_openblas_threads(threads_per_replica);
        let config = Config {
            device: Device::CPU,
            compute_type: compute.0,
            device_indices: vec![0; inter],
            num_threads_per_replica: threads_per_replica,
            ..Default::default()
        };
        let translator = Translator::new(&dir, &config).map_err(|e| {
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
        Ok(Engine { info, options, translator, source_spm, target_spm, max_input_tokens, compute_note: None })
    }

    pub fn max_input_tokens(&self) -> usize {
        self.max_input_tokens
    }

    /// Source SentencePiece pieces of `text`, without special tokens.
    pub fn tokenize(&self, text: &str) -> Result<Vec<String>> {
        let pieces = self.source_spm.encode(text).map_err(|e| Error::Engine(format!("tokenizing {text:?}: {e}")))?;
        Ok(pieces.into_iter().map(|p| p.piece).collect())
    }

    fn wrap_source(&self, mut pieces: Vec<String>) -> Vec<String> {
        if let Layout::Multilingual { src_lang, .. } = &self.info.layout {
            pieces.insert(0, src_lang.clone());
        }
        pieces.push("</s>".to_string());
        pieces
    }

    fn detokenize(&self, mut pieces: Vec<String>) -> Result<String> {
        if let Layout::Multilingual { tgt_lang, .. } = &self.info.layout {
            if pieces.first() == Some(tgt_lang) {
                pieces.remove(0);
            }
        }
        self.target_spm.decode_pieces(&pieces).map_err(|e| Error::Engine(format!("detokenizing: {e}")))
    }

    /// Translate many texts at once. Texts longer than the input limit are split (clauses, then
    /// spaces, then inside a token), translated in pieces and joined. Duplicates are the
    /// caller's business (the pipeline removes them before calling).
    pub fn translate(&self, texts: &[&str]) -> Result<Vec<Translation>> {
        // 1. Tokenize on all cores, splitting what is too long.
        struct Piece {
            text: usize,
            joiner: &'static str,
            tokens: Vec<String>,
        }
        let limit = self.max_input_tokens.saturating_sub(2).max(1); // room for </s> and a language code
        let per_text: Vec<Vec<Piece>> = texts
            .par_iter()
            .enumerate()
            .map(|(ti, text)| -> Result<Vec<Piece>> {
                let tokens = self.tokenize(text)?;
                if tokens.len() <= limit {
                    return Ok(vec![Piece { text: ti, joiner: "", tokens }]);
                }
                let count = |s: &str| self.tokenize(s).map_or(usize::MAX, |t| t.len());
                let ranges = segment::split_long(text, limit, &count);
                let mut out = Vec::with_capacity(ranges.len());
                let mut prev_end = None;
                for r in ranges {
                    let joiner = match prev_end {
                        Some(e) if text[e..r.start].is_empty() => "",
                        Some(_) => " ",
                        None => "",
                    };
                    prev_end = Some(r.end);
                    let mut tokens = self.tokenize(&text[r])?;
                    tokens.truncate(limit); // only a single character can still exceed the limit
                    out.push(Piece { text: ti, joiner, tokens });
                }
                Ok(out)
            })
            .collect::<Result<_>>()?;
        let pieces: Vec<Piece> = per_text.into_iter().flatten().filter(|p| !p.tokens.is_empty()).collect();

        // 2. One call: CTranslate2 sorts by length, batches by tokens and spreads the batches
        //    over its replicas.
        let source: Vec<Vec<String>> = pieces.iter().map(|p| self.wrap_source(p.tokens.clone())).collect();
        let options = TranslationOptions::<String, String> {
            beam_size: self.options.beam.max(1),
            max_decoding_length: self.options.max_decoding_length,
            max_input_length: 0, // never truncate: we split above
            max_batch_size: self.options.batch_tokens,
            batch_type: BatchType::Tokens,
            ..Default::default()
        };
        let results = if source.is_empty() {
            Vec::new()
        } else if let Layout::Multilingual { tgt_lang, .. } = &self.info.layout {
            let prefix = vec![vec![tgt_lang.clone()]; source.len()];
            self.translator
                .translate_batch_with_target_prefix(&source, &prefix, &options, None)
                .map_err(|e| Error::Engine(e.to_string()))?
        } else {
            self.translator.translate_batch(&source, &options, None).map_err(|e| Error::Engine(e.to_string()))?
        };

        // 3. Detokenize on all cores and join the pieces of each text.
        let max_len = self.options.max_decoding_length;
        let decoded: Vec<(String, usize, bool)> = results
            .into_par_iter()
            .map(|r| -> Result<(String, usize, bool)> {
                let hyp = r.hypotheses.into_iter().next().unwrap_or_default();
                let n = hyp.len();
                Ok((self.detokenize(hyp)?, n, n >= max_len))
            })
            .collect::<Result<_>>()?;
        let mut out = vec![Translation::default(); texts.len()];
        for (p, (text, n, hit)) in pieces.iter().zip(decoded) {
            let t = &mut out[p.text];
            if !t.text.is_empty() && !text.is_empty() {
                t.text.push_str(if p.joiner.is_empty() { "" } else { " " });
            }
            t.text.push_str(text.trim());
            t.pieces += 1;
            t.hit_max_length |= hit;
            t.source_tokens += p.tokens.len();
            t.target_tokens += n;
        }
        Ok(out)
    }
}

/// The tokenizers must be the ones the model was trained with. Two checks, because OPUS-MT
/// ships two SentencePiece models (one per language) with ONE joint vocabulary, their union:
/// 1. what each tokenizer emits must be in the vocabulary (a piece outside it becomes `<unk>`):
///    a tokenizer taken from another model fails here;
/// 2. the vocabulary must be made of the tokenizers' pieces, taken together.
fn check_tokenizer_matches(dir: &Path, vocab: &HashSet<String>, tokenizers: &[(&Path, &SentencePieceProcessor)]) -> Result<()> {
    let advice = "copy the .spm / sentencepiece.bpe.model files that came with this model";
    let mut all_pieces: HashSet<String> = HashSet::new();
    for (path, spm) in tokenizers {
        let pieces = spm_pieces::normal(spm).map_err(|e| Error::model(dir, format!("cannot read tokenizer {}: {e}", path.display())))?;
        let known = pieces.iter().filter(|p| vocab.contains(*p)).count();
        // Real vocabularies may leave out pieces the training data never produced: a margin.
        if pieces.is_empty() || (known as f64) < 0.9 * pieces.len() as f64 {
            return Err(Error::model(
                dir,
                format!(
                    "the tokenizer does not match the model vocabulary (only {known} of the {} pieces of {} are in the vocabulary); {advice}",
                    pieces.len(),
                    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()),
                ),
            ));
        }
        all_pieces.extend(pieces);
    }
    // Special tokens (<unk>, </s>), language codes (ind_Latn, __id__) and fairseq's filler
    // tokens (madeupword0) are not SentencePiece pieces.
    let special = |t: &str| {
        t.starts_with("madeupword")
            || (t.starts_with('<') && t.ends_with('>'))
            || (t.starts_with("__") && t.ends_with("__"))
            || (t.len() == 8 && t.as_bytes()[3] == b'_' && t.is_ascii())
    };
    let regular: Vec<&String> = vocab.iter().filter(|t| !special(t)).collect();
    let known = regular.iter().filter(|t| all_pieces.contains(t.as_str())).count();
    if regular.is_empty() || (known as f64) < 0.9 * regular.len() as f64 {
        return Err(Error::model(
            dir,
            format!(
                "the tokenizer does not match the model vocabulary ({known} of {} vocabulary tokens are pieces of its SentencePiece models); {advice}",
                regular.len()
            ),
        ));
    }
    Ok(())
}

/// The pieces of a SentencePiece model, read from its serialized `ModelProto` (the crate has
/// no call that lists them). Only the two fields used are declared; prost skips the rest.
mod spm_pieces {
    use sentencepiece::SentencePieceProcessor;

    #[derive(Clone, PartialEq, prost::Message)]
    struct ModelProto {
        #[prost(message, repeated, tag = "1")]
        pieces: Vec<Piece>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    struct Piece {
        #[prost(string, optional, tag = "1")]
        piece: Option<String>,
        /// `SentencePiece.Type`: NORMAL 1 (the default), UNKNOWN 2, CONTROL 3, USER_DEFINED 4,
        /// UNUSED 5, BYTE 6.
        #[prost(int32, optional, tag = "3")]
        kind: Option<i32>,
    }

    /// The ordinary pieces (no control, unknown, byte or unused entries).
    pub fn normal(spm: &SentencePieceProcessor) -> Result<Vec<String>, prost::DecodeError> {
        let model: ModelProto = prost::Message::decode(spm.to_serialized_proto().as_slice())?;
        Ok(model.pieces.into_iter().filter(|p| p.kind.unwrap_or(1) == 1).filter_map(|p| p.piece).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_fill_the_threads_while_their_weights_fit() {
        let o = |threads, inter, compute| EngineOptions {
            threads,
            inter_threads: inter,
            compute_type: Some(Compute(compute)),
            ..Default::default()
        };
        // Small model: one replica per thread.
        assert_eq!(replicas(&o(16, 0, ComputeType::INT8), 9_000_000), 16);
        // 600 MB model (NLLB-600M int8): one replica.
        assert_eq!(replicas(&o(16, 0, ComputeType::INT8), 600_000_000), 1);
        // 76 MB int8 (OPUS-MT): 14 copies fit in 1 GiB; in float32 only 3.
        assert_eq!(replicas(&o(16, 0, ComputeType::INT8), 76_000_000), 14);
        assert_eq!(replicas(&o(16, 0, ComputeType::FLOAT32), 76_000_000), 3);
        // Asked for: as asked, never more than the threads.
        assert_eq!(replicas(&o(4, 2, ComputeType::INT8), 600_000_000), 2);
        assert_eq!(replicas(&o(2, 8, ComputeType::INT8), 1), 2);
    }

    #[test]
    fn compute_types_parse() {
        assert_eq!("int8".parse::<Compute>().unwrap(), Compute(ComputeType::INT8));
        assert!("int4".parse::<Compute>().is_err());
    }

    #[test]
    fn position_tables_are_read_from_model_bin() {
        let m = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/tiny-marian/model.bin");
        assert_eq!(position_limits(&m).unwrap(), (Some(128), Some(128)));
        let info = ModelInfo::inspect(m.parent().unwrap(), None, None).unwrap();
        assert_eq!((info.max_input_tokens, info.max_output_tokens), (128, Some(128)));
    }

    #[test]
    fn sentencepiece_pieces_are_listed_without_special_entries() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/tiny-opus");
        let spm = SentencePieceProcessor::open(dir.join("source.spm")).unwrap();
        let pieces = spm_pieces::normal(&spm).unwrap();
        // 800 entries: <unk>, <s>, </s> and 797 ordinary pieces.
        assert_eq!((spm.len(), pieces.len()), (800, 797));
        assert!(["<unk>", "<s>", "</s>"].iter().all(|s| !pieces.contains(&s.to_string())));
        assert!(pieces.contains(&"\u{2581}tahun".to_string()));
    }

    #[test]
    fn opus_mt_layout_two_tokenizers_one_joint_vocabulary() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/tiny-opus");
        let (info, vocab) = ModelInfo::inspect_with_vocabulary(&dir, None, None).unwrap();
        let src = SentencePieceProcessor::open(&info.source_spm).unwrap();
        let tgt = SentencePieceProcessor::open(&info.target_spm).unwrap();
        check_tokenizer_matches(&dir, &vocab, &[(&info.source_spm, &src), (&info.target_spm, &tgt)]).unwrap();
        // Either tokenizer alone covers only its language's part of the joint vocabulary.
        let e = check_tokenizer_matches(&dir, &vocab, &[(&info.source_spm, &src)]).unwrap_err().to_string();
        assert!(e.contains("vocabulary tokens are pieces of its SentencePiece models"), "{e}");
        // A tokenizer of another model (same languages, same data) is refused.
        let other = SentencePieceProcessor::open(dir.join("../tiny-marian/source.spm")).unwrap();
        let e = check_tokenizer_matches(&dir, &vocab, &[(&info.source_spm, &other), (&info.target_spm, &tgt)]).unwrap_err().to_string();
        assert!(e.contains("pieces of source.spm are in the vocabulary"), "{e}");
    }

    #[test]
    fn missing_model_names_the_folder() {
        let e = ModelInfo::inspect(Path::new("/nonexistent/model"), None, None).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("/nonexistent/model") && msg.contains("not found"), "{msg}");
    }

    #[test]
    fn incomplete_model_names_the_missing_file() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("config.json"), "{}").unwrap();
        let msg = ModelInfo::inspect(d.path(), None, None).unwrap_err().to_string();
        assert!(msg.contains("model.bin is missing"), "{msg}");
    }
}
