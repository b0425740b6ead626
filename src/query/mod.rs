//! From what the user typed to a tantivy query: filters by signatory, year, type and statement
//! here, the query string in `parse`.

mod excluded;
mod in_years;
mod parse;
mod prefix;

pub use parse::{QueryField, UserQuery};

use std::ops::RangeInclusive;
use std::str::FromStr;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::country;
use crate::error::{Error, Result};
use crate::index::CorpusIndex;
use crate::index::schema::{exact_analyzer, keyword_analyzer};
use in_years::InYears;

/// An inclusive range of years; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct YearRange {
    pub from: Option<u16>,
    pub to: Option<u16>,
}

impl FromStr for YearRange {
    type Err = Error;

    /// `2020`, `2018..2020`, `2019..`, `..2019`.
    fn from_str(spec: &str) -> Result<YearRange> {
        let fail = |reason: &str| Error::YearSpec {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        let year = |text: &str| -> Result<Option<u16>> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail(&format!("`{text}` is not a four-digit year")));
            }
            text.parse().map(Some).map_err(|_| fail("not a year"))
        };
        let range = match spec.split_once("..") {
            Some((from, to)) => YearRange {
                from: year(from)?,
                to: year(to)?,
            },
            None => {
                let single = year(spec)?.ok_or_else(|| fail("empty"))?;
                YearRange {
                    from: Some(single),
                    to: Some(single),
                }
            }
        };
        if range.from.is_none() && range.to.is_none() {
            return Err(fail("give at least one year"));
        }
        if let (Some(from), Some(to)) = (range.from, range.to)
            && from > to
        {
            return Err(fail(&format!("{from} is after {to}")));
        }
        Ok(range)
    }
}

impl YearRange {
    pub fn contains(&self, year: i16) -> bool {
        let year = year as i32;
        self.from.is_none_or(|from| year >= from as i32)
            && self.to.is_none_or(|to| year <= to as i32)
    }

    /// The years as the index's `year` values.
    pub(crate) fn values(&self) -> RangeInclusive<u64> {
        self.from.map_or(0, u64::from)..=self.to.map_or(u64::MAX, u64::from)
    }
}

/// Which statements a command looks at.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Filters {
    /// A statement must have a signatory matching any of these.
    pub signatories: Vec<String>,
    pub years: Option<YearRange>,
    /// A statement must be of any of these types.
    pub types: Vec<String>,
    /// A statement must be one of these.
    pub docs: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.signatories.is_empty()
            && self.years.is_none()
            && self.types.is_empty()
            && self.docs.is_empty()
    }

    /// A query over statement records for every filter; `None` when there is no filter.
    pub fn statement_query(&self, index: &CorpusIndex) -> Option<Box<dyn Query>> {
        let fields = &index.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !self.signatories.is_empty() {
            let any = self
                .signatories
                .iter()
                .map(|name| {
                    (
                        Occur::Should,
                        signatory_query(fields.signatory, fields.country, name),
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if !self.types.is_empty() {
            let mut analyzer = keyword_analyzer();
            let terms = self
                .types
                .iter()
                .flat_map(|kind| analyze(&mut analyzer, kind))
                .map(|token| Term::from_field_text(fields.doc_type, &token));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        if !self.docs.is_empty() {
            clauses.push((Occur::Must, one_of(fields.doc, &self.docs)));
        }
        let records =
            (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>);
        match &self.years {
            Some(years) => {
                let records = records.unwrap_or_else(|| index.statements_query());
                Some(Box::new(InYears::new(records, fields.year, years.values())))
            }
            None => records,
        }
    }

    /// A query over passage records: statement-level filters match statement records (where
    /// signatories live), and stand for those statements' passages.
    pub fn passage_query(&self, index: &CorpusIndex) -> Result<Option<Box<dyn Query>>> {
        let fields = &index.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !self.signatories.is_empty() || !self.types.is_empty() || self.years.is_some() {
            // Passages have their statement's year too, but checking it on the statement
            // records spares a look at every candidate passage's year.
            let Some(statements) = self.statement_query(index) else {
                return Ok(Some(Box::new(EmptyQuery)));
            };
            clauses.push((Occur::Must, index.passages_of(statements)));
        } else if !self.docs.is_empty() {
            clauses.push((Occur::Must, one_of(fields.doc, &self.docs)));
        }
        Ok((!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
    }
}

/// Records whose `field` holds any of `values`, such as the passages of a set of statements.
pub(crate) fn one_of<'a>(
    field: Field,
    values: impl IntoIterator<Item = &'a String>,
) -> Box<dyn Query> {
    let terms = values
        .into_iter()
        .map(|value| Term::from_field_text(field, value));
    Box::new(TermSetQuery::new(terms))
}

/// A signatory filter: the words of `name` in a row within one name, role or country, or the
/// country it names by name, alias or ISO code.
pub(crate) fn signatory_query(
    signatory: Field,
    country_field: Field,
    name: &str,
) -> Box<dyn Query> {
    let mut analyzer = exact_analyzer();
    let words = analyze(&mut analyzer, name);
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match words.len() {
        0 => {}
        1 => any.push((
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(signatory, &words[0]),
                IndexRecordOption::Basic,
            )),
        )),
        _ => any.push((
            Occur::Should,
            Box::new(PhraseQuery::new(
                words
                    .iter()
                    .map(|w| Term::from_field_text(signatory, w))
                    .collect(),
            )),
        )),
    }
    if let Some(code) = country::alpha2(name) {
        any.push((
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(country_field, code),
                IndexRecordOption::Basic,
            )),
        ));
    }
    Box::new(BooleanQuery::new(any))
}

/// The tokens an analyser makes of a text.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    analyze_positions(analyzer, text)
        .into_iter()
        .map(|(_, token)| token)
        .collect()
}

/// The words of `text` as `analyzer` leaves them, each with its position: a word the analyser
/// drops (one of 40 characters or more) leaves a gap, as it does in the index.
pub(crate) fn analyze_positions(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        let token = stream.token();
        tokens.push((token.position, token.text.clone()));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_specs_parse() {
        let y = |s: &str| s.parse::<YearRange>().map(|r| (r.from, r.to));
        assert_eq!(y("2020").unwrap(), (Some(2020), Some(2020)));
        assert_eq!(y("2018..2020").unwrap(), (Some(2018), Some(2020)));
        assert_eq!(y("2019..").unwrap(), (Some(2019), None));
        assert_eq!(y("..2019").unwrap(), (None, Some(2019)));
        for bad in ["", "..", "20", "2020..2018", "last year", "2020-2021"] {
            assert!(y(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn year_error_names_the_spec() {
        let err = "2020..2018".parse::<YearRange>().unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid --year `2020..2018`: 2020 is after 2018 (expected 2020, 2018..2020, 2019.. or ..2019)"
        );
    }
}
