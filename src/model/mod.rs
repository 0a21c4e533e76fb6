//! Translation models: finding model folders ([`discover`]), reading what they are
//! ([`inspect`]), loading and running them ([`engine`]), and choosing the compute type by
//! measurement ([`compute`]).

pub mod compute;
pub mod discover;
pub mod engine;
pub mod inspect;

pub use engine::{Compute, Engine, EngineOptions};
pub use inspect::{Layout, ModelInfo};
