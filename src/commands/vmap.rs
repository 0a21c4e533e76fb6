//! `terjemah vmap build`: a vocabulary shortlist for a model folder, learnt from parallel text or
//! from the model's own translations of a sample of the user's articles, with its coverage
//! measured on sentences held out of the statistics.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::{discover, html, Document};
use crate::model::inspect::target_vocabulary;
use crate::model::vmap::{self, BuildParams, Kind, PiecePair, VmapChoice, VMAP_FILE};
use crate::model::{Engine, EngineOptions, Layout};
use crate::options::DEFAULT_GLOBS;
use crate::output;
use crate::text::plan::{plan, Boilerplate};

/// `terjemah vmap build`'s arguments.
#[derive(Clone, Debug, clap::Args)]
pub struct VmapBuildArgs {
    /// Articles (files or folders) whose sentences the model translates with its whole
    /// vocabulary; the shortlist keeps what it said for each source piece (without --source)
    inputs: Vec<PathBuf>,
    /// Parallel text, source side (Indonesian), one sentence a line; with --target
    #[arg(long, requires = "target", conflicts_with = "inputs", value_name = "FILE")]
    source: Option<PathBuf>,
    /// Parallel text, target side (English), line N translating line N of --source
    #[arg(long, requires = "source", value_name = "FILE")]
    target: Option<PathBuf>,
    /// CTranslate2 model folder [default: $TERJEMAH_MODEL, else the bundled model]
    #[arg(long, short)]
    model: Option<PathBuf>,
    /// Shortlist to write [default: MODEL/vmap.txt, which `translate` then uses (--vmap auto)]
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Per-batch candidates (smallest output layer) or one static list (a sentence's English
    /// never depends on its batch); auto: static for NLLB and M2M-100 (CTranslate2 needs it with
    /// their language prefix), per-batch otherwise
    #[arg(long, value_enum, default_value_t = Kind::Auto)]
    kind: Kind,
    /// Target pieces kept per source piece or n-gram
    #[arg(long, default_value_t = 20)]
    top_k: usize,
    /// Most frequent target pieces, candidates for every sentence
    #[arg(long, default_value_t = 300)]
    always: usize,
    /// Longest source n-gram with its own candidates (1: single pieces)
    #[arg(long, default_value_t = 2)]
    ngram: usize,
    /// Sentence pairs an n-gram of two or more pieces must occur in
    #[arg(long, default_value_t = 5)]
    min_ngram_count: u32,
    /// Most sentences taken from the articles (spread evenly over them)
    #[arg(long, default_value_t = 20_000)]
    sample: usize,
    /// Sentences held out of the statistics and translated with and without the shortlist to
    /// measure its coverage (0: no check)
    #[arg(long, default_value_t = 300)]
    check: usize,
    /// Decoding options of the check and of the translations learnt from, as `translate` takes
    /// them (--vmap is set by the build)
    #[command(flatten)]
    engine: EngineOptions,
}

/// What the build learnt from (recorded in the shortlist's JSON report).
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    /// The user's parallel text.
    Parallel,
    /// The model's own translations of the user's articles.
    Translations,
}

/// How well the shortlist reproduces the whole vocabulary's output on held-out sentences.
#[derive(Clone, Debug, Default, Serialize)]
struct Coverage {
    sentences: usize,
    /// Sentences translated identically with the shortlist (batched as `translate` batches).
    identical: usize,
    identical_share: f64,
    /// Sentences whose whole-vocabulary output uses only candidates of that sentence alone.
    covered: usize,
    covered_share: f64,
    /// Output pieces of the whole-vocabulary translations that are candidates of their sentence.
    pieces_covered_share: f64,
}

/// The JSON written beside the shortlist (`vmap.json` for `vmap.txt`).
#[derive(Serialize)]
struct Report<'a> {
    built_by: String,
    model_fingerprint: &'a str,
    mode: Mode,
    kind: Kind,
    from: Vec<PathBuf>,
    pairs: usize,
    params: &'a BuildParams,
    source_ngrams: usize,
    always_candidates: usize,
    coverage: Option<Coverage>,
    seconds: f64,
}

