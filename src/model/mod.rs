//! Translation models: finding model folders ([`discover`]), reading what they are
//! ([`inspect`]), loading and running them ([`engine`]), and choosing the compute type by
//! measurement ([`compute`]).

pub(crate) mod compute;
pub(crate) mod discover;
pub(crate) mod engine;
pub(crate) mod inspect;
pub(crate) mod vmap;

pub(crate) use engine::{Decoding, Engine, EngineOptions};
pub(crate) use inspect::{Layout, ModelInfo};
