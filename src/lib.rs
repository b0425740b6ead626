//! verbatim: full-text search over a corpus of government tech-policy statements.
//!
//! The pipeline: `corpus` reads Markdown statements into passages, `index` writes them to a
//! tantivy index and keeps it current, `query` turns what the user typed into a tantivy query,
//! `search` runs it into hit records, `highlight` finds exact match spans, and `output` renders
//! records. `commands` wires one command line to that pipeline.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod check;
pub mod cli;
mod commands;
pub mod compare;
pub mod corpus;
pub mod country;
pub mod error;
pub mod highlight;
pub mod index;
pub mod output;
pub mod query;
pub mod search;
pub mod signatories;
pub mod snippet;

use std::process::ExitCode;

pub use commands::run;

/// How a command ended when it did not fail: grep's convention of 0 for found, 1 for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    NotFound,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Found => ExitCode::SUCCESS,
            Outcome::NotFound => ExitCode::from(1),
        }
    }
}
