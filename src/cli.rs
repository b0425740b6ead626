//! The command line as typed: clap definitions, each field's doc comment its `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::compare::kwic::KwicSort;
use crate::compare::timeline::Bucketing;
use crate::output::Format;
use crate::query::YearRange;
use crate::search::SortOrder;

/// Full-text search over a corpus of government tech-policy statements.
///
/// Statements are Markdown files with YAML front matter in the corpus folder; verbatim splits
/// them into passages, indexes them, and searches them with phrase queries and filters by
/// signatory, year and type. Read commands ingest first when the index is missing or older than
/// the corpus. Exit status: 0 found, 1 nothing found, 2 error.
#[derive(Debug, Parser)]
#[command(name = "verbatim", version, max_term_width = 100)]
pub struct Cli {
    /// Folder of statements to index.
    #[arg(
        long,
        global = true,
        env = "VERBATIM_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub corpus: PathBuf,

    /// Folder of the index.
    #[arg(
        long,
        global = true,
        env = "VERBATIM_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub index: PathBuf,

    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments as `Cli::try_parse` does, and also rejects a flag the
    /// command would ignore: `--ingest-memory` typed beside `--no-refresh`, which never ingests.
    /// `VERBATIM_INGEST_MEMORY` may stay set for every command.
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        use clap::parser::ValueSource;
        use clap::{CommandFactory, FromArgMatches};
        let mut command = Cli::command();
        let matches = command.try_get_matches_from_mut(std::env::args_os())?;
        if let Some((name, used)) = matches.subcommand()
            // Asked first: only commands with --no-refresh have both arguments.
            && used.try_get_one::<bool>("no_refresh").ok().flatten() == Some(&true)
            && used.value_source("ingest_memory") == Some(ValueSource::CommandLine)
        {
            let kind = clap::error::ErrorKind::ArgumentConflict;
            let message = "--ingest-memory has no effect with --no-refresh, which never ingests";
            // With the subcommand's own usage line, not the top level's.
            return Err(match command.find_subcommand_mut(name) {
                Some(subcommand) => subcommand.error(kind, message),
                None => command.error(kind, message),
            });
        }
        Cli::from_arg_matches(&matches)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search passages: words (all required), "phrases", "phrase"~N, OR, AND, -word, (groups),
    /// prefix*, and title:, section:, type:, kind:, doc: terms.
    Search(SearchArgs),
    /// Build or update the index from the corpus.
    Ingest(IngestArgs),
    /// Lint the corpus without touching the index: one line per finding, path:line: level: message.
    Check(CheckArgs),
    /// Show a passage (DOC#N) with its neighbours, or a whole statement (DOC).
    Show(ShowArgs),
    /// List the statements, one line each: id, date, type, title, number of signatories.
    Docs(DocsArgs),
    /// Every signatory: roles, country, number of statements, first and last year.
    Signatories(SignatoriesArgs),
    /// A concordance: every occurrence of a query, key word in context, statement by statement.
    Compare(CompareArgs),
    /// A query over time (or by signatory or type): occurrences and rate per 10,000 words.
    Timeline(TimelineArgs),
    /// Word sequences shared by two or more statements: who quoted whom.
    Reuse(ReuseArgs),
    /// Word-level differences between two passages (DOC#N) or two statements (DOC).
    Diff(DiffArgs),
    /// The passages of other statements most similar to a given passage.
    Similar(SimilarArgs),
    /// The metadata the ingester reads from one file, and where each field came from.
    Inspect(InspectArgs),
    /// Passages as NDJSON for a search cluster (OpenSearch, Elasticsearch, Quickwit), or the
    /// index mapping that mirrors verbatim's schema.
    Export(ExportArgs),
}

/// Where and how records are written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write to FILE (atomically: a temporary file renamed when complete) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Columns (csv, tsv) or keys (jsonl) to write, in this order, e.g. citation,date,text.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub fields: Option<Vec<String>>,

    /// Write CSV cells as they are, without neutralising those a spreadsheet would run as formulas.
    #[arg(long)]
    pub csv_raw: bool,
}

