//! The translate stage: texts in, English out. Tokenizes on all cores, splits a text longer
//! than the model accepts (clauses, then spaces, then inside a token: [`segment::split_long`]),
//! hands the engine token sequences in one call, and joins the pieces of each text again.
//! Glossary terms are protected through it with placeholders; Title Case titles go to the
//! model in sentence case (`text::casing`).

use std::borrow::Cow;

use rayon::prelude::*;

use crate::error::Result;
use crate::model::Engine;
use crate::quality;
use crate::text::casing;
use crate::text::glossary::{Glossary, Protected};
use crate::text::segment;

/// One translated text, with what happened on the way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Translation {
    /// The English.
    pub text: String,
    /// Number of pieces the source was split into because it exceeded the input limit (1: not split).
    pub pieces: usize,
    /// Some piece's output reached `max_decoding_length` and may be cut short.
    pub hit_max_length: bool,
    /// Source token count (for statistics).
    pub source_tokens: usize,
    /// Target token count (for statistics).
    pub target_tokens: usize,
    /// Glossary targets the output lacks (checked after translation, never stored).
    pub glossary_missing: Vec<String>,
    /// Some piece looped and was decoded again without repeated n-grams.
    pub redecoded: bool,
    /// The model's confidence: log-probability per target token, over all pieces (0 at best;
    /// None for a translation a memory kept from before terjemah recorded it).
    pub confidence: Option<f32>,
}

/// A part of a text within the engine's input limit.
struct Piece {
    /// Index of the text it belongs to.
    text: usize,
    /// Whether whitespace separated it from the previous piece of its text.
    spaced: bool,
    tokens: Vec<String>,
}

/// Translate many texts at once. Texts longer than the input limit are split, translated in
/// pieces and joined. Duplicates are the caller's business (the run removes them first).
fn translate(engine: &Engine, texts: &[&str]) -> Result<Vec<Translation>> {
    let limit = engine.piece_limit();
    // A title goes in sentence case and its English comes back in Title Case.
    let cased: Vec<Cow<str>> = if engine.decoding.titles_in_sentence_case {
        texts.par_iter().map(|t| casing::sentence_case_title(t)).collect()
    } else {
        texts.iter().map(|t| Cow::Borrowed(*t)).collect()
    };
    let per_text: Vec<Vec<Piece>> = cased
        .par_iter()
        .enumerate()
        .map(|(ti, text)| -> Result<Vec<Piece>> {
            let tokens = engine.tokenize(text)?;
            if tokens.len() <= limit {
                return Ok(vec![Piece { text: ti, spaced: false, tokens }]);
            }
            let count = |s: &str| engine.tokenize(s).map_or(usize::MAX, |t| t.len());
            let mut prev_end = None;
            segment::split_long(text, limit, &count)
                .into_iter()
                .map(|r| {
                    let spaced = prev_end.is_some_and(|e| !text[e..r.start].is_empty());
                    prev_end = Some(r.end);
                    let mut tokens = engine.tokenize(&text[r])?;
                    tokens.truncate(limit); // only a single character can still exceed the limit
                    Ok(Piece { text: ti, spaced, tokens })
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    let pieces: Vec<Piece> = per_text.into_iter().flatten().filter(|p| !p.tokens.is_empty()).collect();
    let mut outputs = engine.translate_tokens(&pieces.iter().map(|p| p.tokens.as_slice()).collect::<Vec<_>>(), 0)?;
    // Outputs caught in a loop are decoded again without repeated n-grams (--loop-retry-ngram);
    // only those, so no other output changes.
    let ngram = engine.decoding.loop_retry_ngram;
    let looping: Vec<usize> =
        if ngram == 0 { Vec::new() } else { (0..outputs.len()).filter(|&i| quality::is_looping(&outputs[i].text)).collect() };
    let again = engine.translate_tokens(&looping.iter().map(|&i| pieces[i].tokens.as_slice()).collect::<Vec<_>>(), ngram)?;
    let mut redecoded = vec![false; outputs.len()];
    for (i, o) in looping.into_iter().zip(again) {
        (outputs[i], redecoded[i]) = (o, true);
    }
    let mut out = vec![Translation::default(); texts.len()];
    // Per text: (sum of token log-probabilities, tokens), over its pieces.
    let mut logprob = vec![(0.0f64, 0usize); texts.len()];
    for ((p, o), redecoded) in pieces.iter().zip(outputs).zip(redecoded) {
        let lp = &mut logprob[p.text];
        lp.0 += f64::from(o.score) * o.tokens.max(1) as f64;
        lp.1 += o.tokens.max(1);
        let t = &mut out[p.text];
        t.redecoded |= redecoded;
        let text = o.text.trim();
        if !t.text.is_empty() && !text.is_empty() && p.spaced {
            t.text.push(' ');
        }
        t.text.push_str(text);
        t.pieces += 1;
        t.hit_max_length |= o.hit_max_length;
        t.source_tokens += p.tokens.len();
        t.target_tokens += o.tokens;
    }
    for ((t, c), (sum, tokens)) in out.iter_mut().zip(&cased).zip(logprob) {
        // Rounded to 4 decimals so that files stay readable (the f32 survives the memory's REAL exactly).
        t.confidence = (tokens > 0).then(|| ((sum / tokens as f64) * 1e4).round() as f32 / 1e4);
        if matches!(c, Cow::Owned(_)) {
            t.text = casing::title_case(&t.text);
        }
    }
    Ok(out)
}

/// How glossary protection went for a batch of texts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct GlossaryUse {
    /// Texts that held a glossary term and went through with placeholders.
    pub(crate) protected: usize,
    /// Texts whose placeholders did not survive, translated again without them.
    pub(crate) retranslated: usize,
}

/// [`translate`], protecting glossary terms with placeholders; a text whose placeholders did
/// not survive is translated again without them (its missing terms are flagged later).
pub(crate) fn translate_protected(engine: &Engine, glossary: Option<&Glossary>, texts: &[&str]) -> Result<(Vec<Translation>, GlossaryUse)> {
    let Some(g) = glossary.filter(|g| !g.is_empty()) else {
        return Ok((translate(engine, texts)?, GlossaryUse::default()));
    };
    let protected: Vec<Option<Protected>> = texts.par_iter().map(|t| g.protect(t)).collect();
    let inputs: Vec<&str> = texts.iter().zip(&protected).map(|(t, p)| p.as_ref().map_or(*t, |p| p.text.as_str())).collect();
    let mut out = translate(engine, &inputs)?;
    let mut used = GlossaryUse::default();
    let mut retry = Vec::new();
    for (i, p) in protected.iter().enumerate() {
        if let Some(p) = p {
            used.protected += 1;
            match g.restore(p, &out[i].text) {
                Some(text) => out[i].text = text,
                None => retry.push(i),
            }
        }
    }
    used.retranslated = retry.len();
    if !retry.is_empty() {
        let again = translate(engine, &retry.iter().map(|&i| texts[i]).collect::<Vec<_>>())?;
        for (i, t) in retry.into_iter().zip(again) {
            out[i] = t;
        }
    }
    Ok((out, used))
}
