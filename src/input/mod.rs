//! Inputs other than plain text articles, and the outlet rules that structure every article.
//!
//! - [`outlets`]: datelines, ads, invitations and other furniture of Indonesian news outlets.

pub mod outlets;