/// Filters shared by every command that reads statements.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Only statements with a signatory whose name, role or country matches; country names,
    /// aliases and ISO codes work (UK, GB, Britain). Repeat for any of several.
    #[arg(short = 's', long = "signatory", value_name = "NAME")]
    pub signatories: Vec<String>,

    /// Only statements of these years: 2020, 2018..2020, 2019.., ..2019.
    #[arg(short = 'y', long = "year", value_name = "SPEC", value_parser = parse_year)]
    pub year: Option<YearRange>,

    /// Only statements of this type, e.g. "joint statement". Repeat for any of several.
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,

    /// Only this statement (for `reuse`: only findings that involve it). Repeat for any of
    /// several.
    #[arg(long = "doc", value_name = "ID")]
    pub docs: Vec<String>,
}

fn parse_year(spec: &str) -> Result<YearRange, String> {
    spec.parse().map_err(|err| match err {
        crate::error::Error::YearSpec { reason, .. } => {
            format!("{reason} (expected 2020, 2018..2020, 2019.. or ..2019)")
        }
        other => other.to_string(),
    })
}

fn parse_limit(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("the limit must be at least 1 (use --all for every hit)".to_string()),
        Ok(limit) => Ok(limit),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

/// How an index-reading command treats a corpus that changed since the last ingest.
#[derive(Debug, Clone, Copy, Args)]
pub struct FreshnessArgs {
    /// Read the index as last ingested, without checking the corpus for changes: saves a
    /// `stat` per corpus file on every command; `verbatim ingest` brings the index up to date.
    #[arg(long)]
    pub no_refresh: bool,

    #[command(flatten)]
    pub memory: IngestMemoryArgs,
}

impl FreshnessArgs {
    pub fn freshness(self) -> crate::index::Freshness {
        if self.no_refresh {
            crate::index::Freshness::AsIngested
        } else {
            crate::index::Freshness::Checked {
                ingest_memory: self.memory.ingest_memory,
            }
        }
    }
}

/// How much memory an ingest gives tantivy's writer.
#[derive(Debug, Clone, Copy, Args)]
pub struct IngestMemoryArgs {
    /// Memory tantivy's writer threads may fill before writing a segment, for any ingest this
    /// command runs: 64M, 512M, 1G (K, M and G are powers of 1024; 15M to 4095M). Less makes
    /// more, smaller segments to merge: slower, and not always a lower peak.
    #[arg(
        long,
        value_name = "SIZE",
        env = "VERBATIM_INGEST_MEMORY",
        default_value = "512M",
        value_parser = parse_ingest_memory
    )]
    pub ingest_memory: usize,
}

fn parse_ingest_memory(text: &str) -> Result<usize, String> {
    use crate::index::{MAX_INGEST_MEMORY, MIN_INGEST_MEMORY};
    let bytes = parse_size::Config::new()
        .with_binary()
        .parse_size(text)
        .map_err(|err| {
            format!("`{text}` is not a size such as 512M or 1G ({err}); {INGEST_MEMORY_SOURCES}")
        })?;
    match usize::try_from(bytes) {
        Ok(bytes) if (MIN_INGEST_MEMORY..=MAX_INGEST_MEMORY).contains(&bytes) => Ok(bytes),
        _ => Err(format!(
            "`{text}` is outside what tantivy's writer accepts: 15M to 4095M; {INGEST_MEMORY_SOURCES}"
        )),
    }
}

/// Where a bad size came from: clap's message names only the flag.
const INGEST_MEMORY_SOURCES: &str = "set by --ingest-memory or VERBATIM_INGEST_MEMORY";

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, in tantivy's query syntax.
    pub query: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Match words exactly, without stemming ("access" does not find "accessed").
    #[arg(long)]
    pub exact: bool,

    /// Show at most this many hits.
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N",
          value_parser = parse_limit)]
    pub limit: u64,

    /// Show every hit.
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// Order of hits.
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    pub sort: SortOrder,

    /// Show N passages before and after each hit.
    #[arg(short = 'C', long, default_value_t = 0, value_name = "N")]
    pub context: u64,

    /// Print whole passages, not a window around the matches.
    #[arg(long)]
    pub full: bool,

    /// After the hits, count them per signatory (country), year or type. Repeatable.
    #[arg(long = "facet", value_enum, value_name = "FIELD")]
    pub facets: Vec<crate::search::Facet>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Rebuild the index from scratch (forgetting earlier --column mappings).
    #[arg(long)]
    pub rebuild: bool,

    /// Check the corpus first and write nothing if `check` finds anything.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub memory: IngestMemoryArgs,

    #[command(flatten)]
    pub columns: ColumnArgs,
}