/// Build the shortlist and write it (and its report); prints what it did on standard error.
pub fn build(args: VmapBuildArgs) -> Result<()> {
    let t0 = Instant::now();
    let model_dir = match &args.model {
        Some(m) => m.clone(),
        None => crate::options::bundled_model()?,
    };
    let out = args.out.clone().unwrap_or_else(|| model_dir.join(VMAP_FILE));
    // Opened first: an unwritable destination fails before minutes of work.
    let mut file = output::AtomicFile::create(&out)?;
    let report_path = match out.with_extension("json") {
        p if p == out => out.with_extension("report.json"),
        p => p,
    };
    let params = BuildParams { top_k: args.top_k, always: args.always, ngram: args.ngram.max(1), min_ngram_count: args.min_ngram_count };
    let mut options = args.engine.clone();
    options.vmap = VmapChoice::Off;
    let engine = Engine::load(&model_dir, &options)?;
    let limit = engine.piece_limit();

    let (mode, from, sources, targets) = match (&args.source, &args.target) {
        (Some(s), Some(t)) => {
            let (src, tgt) = (read_lines(s)?, read_lines(t)?);
            if src.len() != tgt.len() {
                return Err(Error::Usage(format!(
                    "{} has {} lines and {} has {}: parallel text needs one translation per line",
                    s.display(),
                    src.len(),
                    t.display(),
                    tgt.len()
                )));
            }
            let (src, tgt): (Vec<String>, Vec<String>) =
                src.into_iter().zip(tgt).filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty()).unzip();
            (Mode::Parallel, vec![s.clone(), t.clone()], src, Some(tgt))
        }
        _ if args.inputs.is_empty() => {
            return Err(Error::Usage(
                "nothing to learn from: give parallel text (--source FILE --target FILE) or articles (files or folders) \
                 for the model to translate"
                    .into(),
            ))
        }
        _ => (Mode::Translations, args.inputs.clone(), sample_sentences(&args.inputs, &out, args.sample)?, None),
    };
    if sources.is_empty() {
        return Err(Error::Usage(format!("{}: no sentences found to learn from", from[0].display())));
    }
    // Held out evenly over the data; the rest builds the shortlist.
    let check_n = args.check.min(sources.len() / 2);
    let stride = sources.len().checked_div(check_n).unwrap_or(usize::MAX);
    let held = |i: usize| check_n > 0 && i.is_multiple_of(stride) && i / stride < check_n;
    let tokenized: Vec<Vec<String>> = sources.par_iter().map(|s| engine.tokenize(s)).collect::<Result<_>>()?;
    let check_src: Vec<&[String]> = tokenized.iter().enumerate().filter(|(i, _)| held(*i)).map(|(_, t)| t.as_slice()).collect();
    let specials = special_tokens(&engine);
    let strip = |(hyp, _score): (Vec<String>, f32)| -> Vec<String> { hyp.into_iter().filter(|p| !specials.contains(p)).collect() };
    let truncate = |t: &[String]| t[..t.len().min(limit)].to_vec();
    let check_in: Vec<Vec<String>> = check_src.iter().map(|t| truncate(t)).collect();
    let full: Vec<Vec<String>> =
        engine.decode(&check_in.iter().map(Vec::as_slice).collect::<Vec<_>>(), 0)?.into_iter().map(strip).collect();

    let pairs: Vec<PiecePair> = match &targets {
        Some(tgt) => tokenized
            .par_iter()
            .zip(tgt)
            .enumerate()
            .filter(|(i, _)| !held(*i))
            .map(|(_, (s, t))| Ok((s.clone(), engine.tokenize_target(t)?)))
            .collect::<Result<_>>()?,
        None => {
            let learn: Vec<Vec<String>> =
                tokenized.iter().enumerate().filter(|(i, t)| !held(*i) && t.len() <= limit).map(|(_, t)| t.clone()).collect();
            eprintln!("translating {} sentences with the whole vocabulary...", learn.len());
            let hyps = engine.decode(&learn.iter().map(Vec::as_slice).collect::<Vec<_>>(), 0)?;
            learn.into_iter().zip(hyps.into_iter().map(strip)).collect()
        }
    };
    let mut always_extra: Vec<String> = specials.iter().cloned().collect();
    always_extra.sort();
    let vocab = target_vocabulary(&model_dir)?;
    let kind = match (args.kind, &engine.info.layout) {
        (Kind::Auto, Layout::Multilingual { .. }) => Kind::Static,
        (Kind::Auto, Layout::Marian) => Kind::PerBatch,
        (k, _) => k,
    };
    let map = vmap::build(&pairs, &params, &vocab, &always_extra);
    let map = if kind == Kind::Static { map.flatten() } else { map };
    use std::io::Write as _;
    file.write_all(map.to_text().as_bytes()).map_err(|e| Error::io(&out, e))?;
    file.commit()?;
    let built_s = t0.elapsed().as_secs_f64();
    eprintln!(
        "wrote {} ({}): {} source n-grams, {} always candidates, from {} sentence pairs ({}) in {:.1}s",
        out.display(),
        if kind == Kind::Static { "static" } else { "per batch" },
        map.rules.len(),
        map.always.len(),
        pairs.len(),
        match mode {
            Mode::Parallel => "parallel text",
            Mode::Translations => "the model's translations",
        },
        built_s
    );
    let fingerprint = engine.info.fingerprint.clone();
    drop(engine); // one model in memory at a time

    let coverage = if check_in.is_empty() {
        None
    } else {
        options.vmap = VmapChoice::Path(out.clone());
        let short_engine = Engine::load(&model_dir, &options)?;
        let short: Vec<Vec<String>> =
            short_engine.decode(&check_in.iter().map(Vec::as_slice).collect::<Vec<_>>(), 0)?.into_iter().map(strip).collect();
        let c = coverage(&map, params.ngram, &check_in, &full, &short);
        eprintln!(
            "coverage on {} held-out sentences: {:.1}% translated identically with the shortlist; {:.1}% of the whole \
             vocabulary's output pieces are candidates of their own sentence",
            c.sentences,
            100.0 * c.identical_share,
            100.0 * c.pieces_covered_share
        );
        Some(c)
    };
    let report = Report {
        built_by: format!("terjemah {}", env!("CARGO_PKG_VERSION")),
        model_fingerprint: &fingerprint,
        mode,
        kind,
        from,
        pairs: pairs.len(),
        params: &params,
        source_ngrams: map.rules.len(),
        always_candidates: map.always.len(),
        coverage,
        seconds: t0.elapsed().as_secs_f64(),
    };
    crate::run::write_json(&report_path, &report)?;
    if args.out.is_none() {
        eprintln!("`terjemah translate` now decodes with it (--vmap auto); --vmap off uses the whole vocabulary");
    } else {
        eprintln!("use it with `terjemah translate --vmap {}`", out.display());
    }
    Ok(())
}

