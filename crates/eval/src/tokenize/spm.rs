//! sacrebleu's SentencePiece tokenizers `flores101` and `flores200` (`tokenizers/tokenizer_spm.py`):
//! `" ".join(sp.EncodeAsPieces(line))` with the FLORES models, through the same SentencePiece
//! library (the `sentencepiece` crate binds its C++ code, as the Python package does).
//!
//! The SentencePiece library is C++: the crate's `sentencepiece` feature (on in the terjemah
//! binary) brings it in; without it these two tokenizers are refused with a usage error.
//!
//! sacrebleu downloads the models on first use into `$SACREBLEU/models` (default
//! `~/.sacrebleu/models`). terjemah never downloads: it loads the model from `--spm-model
//! PATH`, else from sacrebleu's cache, and says where to get it when neither has it.

use std::path::{Path, PathBuf};
#[cfg(feature = "sentencepiece")]
use std::sync::Arc;

#[cfg(feature = "sentencepiece")]
use sentencepiece::SentencePieceProcessor;

use super::Tokenizer;
use crate::{Error, Result};

/// A loaded SentencePiece model (shared by the threads that score segments).
#[derive(Clone)]
pub struct Spm {
    #[cfg(feature = "sentencepiece")]
    processor: Arc<SentencePieceProcessor>,
    /// Built without SentencePiece: no model can be loaded, so no `Spm` exists.
    #[cfg(not(feature = "sentencepiece"))]
    never: std::convert::Infallible,
    /// The model file.
    pub path: PathBuf,
}

impl std::fmt::Debug for Spm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spm({})", self.path.display())
    }
}

/// Where sacrebleu gets the model of a tokenizer, and the file name it caches it under.
fn source(tok: Tokenizer) -> (&'static str, &'static str) {
    match tok {
        Tokenizer::Flores200 => ("https://tinyurl.com/flores200sacrebleuspm", "flores200sacrebleuspm"),
        _ => ("https://dl.fbaipublicfiles.com/fairseq/models/flores/sacrebleu_tokenizer_spm.model", "sacrebleu_tokenizer_spm.model"),
    }
}

/// sacrebleu's cache folder of models: `$SACREBLEU/models`, else `~/.sacrebleu/models`.
fn sacrebleu_models_dir() -> Option<PathBuf> {
    match std::env::var_os("SACREBLEU") {
        Some(dir) => Some(PathBuf::from(dir).join("models")),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".sacrebleu").join("models")),
    }
}

impl Spm {
    /// The model of `tok` (`flores101` or `flores200`): `path` if given, else sacrebleu's cache.
    pub fn load(tok: Tokenizer, path: Option<&Path>) -> Result<Spm> {
        let (url, file) = source(tok);
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => match sacrebleu_models_dir().map(|d| d.join(file)).filter(|p| p.is_file()) {
                Some(p) => p,
                None => {
                    return Err(Error::Usage(format!(
                        "the {name} tokenizer needs its SentencePiece model, which terjemah does not download: \
                         get {url} once (sacrebleu saves it as {cache}) and pass --spm-model PATH",
                        name = tok.name(),
                        cache = sacrebleu_models_dir().map(|d| d.join(file).display().to_string()).unwrap_or_else(|| file.into()),
                    )))
                }
            },
        };
        Spm::open(path)
    }

    #[cfg(feature = "sentencepiece")]
    fn open(path: PathBuf) -> Result<Spm> {
        let processor = SentencePieceProcessor::open(&path).map_err(|e| Error::input(&path, format!("not a SentencePiece model: {e}")))?;
        Ok(Spm { processor: Arc::new(processor), path })
    }

    #[cfg(not(feature = "sentencepiece"))]
    fn open(path: PathBuf) -> Result<Spm> {
        Err(Error::Usage(format!(
            "{}: the flores101 and flores200 tokenizers need the SentencePiece library, which this build leaves out \
             (terjemah-eval's `sentencepiece` feature)",
            path.display()
        )))
    }

    /// `" ".join(EncodeAsPieces(line))`.
    #[cfg(feature = "sentencepiece")]
    pub fn tokenize(&self, line: &str) -> String {
        match self.processor.encode(line) {
            Ok(pieces) => pieces.iter().map(|p| p.piece.as_str()).collect::<Vec<_>>().join(" "),
            // Encoding a valid UTF-8 string without NUL cannot fail; a NUL byte can.
            Err(_) => line.to_string(),
        }
    }

    /// `" ".join(EncodeAsPieces(line))`.
    #[cfg(not(feature = "sentencepiece"))]
    pub fn tokenize(&self, _line: &str) -> String {
        match self.never {}
    }
}
