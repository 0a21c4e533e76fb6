//! `terjemah translate`'s arguments, as clap parses them ([`TranslateArgs`]), and the [`Plan`]
//! they resolve to, once, before anything runs: the mode with its inputs and outputs, every
//! default applied, and the options that do not apply to the mode refused. The run reads the
//! plan, never the arguments; the model's own settings are resolved when it loads
//! (`model::Engine::load`: its `Decoding`).

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::input::dataset::{Fields, Kind};
use crate::input::html::Extract;
use crate::model::discover;
use crate::model::EngineOptions;
use crate::output::Format;
use crate::quality::DEFAULT_LOW_CONFIDENCE;
use crate::text::plan::Boilerplate;

/// How a run shows its progress (`run::progress::Reporter`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Progress {
    /// A bar on a terminal, log lines otherwise.
    Auto,
    Quiet,
    /// One JSON object per line on stderr: `start`, `failure`, `warning`, `note`, `progress`, `done`.
    Json,
}

/// What folders are searched for: articles and saved pages, less terjemah's own HTML outputs
/// (review pages and translated pages left in an input folder by an earlier run elsewhere).
pub(crate) const DEFAULT_GLOBS: &[&str] = &["*.txt", "*.md", "*.html", "*.htm", "!*.bi.html", "!*.en.html"];

/// The formats written for articles when `--formats` is not given.
const DEFAULT_FORMATS: [Format; 3] = [Format::Txt, Format::Md, Format::Jsonl];
/// Fields of dataset records translated when `--fields` is not given.
const DEFAULT_FIELDS: [&str; 2] = ["title", "text"];
const DEFAULT_TARGET_SUFFIX: &str = "_en";
const DEFAULT_CHUNK_SENTENCES: usize = 4096;

/// `terjemah translate`'s arguments, parsed from the command line by clap (`clap::Args`). An
/// option whose default depends on the mode, or that applies to some modes only, is an
/// `Option` here: [`TranslateArgs::resolve`] applies the default or refuses it.
#[derive(Clone, Debug, clap::Args)]
pub struct TranslateArgs {
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
    /// html (NAME.bi.html + index.html), tmx (NAME.tmx), tsv (NAME.tsv) [default: txt,md,jsonl;
    /// datasets: jsonl, the only one they take besides their own NAME.en.EXT]
    #[arg(long, value_delimiter = ',')]
    pub(crate) formats: Option<Vec<Format>>,
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
    /// Most sentences held in memory at once (a run's English does not depend on it) [default: 4096]
    #[arg(long)]
    pub(crate) chunk_sentences: Option<usize>,
    /// No progress bar or log lines (errors are still reported)
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Progress as JSON lines on stderr (events: start, failure, warning, note, progress, done)
    #[arg(long, conflicts_with = "quiet")]
    pub(crate) json: bool,
    /// Write the run's manifest (model, decisive options, counts, timings) to FILE: for --lines
    /// and `-`, which write nothing else (a run over files writes OUT/manifest.json)
    #[arg(long, value_name = "FILE")]
    pub(crate) manifest: Option<PathBuf>,
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
    /// Datasets: the translation of field F is added as F + SUFFIX [default: _en]
    #[arg(long, value_name = "SUFFIX")]
    pub(crate) target_suffix: Option<String>,
    /// HTML pages (*.html, *.htm): translate the main article (Readability) or every text block
    /// [default: main]
    #[arg(long, value_enum)]
    pub(crate) html_extract: Option<Extract>,
    /// Flag translations whose confidence (the model's log-probability per output token, 0 at
    /// best) is below this. The default suits the bundled starter model (10% of its dev set);
    /// other models score on other scales: `scripts/bench/confidence` finds theirs
    #[arg(long, value_name = "LOGPROB", default_value_t = DEFAULT_LOW_CONFIDENCE, allow_negative_numbers = true)]
    pub(crate) low_confidence: f64,
}

/// What a `translate` run does, resolved from its arguments ([`TranslateArgs::resolve`]).
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) mode: Mode,
    /// The model folder (given, `$TERJEMAH_MODEL`, or the bundled one).
    pub(crate) model: PathBuf,
    /// The engine settings asked for; the model resolves them when it loads.
    pub(crate) engine: EngineOptions,
    pub(crate) glossary: Option<PathBuf>,
    /// Translations less confident than this are flagged.
    pub(crate) low_confidence: f64,
    pub(crate) memory: Memory,
    pub(crate) boilerplate: Boilerplate,
    pub(crate) progress: Progress,
    /// Translate again documents whose outputs are current.
    pub(crate) force: bool,
}

