//! What terjemah knows of a model folder before loading its weights: layout, languages,
//! input limits (read from `model.bin`'s position tables), vocabulary, fingerprint, and the
//! check that the tokenizers are the model's own.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use sentencepiece::SentencePieceProcessor;
use serde::Serialize;

use crate::error::{Error, Result};

/// Input limit when the model's config.json does not give one.
const DEFAULT_MAX_INPUT_TOKENS: usize = 256;

/// How a model folder expects its input, detected from the files it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum Layout {
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
pub(crate) struct ModelInfo {
    pub(crate) dir: PathBuf,
    pub(crate) layout: Layout,
    /// Short content hash of the weights, configuration, vocabulary and tokenizers.
    pub(crate) fingerprint: String,
    pub(crate) max_input_tokens: usize,
    /// Longest output the decoder's position table allows (None: no table, no limit).
    pub(crate) max_output_tokens: Option<usize>,
    pub(crate) vocabulary_size: usize,
    pub(crate) size_bytes: u64,
    /// The note a model's `terjemah.json` carries (e.g. "interim model"), if any.
    pub(crate) note: Option<String>,
    /// Languages recorded in `terjemah.json` ("id -> en"), for layouts that do not name them.
    pub(crate) languages: Option<String>,
    #[serde(skip)]
    pub(crate) source_spm: PathBuf,
    #[serde(skip)]
    pub(crate) target_spm: PathBuf,
}

const VOCAB_FILES: &[&str] = &["shared_vocabulary.json", "shared_vocabulary.txt", "source_vocabulary.json", "source_vocabulary.txt"];

impl ModelInfo {
    /// Inspect a model folder; `src_lang`/`tgt_lang` override the multilingual defaults.
    pub(crate) fn inspect(dir: &Path, src_lang: Option<&str>, tgt_lang: Option<&str>) -> Result<ModelInfo> {
        Self::inspect_with_vocabulary(dir, src_lang, tgt_lang).map(|(info, _)| info)
    }

    pub(crate) fn inspect_with_vocabulary(
        dir: &Path,
        src_lang: Option<&str>,
        tgt_lang: Option<&str>,
    ) -> Result<(ModelInfo, HashSet<String>)> {
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
fn position_limits(model_bin: &Path) -> std::io::Result<(Option<usize>, Option<usize>)> {
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
    Ok((sizes.get("encoder/position_encodings/encodings").copied(), sizes.get("decoder/position_encodings/encodings").copied()))
}

/// The target vocabulary of a model folder: `target_vocabulary.*` where source and target
/// vocabularies are separate, else the shared one.
pub(crate) fn target_vocabulary(dir: &Path) -> Result<HashSet<String>> {
    let files = ["target_vocabulary.json", "target_vocabulary.txt"].iter().chain(VOCAB_FILES);
    let path = files.map(|f| dir.join(f)).find(|p| p.is_file()).ok_or_else(|| Error::model(dir, "incomplete: no vocabulary file"))?;
    read_vocabulary(&path)
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
    Ok((crate::short_hash(h.finalize()), size))
}

/// The tokenizers must be the ones the model was trained with. Two checks, because OPUS-MT
/// ships two SentencePiece models (one per language) with ONE joint vocabulary, their union:
/// 1. what each tokenizer emits must be in the vocabulary (a piece outside it becomes `<unk>`):
///    a tokenizer taken from another model fails here;
/// 2. the vocabulary must be made of the tokenizers' pieces, taken together.
pub(crate) fn check_tokenizer_matches(dir: &Path, vocab: &HashSet<String>, tokenizers: &[(&Path, &SentencePieceProcessor)]) -> Result<()> {
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
    pub(crate) fn normal(spm: &SentencePieceProcessor) -> Result<Vec<String>, prost::DecodeError> {
        let model: ModelProto = prost::Message::decode(spm.to_serialized_proto().as_slice())?;
        Ok(model.pieces.into_iter().filter(|p| p.kind.unwrap_or(1) == 1).filter_map(|p| p.piece).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture model; the package folder read at run time (a reused test binary may come
    /// from a clone at another path: tests/common's `manifest_dir`).
    fn fixture_model(name: &str) -> std::path::PathBuf {
        let package = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), std::path::PathBuf::from);
        package.join("tests/fixtures/models").join(name)
    }

    #[test]
    fn position_tables_are_read_from_model_bin() {
        let m = fixture_model("tiny-marian").join("model.bin");
        assert_eq!(position_limits(&m).unwrap(), (Some(128), Some(128)));
        let info = ModelInfo::inspect(m.parent().unwrap(), None, None).unwrap();
        assert_eq!((info.max_input_tokens, info.max_output_tokens), (128, Some(128)));
    }

    #[test]
    fn sentencepiece_pieces_are_listed_without_special_entries() {
        let dir = fixture_model("tiny-opus");
        let spm = SentencePieceProcessor::open(dir.join("source.spm")).unwrap();
        let pieces = spm_pieces::normal(&spm).unwrap();
        // 800 entries: <unk>, <s>, </s> and 797 ordinary pieces.
        assert_eq!((spm.len(), pieces.len()), (800, 797));
        assert!(["<unk>", "<s>", "</s>"].iter().all(|s| !pieces.contains(&s.to_string())));
        assert!(pieces.contains(&"\u{2581}tahun".to_string()));
    }

    #[test]
    fn opus_mt_layout_two_tokenizers_one_joint_vocabulary() {
        let dir = fixture_model("tiny-opus");
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
