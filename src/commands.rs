//! One function per command: resolve the arguments, run the library, hand records to a writer.

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use termcolor::ColorChoice;

use crate::Outcome;
use crate::cli::{
    CheckArgs, Cli, ColorWhen, Command, CompareArgs, DiffArgs, DocsArgs, ExportArgs, ExportFormat,
    FilterArgs, IngestArgs, InspectArgs, MappingKind, OutputArgs, ReuseArgs, SearchArgs, ShowArgs,
    SignatoriesArgs, SimilarArgs, TimelineArgs,
};
use crate::compare::diff::{passage_diff, statement_diff};
use crate::compare::kwic::{KwicRequest, concordance};
use crate::compare::reuse_report;
use crate::compare::similar::{SimilarRequest, similar};
use crate::compare::timeline::{TimelineRequest, timeline};
use crate::corpus::{Citation, Statement};
use crate::error::Error;
use crate::index::{CorpusIndex, Freshness, IngestOptions, IngestReport, Locations, ingest};
use crate::output::{self, Destination, DiffReport, Format, Options, plural};
use crate::query::Filters;
use crate::search::{PassageRecord, SearchRequest, rank};

/// Runs one command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let locations = Locations {
        corpus: cli.corpus,
        index: cli.index,
    };
    let color = color_choice(cli.color);
    // Ctrl-C stops an ingest cleanly before its commit; anything else simply ends.
    let _ = ctrlc::set_handler(|| {
        if !crate::index::interrupt_ingest() {
            std::process::exit(130);
        }
    });
    match cli.command {
        Command::Search(args) => search_command(&locations, args, color),
        Command::Ingest(args) => ingest_command(&locations, args),
        Command::Check(args) => check_command(&locations, args, color),
        Command::Show(args) => show_command(&locations, args, color),
        Command::Docs(args) => docs_command(&locations, args, color),
        Command::Signatories(args) => signatories_command(&locations, args, color),
        Command::Compare(args) => compare_command(&locations, args, color),
        Command::Timeline(args) => timeline_command(&locations, args, color),
        Command::Reuse(args) => reuse_command(&locations, args, color),
        Command::Diff(args) => diff_command(&locations, args, color),
        Command::Similar(args) => similar_command(&locations, args, color),
        Command::Export(args) => export_command(&locations, args),
        Command::Inspect(args) => inspect_command(args),
    }
}

fn color_choice(when: ColorWhen) -> ColorChoice {
    match when {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() =>
        {
            ColorChoice::Auto
        }
        ColorWhen::Auto => ColorChoice::Never,
    }
}

fn filters(args: FilterArgs) -> Filters {
    Filters {
        signatories: args.signatories,
        years: args.year,
        types: args.types,
        docs: args.docs,
    }
}

/// Opens the index, ingesting first when it is stale, with a one-line notice when that happens.
fn open_index(locations: &Locations, freshness: Freshness) -> Result<CorpusIndex> {
    Ok(open_index_with(locations, freshness, |_| Ok(()))?.0)
}

/// Opens the index and does `work` on it (see `CorpusIndex::with_current`: the work overlaps
/// the check that the index is current, and is done again after an update).
fn open_index_with<T>(
    locations: &Locations,
    freshness: Freshness,
    work: impl Fn(&CorpusIndex) -> crate::error::Result<T>,
) -> Result<(CorpusIndex, T)> {
    let (index, done, report) = match CorpusIndex::with_current(locations, freshness, work) {
        Ok(opened) => opened,
        // Already says which index and what to do.
        Err(
            err @ (Error::Damaged { .. }
            | Error::NoIndexAsIngested(_)
            | Error::OutdatedAsIngested { .. }),
        ) => return Err(err.into()),
        Err(err) => {
            return Err(anyhow::Error::new(err).context(format!(
                "cannot open the index at {}",
                locations.index.display()
            )));
        }
    };
    match report {
        Some(report) if report.busy => eprintln!(
            "verbatim: the index is being updated by another process; reading its last complete state"
        ),
        Some(report) => {
            report_skipped(&report);
            let why = match &report.rebuilt {
                Some(reason) => format!("rebuilt the index because {reason}"),
                None if report.created => {
                    format!("built the index in {}", locations.index.display())
                }
                None => "the corpus changed since the last ingest; updated the index".to_string(),
            };
            eprintln!(
                "verbatim: {why}; {} from {}",
                output::ingest_summary(&report),
                locations.corpus.display()
            );
        }
        None => {}
    }
    Ok((index, done?))
}

