//! Integration tests: the `verbatim` binary on fixture corpora and the shipped corpus.

mod corpus_integrity;