/// What is read and where the English goes.
#[derive(Clone, Debug)]
pub(crate) enum Mode {
    /// `-`: standard input as one article, its English to standard output.
    Stdin(StreamPlan),
    /// `--lines`: each line on its own, from a file (else standard input) to a file (else
    /// standard output).
    Lines(StreamPlan),
    /// Files and folders of articles into an output folder.
    Articles(ArticlesPlan),
    /// JSONL/CSV/TSV datasets, record by record, into an output folder.
    Datasets(DatasetsPlan),
}

/// A streaming run: one input (`None`: standard input) to one output (`None`: standard output).
#[derive(Clone, Debug)]
pub(crate) struct StreamPlan {
    pub(crate) input: Option<PathBuf>,
    pub(crate) out: Option<PathBuf>,
    /// `--manifest FILE`: where the run's manifest goes (none without it).
    pub(crate) manifest: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub(crate) struct ArticlesPlan {
    pub(crate) inputs: Vec<PathBuf>,
    pub(crate) out: PathBuf,
    pub(crate) formats: Vec<Format>,
    /// File name patterns folders are searched with.
    pub(crate) globs: Vec<String>,
    pub(crate) shard: Option<(usize, usize)>,
    pub(crate) chunk_sentences: usize,
    pub(crate) html_extract: Extract,
}

#[derive(Clone, Debug)]
pub(crate) struct DatasetsPlan {
    pub(crate) inputs: Vec<PathBuf>,
    pub(crate) out: PathBuf,
    /// Write `NAME.align.jsonl` beside each translated dataset.
    pub(crate) alignments: bool,
    pub(crate) fields: Fields,
    pub(crate) chunk_sentences: usize,
}

/// The translation memory a run uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Memory {
    /// `--no-tm`.
    Off,
    /// `$TERJEMAH_TM`, else `~/.cache/terjemah/tm.sqlite`, when it can be opened.
    Default,
    /// `--tm PATH`: an error when it cannot be opened.
    At(PathBuf),
}