fn report_skipped(report: &IngestReport) {
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    for skipped in &report.skipped {
        eprintln!("{}", skipped.message);
    }
    if !report.skipped.is_empty() {
        eprintln!(
            "verbatim: skipped {}; the rest is indexed",
            plural(report.skipped.len() as u64, "file", "files")
        );
    }
}

/// "checked 12 files: 1 error, 3 warnings".
fn check_summary(report: &crate::check::CheckReport) -> String {
    use crate::corpus::Level;
    let files = plural(report.files as u64, "file", "files");
    if report.findings.is_empty() {
        return format!("checked {files}: no findings");
    }
    format!(
        "checked {files}: {}, {}",
        plural(report.count(Level::Error) as u64, "error", "errors"),
        plural(report.count(Level::Warning) as u64, "warning", "warnings")
    )
}

fn check_command(locations: &Locations, args: CheckArgs, color: ColorChoice) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let report = crate::check::check(&locations.corpus, &args.columns.column)?;
    write_to(&args.output, color, |out| {
        output::findings(out, &report.findings, &options)
    })?;
    eprintln!("{}", check_summary(&report));
    Ok(found(report.findings.is_empty()))
}

/// The writer options a command line asks for.
fn output_options(output: &OutputArgs) -> Result<Options> {
    if output.fields.is_some()
        && !matches!(output.format, Format::Csv | Format::Tsv | Format::Jsonl)
    {
        bail!("--fields selects the columns of --format csv, tsv or jsonl");
    }
    Ok(Options {
        format: output.format,
        fields: output.fields.clone(),
        csv_raw: output.csv_raw,
        full: false,
    })
}

/// Opens the destination, lets `write` fill it, and moves a file into place when done.
fn write_to(
    output: &OutputArgs,
    color: ColorChoice,
    write: impl FnOnce(&mut dyn termcolor::WriteColor) -> std::io::Result<()>,
) -> Result<()> {
    let mut destination = Destination::open(output.output.as_deref(), color)?;
    write(destination.writer())?;
    destination.finish()?;
    Ok(())
}

fn search_command(locations: &Locations, args: SearchArgs, color: ColorChoice) -> Result<Outcome> {
    let request = SearchRequest {
        query: args.query,
        exact: args.exact,
        filters: filters(args.filters),
        limit: if args.all {
            None
        } else {
            Some(args.limit as usize)
        },
        sort: args.sort,
        context: args.context,
        facets: args.facets.clone(),
    };
    if !request.facets.is_empty() && !matches!(args.output.format, Format::Text | Format::Json) {
        bail!("--facet counts show with --format text or json");
    }
    let mut options = output_options(&args.output)?;
    options.full = args.full;
    if let Some(fields) = &options.fields
        && options.format == Format::Jsonl
    {
        // Hits stream, so names are checked before the first is written.
        let known: Vec<&str> = output::HIT_FIELDS
            .iter()
            .copied()
            .chain(["before", "after", "schema"])
            .collect();
        if let Some(field) = fields.iter().find(|field| !known.contains(&field.as_str())) {
            bail!(
                "--fields: unknown field `{field}` (fields: {})",
                output::HIT_FIELDS.join(", ")
            );
        }
    }
    let (index, ranked) = open_index_with(locations, args.freshness.freshness(), |index| {
        rank(index, &request)
    })?;
    let mut run = ranked.run(&index);
    let totals = run.summary.clone();
    let mut destination = Destination::open(args.output.output.as_deref(), color)?;
    output::search_stream(destination.writer(), &mut run, &options)?;
    destination.finish()?;
    let mut summary = format!(
        "{} in {}",
        plural(totals.total_hits, "hit", "hits"),
        plural(totals.total_statements, "statement", "statements")
    );
    if totals.shown < totals.total_hits {
        summary.push_str(&format!(
            " ({} shown; use --all or -n N for more)",
            totals.shown
        ));
    }
    eprintln!("{summary}");
    Ok(found(totals.total_hits > 0))
}

/// Leaves what a command has read to the end of the process, which follows it (`run` runs one
/// command line): freeing an index's doc-store caches and a report's many strings one by one
/// (malloc merges its freed small chunks each time a large one is freed) took a tenth of a
/// `compare` of a frequent phrase on a million passages; the kernel takes it all back at once.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

