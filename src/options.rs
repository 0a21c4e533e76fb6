//! The options of `terjemah translate`: one struct, parsed from the command line by clap and
//! handed through the library unchanged (the run reads what it needs from it).

use std::path::PathBuf;

use crate::input::html::Extract;
use crate::model::EngineOptions;
use crate::output::Format;
use crate::run::progress::Progress;
use crate::text::plan::Boilerplate;

/// What folders are searched for: articles and saved pages, less terjemah's own HTML outputs
/// (review pages and translated pages left in an input folder by an earlier run elsewhere).
pub(crate) const DEFAULT_GLOBS: &[&str] = &["*.txt", "*.md", "*.html", "*.htm", "!*.bi.html", "!*.en.html"];

/// `terjemah translate`'s options, parsed from the command line by clap (`clap::Args`).
#[derive(Clone, Debug, clap::Args)]
pub struct TranslateOptions {
    /// Files or folders of articles (folders are searched recursively); `-` reads standard input
    pub(crate) inputs: Vec<PathBuf>,
    /// Output folder (mirrors the input tree); with --lines, an output file
    #[arg(long, short)]
    pub(crate) out: Option<PathBuf>,
    /// CTranslate2 model folder [default: $TERJEMAH_MODEL, else the bundled models/id-en-starter:
    /// see its MODEL_CARD.md for what it is and its scores]
    #[arg(long, short)]
    pub(crate) model: Option<PathBuf>,
    /// Output formats, comma-separated: txt (NAME.en.txt), md (NAME.bi.md), jsonl (NAME.align.jsonl),
    /// html (NAME.bi.html + index.html), tmx (NAME.tmx), tsv (NAME.tsv)
    #[arg(long, value_delimiter = ',', default_value = "txt,md,jsonl")]
    pub(crate) formats: Vec<Format>,
    /// File name patterns searched in folders (repeatable; `!PATTERN` excludes) [default: *.txt, *.md,
    /// *.html, *.htm, except terjemah's *.bi.html and *.en.html]
    #[arg(long = "glob")]
    pub(crate) globs: Vec<String>,
    /// Boilerplate lines (Baca Juga, Editor:, Sumber:, tags): keep verbatim, translate, or drop
    #[arg(long, value_enum, default_value_t = Boilerplate::Keep)]
    pub(crate) boilerplate: Boilerplate,
    /// Translate each input line on its own: exactly one output line per input line
    #[arg(long)]
    pub(crate) lines: bool,
    #[command(flatten)]
    pub(crate) engine: EngineOptions,
    /// Most sentences held in memory at once (larger chunks batch better)
    #[arg(long, default_value_t = 4096)]
    pub(crate) chunk_sentences: usize,
    /// No progress bar or log lines (errors are still reported)
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Progress as JSON lines on stderr (events: start, failure, warning, note, progress, done)
    #[arg(long, conflicts_with = "quiet")]
    pub(crate) json: bool,
    /// Translate every document again, even those whose outputs in --out are current
    #[arg(long)]
    pub(crate) force: bool,
    /// Translation memory (SQLite) [default: $TERJEMAH_TM, else ~/.cache/terjemah/tm.sqlite]
    #[arg(long, value_name = "PATH", conflicts_with = "no_tm")]
    pub(crate) tm: Option<PathBuf>,
    /// Translate every sentence with the model, without reading or filling the translation memory
    #[arg(long)]
    pub(crate) no_tm: bool,
    /// Translate only shard K of N (0 <= K < N, by a hash of each file's path) so that N
    /// processes share one folder; each writes manifest.shard-K-of-N.json
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub(crate) shard: Option<(usize, usize)>,
    /// Glossary (TSV): `source<TAB>target` for a fixed translation, `source` alone to keep a
    /// term as it is; terms are protected through translation, misses are flagged
    #[arg(long, value_name = "TSV")]
    pub(crate) glossary: Option<PathBuf>,
    /// Datasets (.jsonl, .csv, .tsv): the fields (keys or columns) to translate, comma-separated
    /// [default: title,text]
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    pub(crate) fields: Option<Vec<String>>,
    /// Datasets: the field holding each record's id, which keys the alignment rows [default: the
    /// record's line number]
    #[arg(long, value_name = "FIELD")]
    pub(crate) id_field: Option<String>,
    /// Datasets: the translation of field F is added as F + SUFFIX
    #[arg(long, value_name = "SUFFIX", default_value = "_en")]
    pub(crate) target_suffix: String,
    /// HTML pages (*.html, *.htm): translate the main article (Readability) or every text block
    #[arg(long, value_enum, default_value_t = Extract::Main)]
    pub(crate) html_extract: Extract,
}

impl TranslateOptions {
    /// Options as the command line gives them with no arguments but the inputs and `--out`.
    #[cfg(test)]
    fn new(inputs: Vec<PathBuf>, out: Option<PathBuf>) -> TranslateOptions {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            options: TranslateOptions,
        }
        let mut o = <Defaults as clap::Parser>::try_parse_from(["terjemah"]).expect("the defaults parse").options;
        (o.inputs, o.out) = (inputs, out);
        o
    }

    /// How progress is shown.
    pub(crate) fn progress(&self) -> Progress {
        if self.quiet {
            Progress::Quiet
        } else if self.json {
            Progress::Json
        } else {
            Progress::Auto
        }
    }

    /// The file name patterns folders are searched with.
    pub(crate) fn globs(&self) -> Vec<String> {
        if self.globs.is_empty() {
            DEFAULT_GLOBS.iter().map(|s| s.to_string()).collect()
        } else {
            self.globs.clone()
        }
    }
}

/// `K/N` of `--shard`.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 0/4")?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| "K is not a number")?, n.trim().parse().map_err(|_| "N is not a number")?);
    if n == 0 || k >= n {
        return Err(format!("shard {k}/{n}: need 0 <= K < N"));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_command_lines() {
        let o = TranslateOptions::new(vec!["a".into()], None);
        assert_eq!(o.formats, vec![Format::Txt, Format::Md, Format::Jsonl]);
        assert_eq!((o.boilerplate, o.html_extract, o.chunk_sentences), (Boilerplate::Keep, Extract::Main, 4096));
        assert_eq!(o.globs(), DEFAULT_GLOBS);
        assert_eq!(o.engine.beam, EngineOptions::default().beam);
    }

    #[test]
    fn shards_parse() {
        assert_eq!(parse_shard("1/4"), Ok((1, 4)));
        assert!(parse_shard("4/4").is_err() && parse_shard("0/0").is_err() && parse_shard("x").is_err());
    }
}