impl TranslateArgs {
    /// Arguments as the command line gives them with no arguments but the inputs and `--out`.
    #[cfg(test)]
    fn new(inputs: Vec<PathBuf>, out: Option<PathBuf>) -> TranslateArgs {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            args: TranslateArgs,
        }
        let mut a = <Defaults as clap::Parser>::try_parse_from(["terjemah"]).expect("the defaults parse").args;
        (a.inputs, a.out) = (inputs, out);
        a
    }

    /// The plan these arguments ask for: the mode from the inputs, defaults applied, the
    /// combinations that make no sense and the options that do not apply to the mode refused
    /// (usage errors, before the model loads), then the model folder found.
    pub(crate) fn resolve(self) -> Result<Plan> {
        let mode = self.mode()?;
        let model = match &self.model {
            Some(m) => m.clone(),
            None => bundled_model()?,
        };
        let progress = if self.quiet {
            Progress::Quiet
        } else if self.json {
            Progress::Json
        } else {
            Progress::Auto
        };
        let memory = match (self.no_tm, self.tm) {
            (true, _) => Memory::Off,
            (false, Some(p)) => Memory::At(p),
            (false, None) => Memory::Default,
        };
        Ok(Plan {
            mode,
            model,
            engine: self.engine,
            glossary: self.glossary,
            low_confidence: self.low_confidence,
            memory,
            boilerplate: self.boilerplate,
            progress,
            force: self.force,
        })
    }

    fn mode(&self) -> Result<Mode> {
        fn usage<T>(m: String) -> Result<T> {
            Err(Error::Usage(m))
        }
        let stdin = |p: &PathBuf| p.as_os_str() == "-";
        if self.inputs.is_empty() && !self.lines {
            return usage("no input given: pass files or folders, `-` for standard input, or --lines".into());
        }
        if self.inputs.len() > 1 && self.inputs.iter().any(stdin) {
            return usage("`-` (standard input) cannot be combined with other inputs".into());
        }
        let datasets = self.inputs.iter().filter(|p| Kind::of(p).is_some() && p.is_file()).count();
        if datasets > 0 && datasets < self.inputs.len() {
            return usage("datasets (.jsonl, .csv, .tsv) cannot be mixed with articles or folders in one run".into());
        }
        // The options each mode takes besides the common ones, checked by name.
        let given = [
            ("--formats", self.formats.is_some()),
            ("--glob", !self.globs.is_empty()),
            ("--shard", self.shard.is_some()),
            ("--force", self.force),
            ("--chunk-sentences", self.chunk_sentences.is_some()),
            ("--html-extract", self.html_extract.is_some()),
            ("--fields", self.fields.is_some()),
            ("--id-field", self.id_field.is_some()),
            ("--target-suffix", self.target_suffix.is_some()),
            ("--manifest", self.manifest.is_some()),
        ];
        let refuse = |takes: &[&str], what: &str| -> Result<()> {
            let extra: Vec<&str> = given.iter().filter(|(name, on)| *on && !takes.contains(name)).map(|(name, _)| *name).collect();
            match extra.as_slice() {
                [] => Ok(()),
                [one] => usage(format!("{one} does not apply to {what}")),
                many => usage(format!("{} do not apply to {what}", many.join(", "))),
            }
        };
        let chunk_sentences = self.chunk_sentences.unwrap_or(DEFAULT_CHUNK_SENTENCES).max(1);
        if self.lines {
            if self.inputs.len() > 1 {
                return usage("--lines takes one input file (or standard input)".into());
            }
            if datasets > 0 {
                return usage("--lines reads plain text, one segment a line; a dataset is translated without it".into());
            }
            refuse(&["--manifest"], "--lines (one English line per input line, nothing else written)")?;
            let input = self.inputs.first().filter(|p| !stdin(p)).cloned();
            if let Some(m) = &self.manifest {
                for (what, p) in [("input", &input), ("output", &self.out)] {
                    if p.as_ref().is_some_and(|p| crate::same_file(p, m)) {
                        return usage(format!("--manifest {} is also the {what}: give the manifest its own file", m.display()));
                    }
                }
            }
            return Ok(Mode::Lines(StreamPlan { input, out: self.out.clone(), manifest: self.manifest.clone() }));
        }
        if self.inputs.iter().any(stdin) {
            if self.out.is_some() {
                return usage("`-` writes English to standard output; save it with `> FILE` instead of --out".into());
            }
            refuse(&["--manifest"], "standard input (`-`: its English goes to standard output)")?;
            return Ok(Mode::Stdin(StreamPlan { input: None, out: None, manifest: self.manifest.clone() }));
        }
        if datasets > 0 {
            refuse(&["--formats", "--force", "--chunk-sentences", "--fields", "--id-field", "--target-suffix"], "datasets")?;
            let formats = self.formats.clone().unwrap_or_else(|| vec![Format::Jsonl]);
            if let Some(f) = formats.iter().find(|f| **f != Format::Jsonl) {
                return usage(format!(
                    "--formats {f} does not apply to datasets: a dataset is written as NAME.en.EXT (its own format, with the \
                     translations added) and, with --formats jsonl (the default), NAME.align.jsonl"
                ));
            }
            let out = self.out.clone().ok_or_else(|| Error::Usage("--out DIR is required when translating datasets".into()))?;
            let fields = Fields {
                fields: self.fields.clone().unwrap_or_else(|| DEFAULT_FIELDS.map(String::from).to_vec()),
                id_field: self.id_field.clone(),
                suffix: self.target_suffix.clone().unwrap_or_else(|| DEFAULT_TARGET_SUFFIX.into()),
            };
            return Ok(Mode::Datasets(DatasetsPlan {
                inputs: self.inputs.clone(),
                out,
                alignments: formats.contains(&Format::Jsonl),
                fields,
                chunk_sentences,
            }));
        }
        refuse(
            &["--formats", "--glob", "--shard", "--force", "--chunk-sentences", "--html-extract"],
            "files and folders of articles (--fields, --id-field and --target-suffix are for datasets: .jsonl, .csv, .tsv files)",
        )?;
        let out = self.out.clone().ok_or_else(|| Error::Usage("--out DIR is required when translating files or folders".into()))?;
        let globs = if self.globs.is_empty() { DEFAULT_GLOBS.iter().map(|s| s.to_string()).collect() } else { self.globs.clone() };
        Ok(Mode::Articles(ArticlesPlan {
            inputs: self.inputs.clone(),
            out,
            formats: self.formats.clone().unwrap_or_else(|| DEFAULT_FORMATS.to_vec()),
            globs,
            shard: self.shard,
            chunk_sentences,
            html_extract: self.html_extract.unwrap_or_default(),
        }))
    }
}