fn found(any: bool) -> Outcome {
    if any {
        Outcome::Found
    } else {
        Outcome::NotFound
    }
}

fn ingest_command(locations: &Locations, args: IngestArgs) -> Result<Outcome> {
    let columns = (!args.columns.column.is_empty()).then(|| args.columns.column.clone());
    if args.strict {
        // Nothing is written unless the whole corpus is clean, so that a script can trust
        // that a successful strict ingest indexed every file exactly as written.
        let checked = crate::check::check(&locations.corpus, &args.columns.column)?;
        if !checked.findings.is_empty() {
            for finding in &checked.findings {
                eprintln!("{finding}");
            }
            bail!("--strict: {}; nothing was written", check_summary(&checked));
        }
    }
    let options = IngestOptions {
        rebuild: args.rebuild,
        progress: true,
        columns,
        memory: args.memory.ingest_memory,
    };
    let report = ingest(locations, &options).with_context(|| {
        format!(
            "cannot ingest {} into {}",
            locations.corpus.display(),
            locations.index.display()
        )
    })?;
    report_skipped(&report);
    if let Some(reason) = &report.rebuilt {
        eprintln!("verbatim: rebuilt the index because {reason}");
    }
    eprintln!("{}", output::ingest_summary(&report));
    Ok(found(report.skipped.is_empty()))
}

/// The statement a citation names, or an error saying it does not exist.
fn cited_statement(index: &CorpusIndex, citation: &Citation) -> Result<Statement> {
    Ok(index
        .statement(&citation.doc)?
        .ok_or_else(|| Error::UnknownDocument(citation.doc.clone()))?)
}

/// Passages `first..=last` of a statement as records.
fn passage_records(
    index: &CorpusIndex,
    statement: &Statement,
    first: u64,
    last: u64,
) -> Result<Vec<PassageRecord>> {
    Ok(index
        .passages(&statement.id, first, last)?
        .into_iter()
        .map(|passage| PassageRecord::new(passage, statement))
        .collect())
}

/// The one passage a `DOC#n` citation names.
fn cited_passage(
    index: &CorpusIndex,
    citation: &Citation,
    n: u64,
) -> Result<(Statement, PassageRecord)> {
    let statement = cited_statement(index, citation)?;
    if n > statement.passages {
        return Err(Error::UnknownPassage {
            doc: citation.doc.clone(),
            n,
            count: statement.passages,
        }
        .into());
    }
    let record = passage_records(index, &statement, n, n)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::UnknownPassage {
            doc: citation.doc.clone(),
            n,
            count: statement.passages,
        })?;
    Ok((statement, record))
}

fn show_command(locations: &Locations, args: ShowArgs, color: ColorChoice) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let citation = Citation::parse(&args.citation)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let statement = cited_statement(&index, &citation)?;
    let (first, last) = match citation.n {
        Some(n) if n > statement.passages => {
            return Err(Error::UnknownPassage {
                doc: citation.doc,
                n,
                count: statement.passages,
            }
            .into());
        }
        Some(n) => (
            n.saturating_sub(args.context).max(1),
            n.saturating_add(args.context),
        ),
        None => (1, statement.passages.max(1)),
    };
    let records = passage_records(&index, &statement, first, last)?;
    write_to(&args.output, color, |out| {
        output::passages(out, &statement, &records, &options)
    })?;
    Ok(Outcome::Found)
}

fn docs_command(locations: &Locations, args: DocsArgs, color: ColorChoice) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let filters = filters(args.filters);
    let statements = index.statements(filters.statement_query(&index))?;
    write_to(&args.output, color, |out| {
        output::statements(out, &statements, &options)
    })?;
    Ok(found(!statements.is_empty()))
}

fn compare_command(
    locations: &Locations,
    args: CompareArgs,
    color: ColorChoice,
) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let request = KwicRequest {
        query: args.query,
        exact: args.exact,
        filters: filters(args.filters),
        width: args.width,
        sort: args.sort,
        show_absent: args.show_absent,
    };
    let report = concordance(&index, &request)?;
    write_to(&args.output, color, |out| {
        output::concordance(out, &report, &options)
    })?;
    eprintln!(
        "{} in {}",
        plural(report.occurrences as u64, "occurrence", "occurrences"),
        plural(report.statements.len() as u64, "statement", "statements")
    );
    let outcome = found(report.occurrences > 0);
    leave_to_exit((index, report));
    Ok(outcome)
}

