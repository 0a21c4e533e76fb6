//! The translation of one chunk of documents: plan every document, translate each distinct
//! sentence once (those the translation memory lacks), assemble aligned documents.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::align::AlignedDocument;
use crate::error::Result;
use crate::input::Document;
use crate::model::Engine;
use crate::run::manifest::Counts;
use crate::run::memory::TranslationMemory;
use crate::text::glossary::Glossary;
use crate::text::plan::{Action, PlannedBlock};
use crate::translate::{translate_protected, Translation};

/// What a chunk is translated with.
#[derive(Clone, Copy)]
pub(crate) struct Translating<'a> {
    /// The loaded model.
    pub(crate) engine: &'a Engine,
    /// Terms kept or translated in a fixed way.
    pub(crate) glossary: Option<&'a Glossary>,
    /// Translations less confident than this are flagged (`--low-confidence`).
    pub(crate) low_confidence: f64,
}

/// Plan every document of a chunk, translate the distinct texts once (those the translation
/// memory does not already hold), assemble.
pub(crate) fn translate_docs(
    with: Translating,
    tm: Option<&mut TranslationMemory>,
    docs: Vec<Document>,
    planner: &(dyn Fn(&Document) -> Vec<PlannedBlock> + Sync),
    counts: &mut Counts,
) -> Result<Vec<AlignedDocument>> {
    let engine = with.engine;
    let plans: Vec<Vec<PlannedBlock>> = docs.par_iter().map(planner).collect();
    let mut seen = HashSet::new();
    let mut unique: Vec<&str> = Vec::new();
    for (doc, p) in docs.iter().zip(&plans) {
        for seg in p.iter().flat_map(|b| &b.segments) {
            counts.segments += 1;
            if seg.action == Action::Translated {
                counts.translated_segments += 1;
                let text = &doc.text[seg.span.clone()];
                if seen.insert(text) {
                    unique.push(text);
                }
            }
        }
        counts.blocks += p.len();
    }
    let mut known = match &tm {
        Some(tm) => tm.lookup(&unique)?,
        None => HashMap::new(),
    };
    let misses: Vec<&str> = unique.iter().enumerate().filter(|(i, _)| !known.contains_key(i)).map(|(_, s)| *s).collect();
    let (translated, glossary) = translate_protected(engine, with.glossary, &misses)?;
    counts.glossary_protected += glossary.protected;
    counts.glossary_retranslated += glossary.retranslated;
    counts.tm_hits += known.len();
    counts.unique_translated += misses.len();
    for t in &translated {
        counts.source_tokens += t.source_tokens;
        counts.target_tokens += t.target_tokens;
    }
    if let Some(tm) = tm {
        tm.store(&misses.iter().copied().zip(&translated).collect::<Vec<_>>())?;
    }
    let mut fresh = translated.into_iter();
    let mut map: HashMap<String, Translation> = unique
        .iter()
        .enumerate()
        .map(|(i, s)| (s.to_string(), known.remove(&i).unwrap_or_else(|| fresh.next().expect("one translation per miss"))))
        .collect();
    for (source, t) in map.iter_mut() {
        counts.split_for_length += usize::from(t.pieces > 1);
        counts.hit_max_length += usize::from(t.hit_max_length);
        counts.redecoded += usize::from(t.redecoded);
        if let Some(g) = with.glossary {
            t.glossary_missing = g.missing(source, &t.text);
        }
    }
    Ok(docs.into_par_iter().zip(plans).map(|(d, p)| AlignedDocument::assemble(d, p, &map, with.low_confidence)).collect())
}
