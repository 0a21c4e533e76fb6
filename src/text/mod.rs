//! Text stages between reading and translating: sentences ([`segment`]), what to do with each
//! part of a document ([`plan`]), fixed translations of datelines and labels ([`rules`]),
//! glossary terms ([`glossary`]), and the Indonesian calendar words they share ([`lexicon`]).

pub mod glossary;
pub mod lexicon;
pub mod plan;
pub mod rules;
pub mod segment;