fn timeline_command(
    locations: &Locations,
    args: TimelineArgs,
    color: ColorChoice,
) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let request = TimelineRequest {
        query: args.query,
        exact: args.exact,
        filters: filters(args.filters),
        by: args.by,
    };
    let report = timeline(&index, &request)?;
    if let Some(path) = &args.svg {
        let svg_output = OutputArgs {
            format: args.output.format,
            output: Some(path.clone()),
            fields: None,
            csv_raw: false,
        };
        write_to(&svg_output, ColorChoice::Never, |out| {
            out.write_all(output::timeline_svg(&report).as_bytes())
        })
        .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    write_to(&args.output, color, |out| {
        output::timeline(out, &report, &options)
    })?;
    let outcome = found(report.total.occurrences > 0);
    leave_to_exit((index, report));
    Ok(outcome)
}

fn reuse_command(locations: &Locations, args: ReuseArgs, color: ColorChoice) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let mut filters = filters(args.filters);
    // --doc chooses findings, not the statements searched: reuse needs the others to compare.
    let involving = std::mem::take(&mut filters.docs);
    for doc in &involving {
        if index.statement(doc)?.is_none() {
            return Err(Error::UnknownDocument(doc.clone()).into());
        }
    }
    let report = reuse_report(&index, &filters, args.min_words, &involving)?;
    write_to(&args.output, color, |out| {
        output::reuse(out, &report, &options)
    })?;
    eprintln!(
        "{}",
        plural(
            report.findings.len() as u64,
            "shared sequence",
            "shared sequences"
        )
    );
    Ok(found(!report.findings.is_empty()))
}

