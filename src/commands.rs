//! One function per command: resolve the arguments, run the library, hand records to a writer.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use termcolor::{BufferedStandardStream, ColorChoice};

use crate::Outcome;
use crate::cli::{Cli, ColorWhen, Command, DocsArgs, FilterArgs, IngestArgs, SearchArgs, ShowArgs};
use crate::corpus::Citation;
use crate::error::Error;
use crate::index::{CorpusIndex, IngestReport, Locations, ingest};
use crate::output::{self, TextStyle, plural};
use crate::query::Filters;
use crate::search::{PassageRecord, SearchRequest, search};

/// Runs one command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let locations = Locations {
        corpus: cli.corpus,
        index: cli.index,
    };
    let color = color_choice(cli.color);
    match cli.command {
        Command::Search(args) => search_command(&locations, args, color),
        Command::Ingest(args) => ingest_command(&locations, args),
        Command::Show(args) => show_command(&locations, args, color),
        Command::Docs(args) => docs_command(&locations, args, color),
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
fn open_index(locations: &Locations) -> Result<CorpusIndex> {
    let (index, report) = CorpusIndex::open_current(locations)
        .with_context(|| format!("cannot open the index at {}", locations.index.display()))?;
    if let Some(report) = report {
        report_skipped(&report);
        let why = match &report.rebuilt {
            Some(reason) => format!("rebuilt the index because {reason}"),
            None if report.created => format!("built the index in {}", locations.index.display()),
            None => "the corpus changed since the last ingest; updated the index".to_string(),
        };
        eprintln!(
            "verbatim: {why}; {} from {}",
            output::ingest_summary(&report),
            locations.corpus.display()
        );
    }
    Ok(index)
}

fn report_skipped(report: &IngestReport) {
    for skipped in &report.skipped {
        eprintln!("verbatim: skipped {}", skipped.message);
    }
}

fn search_command(locations: &Locations, args: SearchArgs, color: ColorChoice) -> Result<Outcome> {
    let index = open_index(locations)?;
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
    };
    let results = search(&index, &request)?;
    let mut out = BufferedStandardStream::stdout(color);
    output::search_results(
        &mut out,
        &results,
        args.format,
        TextStyle { full: args.full },
    )?;
    out.flush()?;
    let mut summary = format!(
        "{} in {}",
        plural(results.total_hits, "hit", "hits"),
        plural(results.total_statements, "statement", "statements")
    );
    if (results.hits.len() as u64) < results.total_hits {
        summary.push_str(&format!(
            " ({} shown; use --all or -n N for more)",
            results.hits.len()
        ));
    }
    eprintln!("{summary}");
    Ok(if results.total_hits > 0 {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

fn ingest_command(locations: &Locations, args: IngestArgs) -> Result<Outcome> {
    let report = ingest(locations, args.rebuild, true).with_context(|| {
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
    Ok(if report.skipped.is_empty() {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

fn show_command(locations: &Locations, args: ShowArgs, color: ColorChoice) -> Result<Outcome> {
    let citation = Citation::parse(&args.citation)?;
    let index = open_index(locations)?;
    let statement = index
        .statement(&citation.doc)?
        .ok_or_else(|| Error::UnknownDocument(citation.doc.clone()))?;
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
    let records: Vec<PassageRecord> = index
        .passages(&citation.doc, first, last)?
        .into_iter()
        .map(|passage| PassageRecord::new(passage, &statement))
        .collect();
    let mut out = BufferedStandardStream::stdout(color);
    output::passages(&mut out, &statement, &records, args.format)?;
    out.flush()?;
    Ok(Outcome::Found)
}

fn docs_command(locations: &Locations, args: DocsArgs, color: ColorChoice) -> Result<Outcome> {
    let index = open_index(locations)?;
    let filters = filters(args.filters);
    let statements = index.statements(filters.statement_query(&index))?;
    let mut out = BufferedStandardStream::stdout(color);
    output::statements(&mut out, &statements, args.format)?;
    out.flush()?;
    Ok(if statements.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}
