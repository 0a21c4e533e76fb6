//! Text stages between reading and translating: sentences ([`segment`]), what to do with each
//! part of a document ([`plan`]), fixed translations of datelines and labels (`rules`),
//! glossary terms (`glossary`), and the Indonesian calendar words they share (`lexicon`).

pub(crate) mod glossary;
pub(crate) mod lexicon;
pub mod plan;
pub(crate) mod rules;
pub mod segment;
