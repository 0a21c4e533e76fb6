//! Text stages between reading and translating: sentences ([`segment`]), what to do with each
//! part of a document ([`plan`]), fixed translations of datelines and labels (`rules`),
//! glossary terms (`glossary`), the Indonesian calendar words they share (`lexicon`), and
//! titles in the sentence case the model knows (`casing`).

pub(crate) mod casing;
pub(crate) mod glossary;
pub(crate) mod lexicon;
pub mod plan;
pub(crate) mod rules;
pub mod segment;
pub(crate) mod wordalign;
