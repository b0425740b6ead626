//! The index schema: every field, its analyser, and the only place field names are spelled.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};

use super::stem::CachedEnglishStemmer;

/// Bumped whenever a field, an analyser or a stored value changes meaning; an index of another
/// version is rebuilt.
pub const SCHEMA_VERSION: u32 = 4;

/// A fingerprint of the ingest code (see `build.rs`): an index written by a build that split
/// or stored passages differently is rebuilt, even when the schema is the same.
pub const INGEST_FINGERPRINT: &str = env!("VERBATIM_INGEST_FINGERPRINT");

/// Analyser names, as registered on every opened index.
const STEMMED: &str = "verbatim_stemmed";
const EXACT: &str = "verbatim_exact";
const KEYWORD: &str = "verbatim_keyword";

/// Record kinds: one `statement` record per statement holds its metadata; passages are searched.
pub const RECORD_PASSAGE: &str = "passage";
pub const RECORD_STATEMENT: &str = "statement";

/// Handles to every field, built once from the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub record: Field,
    pub doc: Field,
    pub n: Field,
    pub year: Field,
    pub date_key: Field,
    pub doc_hash: Field,
    pub passages: Field,
    pub text: Field,
    pub text_exact: Field,
    pub title: Field,
    pub title_exact: Field,
    pub section: Field,
    pub section_exact: Field,
    pub signatory: Field,
    pub country: Field,
    pub kind: Field,
    pub doc_type: Field,
    pub line: Field,
    pub links: Field,
    pub meta: Field,
}

impl Fields {
    pub fn schema() -> Schema {
        let mut builder = Schema::builder();
        let positions = |analyser: &str| {
            TextFieldIndexing::default()
                .set_tokenizer(analyser)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions)
        };
        let keyword = TextFieldIndexing::default()
            .set_tokenizer(KEYWORD)
            .set_index_option(IndexRecordOption::Basic);
        builder.add_text_field("record", STRING);
        builder.add_text_field("doc", STRING | STORED | FAST);
        builder.add_u64_field("n", INDEXED | STORED | FAST);
        builder.add_u64_field("year", INDEXED | FAST);
        builder.add_u64_field("date_key", FAST);
        builder.add_u64_field("doc_hash", FAST);
        builder.add_u64_field("passages", FAST);
        builder.add_text_field(
            "text",
            TextOptions::default()
                .set_indexing_options(positions(STEMMED))
                .set_stored(),
        );
        builder.add_text_field(
            "text_exact",
            TextOptions::default().set_indexing_options(positions(EXACT)),
        );
        builder.add_text_field(
            "title",
            TextOptions::default().set_indexing_options(positions(STEMMED)),
        );
        builder.add_text_field(
            "title_exact",
            TextOptions::default().set_indexing_options(positions(EXACT)),
        );
        builder.add_text_field(
            "section",
            TextOptions::default()
                .set_indexing_options(positions(STEMMED))
                .set_stored(),
        );
        builder.add_text_field(
            "section_exact",
            TextOptions::default().set_indexing_options(positions(EXACT)),
        );
        builder.add_text_field(
            "signatory",
            TextOptions::default().set_indexing_options(positions(EXACT)),
        );
        builder.add_text_field("country", STRING);
        builder.add_text_field(
            "kind",
            TextOptions::default()
                .set_indexing_options(keyword.clone())
                .set_stored(),
        );
        builder.add_text_field("type", TextOptions::default().set_indexing_options(keyword));
        builder.add_u64_field("line", STORED);
        builder.add_text_field("links", STORED);
        builder.add_text_field("meta", STORED);
        builder.build()
    }

    /// Looks up every field; `None` when the schema is not this version's.
    pub fn from_schema(schema: &Schema) -> Option<Fields> {
        let field = |name: &str| schema.get_field(name).ok();
        Some(Fields {
            record: field("record")?,
            doc: field("doc")?,
            n: field("n")?,
            year: field("year")?,
            date_key: field("date_key")?,
            doc_hash: field("doc_hash")?,
            passages: field("passages")?,
            text: field("text")?,
            text_exact: field("text_exact")?,
            title: field("title")?,
            title_exact: field("title_exact")?,
            section: field("section")?,
            section_exact: field("section_exact")?,
            signatory: field("signatory")?,
            country: field("country")?,
            kind: field("kind")?,
            doc_type: field("type")?,
            line: field("line")?,
            links: field("links")?,
            meta: field("meta")?,
        })
    }
}

/// The field names of fast fields, for collectors that address them by name.
pub const FAST_N: &str = "n";
/// The document id as a column too: it tells whether a passage belongs to a given statement
/// record without reading either from the doc store.
pub const FAST_DOC: &str = "doc";
pub const FAST_DATE_KEY: &str = "date_key";
/// On statement records: how many passage records follow the statement's own, in one batch.
pub const FAST_PASSAGES: &str = "passages";
pub const FAST_DOC_HASH: &str = "doc_hash";

/// Text split into words, lower-cased, folded to ASCII, and reduced to English stems.
pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedEnglishStemmer)
        .build()
}

/// The same words without stemming, for `--exact`, prefixes and names.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A whole value as one lower-cased, folded term: "Joint Statement" → "joint statement".
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analysers; needed on every index opened, not only on creation.
pub fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(STEMMED, stemmed_analyzer());
    tokenizers.register(EXACT, exact_analyzer());
    tokenizers.register(KEYWORD, keyword_analyzer());
}

/// A stable 64-bit hash of a document id, for deterministic tie-breaking in ranked results.
pub fn doc_hash(id: &str) -> u64 {
    let hash = blake3::hash(id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_be_bytes(bytes)
}
