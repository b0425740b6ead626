//! Integration tests: the `verbatim` binary on fixture corpora and the shipped corpus.

mod briefings;
mod build;
mod compare;
mod support;

mod corpus_integrity;
mod errors;
mod export;
mod faults;
mod ingest;
mod metadata;
mod reliability;
mod search;
mod security;
mod show_docs;