/// The bundled model's folder, or an error saying how to get a model.
pub(crate) fn bundled_model() -> Result<PathBuf> {
    let dir = discover::default_model_dir();
    if dir.join("model.bin").is_file() {
        return Ok(dir);
    }
    let looked: Vec<String> = discover::default_model_candidates().iter().map(|p| p.display().to_string()).collect();
    Err(Error::model(
        &dir,
        format!(
            "no --model given and the bundled model is not there (looked in {}). Pass --model DIR or set \
             TERJEMAH_MODEL; get a model with scripts/fetch-model.sh opus-mt-id-en (needs network) or train \
             models/{} with scripts/train-starter/run",
            looked.join(", "),
            discover::DEFAULT_MODEL
        ),
    ))
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

    fn plan(args: TranslateArgs) -> Result<Mode> {
        args.mode()
    }

    #[test]
    fn defaults_are_applied_once_by_mode() {
        let Mode::Articles(a) = plan(TranslateArgs::new(vec!["a".into()], Some("out".into()))).unwrap() else { panic!("articles") };
        assert_eq!(a.formats, vec![Format::Txt, Format::Md, Format::Jsonl]);
        assert_eq!((a.html_extract, a.chunk_sentences), (Extract::Main, 4096));
        assert_eq!(a.globs, DEFAULT_GLOBS);
        let args = TranslateArgs::new(vec!["a".into()], None);
        assert_eq!(args.boilerplate, Boilerplate::Keep);
        assert_eq!(args.engine.beam, EngineOptions::default().beam);
    }

    #[test]
    fn options_that_do_not_apply_to_the_mode_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.jsonl");
        std::fs::write(&data, "{}\n").unwrap();
        let with = |inputs: Vec<PathBuf>, out: Option<&str>, f: &dyn Fn(&mut TranslateArgs)| {
            let mut a = TranslateArgs::new(inputs, out.map(PathBuf::from));
            f(&mut a);
            plan(a).err().map(|e| e.to_string())
        };
        let err = with(vec![data.clone()], Some("o"), &|a| a.formats = Some(vec![Format::Tmx])).unwrap();
        assert!(err.contains("--formats tmx does not apply to datasets"), "{err}");
        let err = with(vec![data.clone()], Some("o"), &|a| a.html_extract = Some(Extract::All)).unwrap();
        assert!(err.contains("--html-extract does not apply to datasets"), "{err}");
        assert!(with(vec![data.clone()], Some("o"), &|a| a.formats = Some(vec![Format::Jsonl])).is_none());
        let err = with(vec!["x.txt".into()], None, &|a| {
            a.lines = true;
            a.shard = Some((0, 2));
            a.formats = Some(vec![Format::Md]);
        })
        .unwrap();
        assert!(err.contains("--formats, --shard do not apply to --lines"), "{err}");
        let err = with(vec!["-".into()], None, &|a| a.chunk_sentences = Some(10)).unwrap();
        assert!(err.contains("--chunk-sentences does not apply to standard input"), "{err}");
        let err = with(vec!["folder".into()], Some("o"), &|a| a.target_suffix = Some("_x".into())).unwrap();
        assert!(err.contains("--target-suffix does not apply to files and folders of articles"), "{err}");
        let err = with(vec!["folder".into()], None, &|_| {}).unwrap();
        assert!(err.contains("--out DIR is required"), "{err}");
        let err = with(vec!["folder".into()], Some("o"), &|a| a.manifest = Some("m.json".into())).unwrap();
        assert!(err.contains("--manifest does not apply to files and folders of articles"), "{err}");
        let err = with(vec![data.clone()], Some("o"), &|a| a.manifest = Some("m.json".into())).unwrap();
        assert!(err.contains("--manifest does not apply to datasets"), "{err}");
        assert!(with(vec!["x.txt".into()], None, &|a| (a.lines, a.manifest) = (true, Some("m.json".into()))).is_none());
        assert!(with(vec!["-".into()], None, &|a| a.manifest = Some("m.json".into())).is_none());
        let err = with(vec!["x.txt".into()], None, &|a| (a.lines, a.manifest) = (true, Some("x.txt".into()))).unwrap();
        assert!(err.contains("--manifest x.txt is also the input"), "{err}");
        let err = with(vec!["x.txt".into()], Some("y.en"), &|a| (a.lines, a.manifest) = (true, Some("y.en".into()))).unwrap();
        assert!(err.contains("is also the output"), "{err}");
    }

    #[test]
    fn shards_parse() {
        assert_eq!(parse_shard("1/4"), Ok((1, 4)));
        assert!(parse_shard("4/4").is_err() && parse_shard("0/0").is_err() && parse_shard("x").is_err());
    }
}