#[derive(Debug, Args)]
pub struct ColumnArgs {
    /// Read a metadata-file column under a field's name, e.g. signatories=president_full
    /// (repeatable; remembered by the index for later updates).
    #[arg(long = "column", value_name = "FIELD=COLUMN", value_parser = parse_column)]
    pub column: Vec<(String, String)>,
}

fn parse_column(arg: &str) -> Result<(String, String), String> {
    crate::corpus::sidecar::parse_column_mapping(arg)
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A citation, DOC#N, or a statement id.
    pub citation: String,

    /// Show N passages before and after a cited passage.
    #[arg(short = 'C', long, default_value_t = 0, value_name = "N")]
    pub context: u64,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The query, as for `search`.
    pub query: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Match words exactly, without stemming: only the exact surface form.
    #[arg(long)]
    pub exact: bool,

    /// Characters of context on each side of the match.
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub width: usize,

    /// Order of the lines.
    #[arg(long, value_enum, default_value_t = KwicSort::Date)]
    pub sort: KwicSort,

    /// Also list the statements in the filter range without a match.
    #[arg(long)]
    pub show_absent: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The query, as for `search`.
    pub query: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Match words exactly, without stemming.
    #[arg(long)]
    pub exact: bool,

    /// What a bucket groups.
    #[arg(long, value_enum, default_value_t = Bucketing::Year)]
    pub by: Bucketing,

    /// Also write the chart as an SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct ReuseArgs {
    /// With --doc: only the findings that involve one of those statements, found in the
    /// whole filtered corpus.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// The shortest shared sequence reported, in words.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = parse_min_words)]
    pub min_words: usize,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

fn parse_min_words(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(words) if words >= 2 => Ok(words),
        Ok(_) => Err("at least 2 words".to_string()),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// A passage (DOC#N) or a statement (DOC).
    pub a: String,
    /// A passage (DOC#N) or a statement (DOC), as A.
    pub b: String,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The passage to find counterparts of: DOC#N.
    pub citation: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Show at most this many passages.
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N", value_parser = parse_limit)]
    pub limit: u64,

    /// Show the word diff against each.
    #[arg(long)]
    pub diff: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Action and document lines, for the `_bulk` API of Elasticsearch and OpenSearch.
    Bulk,
    /// Documents alone, one per line, for Quickwit's ingest.
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MappingKind {
    /// An OpenSearch / Elasticsearch index mapping with its analysers (JSON).
    Opensearch,
    /// A Quickwit index config (YAML).
    Quickwit,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export only the passages this query finds (all passages when absent).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// With --query: match words exactly, without stemming.
    #[arg(long, requires = "query")]
    pub exact: bool,

    #[arg(long, value_enum, default_value_t = ExportFormat::Bulk)]
    pub format: ExportFormat,

    /// Print the index mapping (opensearch) or index config (quickwit) instead of passages.
    #[arg(long, value_enum, value_name = "KIND")]
    pub mapping: Option<MappingKind>,

    /// The index name in action lines and in the Quickwit config.
    #[arg(long, default_value = "verbatim", value_name = "NAME")]
    pub index_name: String,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A statement file (Markdown or HTML, with or without front matter); a metadata file
    /// beside it (metadata.csv, .json, .jsonl) is read too.
    pub file: PathBuf,

    #[command(flatten)]
    pub columns: ColumnArgs,

    /// text or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct SignatoriesArgs {
    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_memory_sizes_are_powers_of_1024_within_tantivys_bounds() {
        // The flag's default, as text, is the library's default.
        assert_eq!(
            parse_ingest_memory("512M"),
            Ok(crate::index::DEFAULT_INGEST_MEMORY)
        );
        assert_eq!(parse_ingest_memory("1.5G"), Ok(1536 * 1024 * 1024));
        assert_eq!(parse_ingest_memory("15M"), Ok(15 * 1024 * 1024));
        assert_eq!(parse_ingest_memory("4095M"), Ok(4095 * 1024 * 1024));
        assert!(parse_ingest_memory("14M").is_err());
        assert!(parse_ingest_memory("4096M").is_err());
    }
}
