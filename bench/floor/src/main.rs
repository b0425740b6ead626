//! The benchmark's floor: the paragraphs verbatim indexes, in a bare tantivy index.
//!
//! ```text
//! floor index DIR PASSAGES.tsv
//! floor search DIR QUERY [--year Y | --year Y1..Y2] [--signatory NAME]... [--limit N]
//! ```
//!
//! The TSV (written by `bench/gen-l`) has a header and the columns doc, year, signatories
//! (joined with `;`) and text. There is no Markdown or YAML here: whatever verbatim spends beyond
//! what this program spends is verbatim's own work.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::ops::Bound;
use std::path::Path;
use std::process::ExitCode;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, RegexQuery, TermQuery};
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The same indexing memory as verbatim's writer, shared by tantivy's threads.
const WRITER_HEAP_BYTES: usize = 512 * 1024 * 1024;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("doc", STRING | STORED);
    builder.add_u64_field("year", INDEXED | FAST | STORED);
    builder.add_text_field("signatory", STRING);
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_text_field("text", text);
    builder.build()
}

fn index(dir: &Path, tsv: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let schema = schema();
    let field = |name| schema.get_field(name);
    let (doc, year, signatory, text) =
        (field("doc")?, field("year")?, field("signatory")?, field("text")?);
    let index = Index::create_in_dir(dir, schema.clone())?;
    let mut writer: IndexWriter = index.writer(WRITER_HEAP_BYTES)?;
    let mut passages = 0u64;
    for line in BufReader::with_capacity(1 << 20, File::open(tsv)?).lines().skip(1) {
        let line = line?;
        let mut cols = line.splitn(4, '\t');
        let (Some(id), Some(y), Some(signers), Some(body)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(format!("{}: a line without four columns: {line}", tsv.display()).into());
        };
        let mut record = TantivyDocument::new();
        record.add_text(doc, id);
        record.add_u64(year, y.parse()?);
        for name in signers.split(';').filter(|name| !name.is_empty()) {
            record.add_text(signatory, name);
        }
        record.add_text(text, body);
        writer.add_document(record)?;
        passages += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    eprintln!("{passages} passages indexed");
    Ok(())
}

struct SearchArgs {
    query: String,
    years: Option<(u64, u64)>,
    signatories: Vec<String>,
    limit: usize,
}

fn parse_search_args(mut args: impl Iterator<Item = String>) -> Result<SearchArgs> {
    let query = args.next().ok_or("search needs a query")?;
    let mut parsed = SearchArgs { query, years: None, signatories: Vec::new(), limit: 20 };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--year" => {
                let (from, to) = value.split_once("..").unwrap_or((&value, &value));
                parsed.years = Some((from.parse()?, to.parse()?));
            }
            "--signatory" => parsed.signatories.push(value),
            "--limit" => parsed.limit = value.parse()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(parsed)
}

fn search(dir: &Path, args: SearchArgs) -> Result<bool> {
    let index = Index::open_in_dir(dir)?;
    let schema = index.schema();
    let (doc, year, signatory, text) = (
        schema.get_field("doc")?,
        schema.get_field("year")?,
        schema.get_field("signatory")?,
        schema.get_field("text")?,
    );
    // tantivy's parser has no single-word prefix; verbatim answers `word*` with a regex too.
    let user: Box<dyn Query> = match args.query.strip_suffix('*') {
        Some(stem) if stem.chars().all(char::is_alphanumeric) => {
            Box::new(RegexQuery::from_pattern(&format!("{}.*", stem.to_lowercase()), text)?)
        }
        _ => {
            let mut parser = QueryParser::for_index(&index, vec![text]);
            parser.set_conjunction_by_default();
            parser.parse_query(&args.query)?
        }
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user.box_clone())];
    if let Some((from, to)) = args.years {
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(year, from)),
                Bound::Included(Term::from_field_u64(year, to)),
            )),
        ));
    }
    if !args.signatories.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> = args
            .signatories
            .iter()
            .map(|name| -> (Occur, Box<dyn Query>) {
                let term = Term::from_field_text(signatory, name);
                (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)))
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    let query = BooleanQuery::new(clauses);

    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let (top, total) =
        searcher.search(&query, &(TopDocs::with_limit(args.limit).order_by_score(), Count))?;
    // Highlight the user's words only, as verbatim does, not the filter terms.
    let snippets = SnippetGenerator::create(&searcher, &*user, text)?;
    let mut out = std::io::stdout().lock();
    for (score, address) in top {
        let record: TantivyDocument = searcher.doc(address)?;
        let id = record.get_first(doc).and_then(|v| v.as_str()).unwrap_or_default();
        let y = record.get_first(year).and_then(|v| v.as_u64()).unwrap_or_default();
        let snippet = snippets.snippet_from_doc(&record);
        writeln!(out, "{id}\t{y}\t{score:.3}\t{}", snippet.to_html())?;
    }
    eprintln!("{total} hits");
    Ok(total > 0)
}

fn run() -> Result<bool> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: floor index DIR PASSAGES.tsv | floor search DIR QUERY [--year Y[..Y]] \
                 [--signatory NAME]... [--limit N]";
    let (command, dir) = (args.next().ok_or(usage)?, args.next().ok_or(usage)?);
    match command.as_str() {
        "index" => index(Path::new(&dir), Path::new(&args.next().ok_or(usage)?)).map(|()| true),
        "search" => search(Path::new(&dir), parse_search_args(args)?),
        _ => Err(usage.into()),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("floor: {err}");
            ExitCode::from(2)
        }
    }
}
