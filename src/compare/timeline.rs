//! A phrase over time: per year, signatory or type, how often it is used, against how much
//! text there is, so that years with more statements do not dominate.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::every_hit;
use crate::corpus::Statement;
use crate::error::Result;
use crate::index::CorpusIndex;
use crate::query::Filters;
use crate::search::match_counts;

/// What a bucket groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Bucketing {
    Year,
    Signatory,
    Type,
}

#[derive(Debug, Clone)]
pub struct TimelineRequest {
    pub query: String,
    pub exact: bool,
    pub filters: Filters,
    pub by: Bucketing,
}

/// The counts of one bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub key: String,
    /// Matching passages.
    pub passages: u64,
    /// Statements with at least one matching passage.
    pub statements: u64,
    /// Every match occurrence.
    pub occurrences: u64,
    /// Words of every statement in the bucket, matching or not.
    pub words: u64,
    /// Occurrences per 10,000 words.
    pub rate: f64,
    /// First and last year the query occurs in this bucket.
    pub first_year: Option<i16>,
    pub last_year: Option<i16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub schema: u32,
    pub query: String,
    pub exact: bool,
    pub filters: Filters,
    pub by: Bucketing,
    pub buckets: Vec<Bucket>,
    pub total: Bucket,
}

/// Label of statements without a date, type or signatory.
const UNDATED: &str = "undated";
const UNTYPED: &str = "untyped";
const UNSIGNED: &str = "no signatory";

pub fn timeline(index: &CorpusIndex, request: &TimelineRequest) -> Result<Timeline> {
    let statements = index.statements(request.filters.statement_query(index))?;
    let counts = match_counts(
        index,
        &every_hit(&request.query, request.exact, &request.filters),
    )?;

    // Per statement: matching passages and occurrences.
    let mut matched: HashMap<&str, (u64, u64)> = HashMap::new();
    for (doc, matches) in &counts {
        let entry = matched.entry(doc.as_str()).or_default();
        entry.0 += 1;
        entry.1 += *matches as u64;
    }

    let mut buckets: BTreeMap<BucketKey, Bucket> = BTreeMap::new();
    if request.by == Bucketing::Year
        && let (Some(first), Some(last)) = (
            statements.iter().filter_map(Statement::year).min(),
            statements.iter().filter_map(Statement::year).max(),
        )
    {
        // Every year of the range, so a chart shows the years without a match too.
        for year in first..=last {
            buckets.insert(
                BucketKey::Year(year),
                Bucket {
                    key: year.to_string(),
                    ..Bucket::default()
                },
            );
        }
    }
    let mut total = Bucket {
        key: "total".to_string(),
        ..Bucket::default()
    };
    for statement in &statements {
        let (passages, occurrences) = matched
            .get(statement.id.as_str())
            .copied()
            .unwrap_or((0, 0));
        add(&mut total, statement, passages, occurrences);
        let mut seen = BTreeSet::new();
        for key in bucket_keys(statement, request.by) {
            if !seen.insert(key.clone()) {
                continue;
            }
            let bucket = buckets.entry(key.clone()).or_insert_with(|| Bucket {
                key: key.label(),
                ..Bucket::default()
            });
            add(bucket, statement, passages, occurrences);
        }
    }
    let mut buckets: Vec<Bucket> = buckets.into_values().collect();
    for bucket in buckets.iter_mut().chain(std::iter::once(&mut total)) {
        bucket.rate = rate(bucket.occurrences, bucket.words);
    }
    if request.by != Bucketing::Year {
        buckets.sort_by(|a, b| {
            b.occurrences
                .cmp(&a.occurrences)
                .then_with(|| a.key.cmp(&b.key))
        });
    }
    Ok(Timeline {
        schema: crate::search::RECORD_SCHEMA,
        query: request.query.clone(),
        exact: request.exact,
        filters: request.filters.clone(),
        by: request.by,
        buckets,
        total,
    })
}

fn add(bucket: &mut Bucket, statement: &Statement, passages: u64, occurrences: u64) {
    bucket.words += statement.words;
    if passages == 0 {
        return;
    }
    bucket.passages += passages;
    bucket.occurrences += occurrences;
    bucket.statements += 1;
    if let Some(year) = statement.year() {
        bucket.first_year = Some(bucket.first_year.map_or(year, |first| first.min(year)));
        bucket.last_year = Some(bucket.last_year.map_or(year, |last| last.max(year)));
    }
}

/// Occurrences per 10,000 words, rounded to two decimals so that outputs compare exactly.
fn rate(occurrences: u64, words: u64) -> f64 {
    if words == 0 {
        return 0.0;
    }
    (occurrences as f64 * 10_000.0 / words as f64 * 100.0).round() / 100.0
}

/// Years sort as numbers and before the undated bucket; other keys sort as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum BucketKey {
    Year(i16),
    Label(String),
}

impl BucketKey {
    fn label(&self) -> String {
        match self {
            BucketKey::Year(year) => year.to_string(),
            BucketKey::Label(label) => label.clone(),
        }
    }
}

fn bucket_keys(statement: &Statement, by: Bucketing) -> Vec<BucketKey> {
    match by {
        Bucketing::Year => vec![
            statement
                .year()
                .map_or_else(|| BucketKey::Label(UNDATED.to_string()), BucketKey::Year),
        ],
        Bucketing::Type => vec![BucketKey::Label(
            statement
                .kind
                .clone()
                .unwrap_or_else(|| UNTYPED.to_string()),
        )],
        Bucketing::Signatory if statement.signatories.is_empty() => {
            vec![BucketKey::Label(UNSIGNED.to_string())]
        }
        // A government signs through different ministers over the years: the country is the
        // signatory a timeline follows; a person or organisation without one stands alone.
        Bucketing::Signatory => statement
            .signatories
            .iter()
            .map(|signatory| {
                let label = signatory
                    .country
                    .clone()
                    .or_else(|| signatory.name.clone())
                    .unwrap_or_else(|| signatory.short());
                BucketKey::Label(label)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::rate;

    #[test]
    fn rate_is_per_ten_thousand_words() {
        assert_eq!(rate(3, 1500), 20.0);
        assert_eq!(rate(1, 3), 3333.33);
        assert_eq!(rate(5, 0), 0.0);
    }
}