/// Tokens the model adds itself (kept as candidates, left out of the statistics).
fn special_tokens(engine: &Engine) -> HashSet<String> {
    let mut s: HashSet<String> = ["<s>", "</s>", "<unk>", "<pad>"].iter().map(|t| t.to_string()).collect();
    if let Layout::Multilingual { tgt_lang, .. } = &engine.info.layout {
        s.insert(tgt_lang.clone());
    }
    s
}

/// Coverage of `map` on held-out sentences: `full` and `short` are their translations (pieces)
/// with the whole vocabulary and with the shortlist.
fn coverage(map: &vmap::Vmap, ngram: usize, sources: &[Vec<String>], full: &[Vec<String>], short: &[Vec<String>]) -> Coverage {
    let n = sources.len();
    let identical = full.iter().zip(short).filter(|(a, b)| a == b).count();
    let (mut covered, mut pieces, mut pieces_in) = (0, 0, 0);
    for (src, out) in sources.iter().zip(full) {
        let cands = map.candidates(&[src.as_slice()], ngram);
        let inside = out.iter().filter(|p| cands.contains(p.as_str())).count();
        covered += usize::from(inside == out.len());
        (pieces, pieces_in) = (pieces + out.len(), pieces_in + inside);
    }
    let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    Coverage {
        sentences: n,
        identical,
        identical_share: share(identical, n),
        covered,
        covered_share: share(covered, n),
        pieces_covered_share: share(pieces_in, pieces),
    }
}

/// The lines of a UTF-8 text file.
fn read_lines(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(path, format!("not UTF-8 (byte {}): parallel text must be UTF-8, one sentence a line", e.utf8_error().valid_up_to()))
    })?;
    Ok(text.lines().map(|l| l.trim_end_matches('\r').to_string()).collect())
}

/// Up to `most` distinct sentences to translate from the articles under `inputs`, spread evenly.
fn sample_sentences(inputs: &[PathBuf], out: &Path, most: usize) -> Result<Vec<String>> {
    let globs: Vec<String> = DEFAULT_GLOBS.iter().map(|s| s.to_string()).collect();
    let (found, failures) = discover::collect_inputs(inputs, &globs, out.parent().unwrap_or(Path::new(".")))?;
    for f in &failures {
        eprintln!("skipped {}: {}", f.source.display(), f.reason);
    }
    let per_file: Vec<Vec<String>> = found
        .par_iter()
        .map(|input| {
            let Ok(bytes) = std::fs::read(&input.path) else { return Vec::new() };
            let doc = if html::is_html(&input.path) {
                html::document(&input.path, &bytes, html::Extract::Main)
            } else {
                Document::from_bytes(&input.path, &bytes)
            };
            let Ok(doc) = doc else { return Vec::new() };
            plan(&doc, Boilerplate::Keep)
                .into_iter()
                .flat_map(|b| b.segments)
                .filter(|s| s.action == crate::text::plan::Action::Translated)
                .map(|s| doc.text[s.span].to_string())
                .collect()
        })
        .collect();
    let mut seen = HashSet::new();
    let all: Vec<String> = per_file.into_iter().flatten().filter(|s| seen.insert(s.clone())).collect();
    if all.len() <= most {
        return Ok(all);
    }
    Ok((0..most).map(|i| all[i * all.len() / most].clone()).collect())
}