fn diff_command(locations: &Locations, args: DiffArgs, color: ColorChoice) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let a = Citation::parse(&args.a)?;
    let b = Citation::parse(&args.b)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let report = match (a.n, b.n) {
        (Some(an), Some(bn)) => {
            let (_, left) = cited_passage(&index, &a, an)?;
            let (_, right) = cited_passage(&index, &b, bn)?;
            DiffReport::Passages(passage_diff(left, right))
        }
        (None, None) => {
            let left = cited_statement(&index, &a)?;
            let right = cited_statement(&index, &b)?;
            let left_passages = passage_records(&index, &left, 1, left.passages.max(1))?;
            let right_passages = passage_records(&index, &right, 1, right.passages.max(1))?;
            DiffReport::Statements(statement_diff(left, &left_passages, right, &right_passages))
        }
        _ => bail!(
            "diff compares two passages (DOC#N DOC#N) or two statements (DOC DOC), not one of each"
        ),
    };
    write_to(&args.output, color, |out| {
        output::diff(out, &report, &options)
    })?;
    let identical = match &report {
        DiffReport::Passages(diff) => diff
            .ops
            .iter()
            .all(|op| matches!(op, crate::compare::diff::DiffOp::Equal(_))),
        DiffReport::Statements(diff) => {
            diff.summary.changed == 0 && diff.summary.only_a == 0 && diff.summary.only_b == 0
        }
    };
    // As diff(1): 0 when the two are the same, 1 when they differ.
    Ok(if identical {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

fn similar_command(
    locations: &Locations,
    args: SimilarArgs,
    color: ColorChoice,
) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let citation = Citation::parse(&args.citation)?;
    let Some(n) = citation.n else {
        bail!(
            "similar needs a passage, DOC#N; `{}` names a whole statement",
            args.citation
        );
    };
    let index = open_index(locations, args.freshness.freshness())?;
    let (_, source) = cited_passage(&index, &citation, n)?;
    let request = SimilarRequest {
        doc: citation.doc.clone(),
        n,
        filters: filters(args.filters),
        limit: args.limit as usize,
        diff: args.diff,
    };
    let report = similar(&index, source, &request)?;
    write_to(&args.output, color, |out| {
        output::similar(out, &report, &options)
    })?;
    eprintln!(
        "{}",
        plural(
            report.hits.len() as u64,
            "similar passage",
            "similar passages"
        )
    );
    Ok(found(!report.hits.is_empty()))
}

fn export_command(locations: &Locations, args: ExportArgs) -> Result<Outcome> {
    let output = OutputArgs {
        format: output::Format::Text,
        output: args.output.clone(),
        fields: None,
        csv_raw: false,
    };
    if let Some(kind) = args.mapping {
        write_to(&output, ColorChoice::Never, |out| match kind {
            MappingKind::Opensearch => {
                serde_json::to_writer_pretty(&mut *out, &output::bulk::opensearch_mapping())?;
                writeln!(out)
            }
            MappingKind::Quickwit => {
                out.write_all(output::bulk::quickwit_config(&args.index_name).as_bytes())
            }
        })?;
        return Ok(Outcome::Found);
    }
    let index = open_index(locations, args.freshness.freshness())?;
    let filters = filters(args.filters);
    let mut destination = Destination::open(args.output.as_deref(), ColorChoice::Never)?;
    // Lines are made on every core and written in order, a window at a time, so an export of
    // every passage runs in bounded memory; a read error stops the export and is reported as
    // such, a write error as itself.
    let render = |record: &PassageRecord, out: &mut Vec<u8>| {
        match args.format {
            ExportFormat::Bulk => output::bulk::bulk_lines(out, &args.index_name, record),
            ExportFormat::Ndjson => output::bulk::document_line(out, record),
        }
        .map_err(ExportFailure::Write)
    };
    let out = destination.writer();
    let write = |lines: &[u8]| out.write_all(lines).map_err(ExportFailure::Write);
    // A query's hits are exported as passages: their matches and snippets are not needed.
    let addresses = match &args.query {
        Some(query) => {
            let request = SearchRequest {
                query: query.clone(),
                exact: args.exact,
                filters: filters.clone(),
                limit: None,
                sort: crate::search::SortOrder::Date,
                context: 0,
                facets: Vec::new(),
            };
            rank(&index, &request)?.into_addresses()
        }
        None => index.passage_addresses(filters.passage_query(&index)?)?,
    };
    let exported = crate::search::render_passages(&index, &addresses, render, write);
    let written = match exported {
        Ok(written) => written,
        Err(ExportFailure::Read(err)) => {
            return Err(anyhow::Error::from(err)
                .context("the export stopped early (an output file is not written)"));
        }
        Err(ExportFailure::Write(err)) => return Err(err.into()),
    };
    destination.finish()?;
    eprintln!("{}", plural(written, "passage", "passages"));
    Ok(found(written > 0))
}

/// Why an export stopped: reading the index, or writing its lines.
enum ExportFailure {
    Read(crate::error::Error),
    Write(std::io::Error),
}

impl From<crate::error::Error> for ExportFailure {
    fn from(err: crate::error::Error) -> ExportFailure {
        ExportFailure::Read(err)
    }
}

fn inspect_command(args: InspectArgs) -> Result<Outcome> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let folder = match args.file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The file's own folder stands in for the corpus, so that its metadata file is found.
    let mut corpus = crate::corpus::discover(&folder)?;
    corpus
        .sidecars
        .retain(|sidecar| !sidecar.rel_path.contains('/'));
    corpus.files.retain(|file| !file.rel_path.contains('/'));
    let file = crate::corpus::CorpusFile {
        id: name
            .rsplit_once('.')
            .map_or(name.as_str(), |(stem, _)| stem)
            .to_string(),
        abs_path: args.file.clone(),
        rel_path: name,
        size: bytes.len() as u64,
        mtime_ns: 0,
        duplicate_of: None,
    };
    let sidecars = crate::corpus::Sidecars::read(&corpus, &args.columns.column);
    for (_, finding) in &sidecars.failures {
        eprintln!("{finding}");
    }
    let loaded = crate::corpus::load(&file, &bytes, &sidecars);
    for warning in &loaded.warnings {
        eprintln!("{warning}");
    }
    let parsed = loaded.parsed?;
    let mut out = termcolor::BufferedStandardStream::stdout(ColorChoice::Never);
    output::inspection(&mut out, &parsed, args.format)?;
    std::io::Write::flush(&mut out)?;
    Ok(Outcome::Found)
}

fn signatories_command(
    locations: &Locations,
    args: SignatoriesArgs,
    color: ColorChoice,
) -> Result<Outcome> {
    let options = output_options(&args.output)?;
    let index = open_index(locations, args.freshness.freshness())?;
    let filters = filters(args.filters);
    let statements = index.statements(filters.statement_query(&index))?;
    let records = crate::signatories::signatories(&statements);
    write_to(&args.output, color, |out| {
        output::signatories(out, &records, &options)
    })?;
    Ok(found(!records.is_empty()))
}
