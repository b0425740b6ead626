//! Signatories across statements: who signed how many statements, in which roles, first and last.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::corpus::{Signatory, Statement};

/// One signatory across the statements it signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatoryRecord {
    /// The person or organisation, when named.
    pub name: Option<String>,
    /// Every role it signed in, sorted.
    pub roles: Vec<String>,
    pub country: Option<String>,
    pub statements: usize,
    pub first_year: Option<i16>,
    pub last_year: Option<i16>,
    /// The statements, by date.
    pub docs: Vec<String>,
}

/// Gathers the signatories of `statements` (given by date), one record per person, or per
/// country or organisation when no person is named; most statements first, then by name.
pub fn signatories(statements: &[Statement]) -> Vec<SignatoryRecord> {
    let mut records: BTreeMap<String, SignatoryRecord> = BTreeMap::new();
    let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for statement in statements {
        let mut seen = BTreeSet::new();
        for signatory in &statement.signatories {
            let key = identity(signatory);
            if !seen.insert(key.clone()) {
                continue;
            }
            let record = records
                .entry(key.clone())
                .or_insert_with(|| SignatoryRecord {
                    name: signatory.name.clone(),
                    roles: Vec::new(),
                    country: signatory.country.clone(),
                    statements: 0,
                    first_year: None,
                    last_year: None,
                    docs: Vec::new(),
                });
            record.statements += 1;
            record.docs.push(statement.id.clone());
            if record.country.is_none() {
                record.country = signatory.country.clone();
            }
            if let Some(year) = statement.year() {
                record.first_year = Some(record.first_year.map_or(year, |y| y.min(year)));
                record.last_year = Some(record.last_year.map_or(year, |y| y.max(year)));
            }
            if let Some(role) = &signatory.role {
                roles.entry(key).or_default().insert(role.clone());
            }
        }
    }
    let mut list: Vec<SignatoryRecord> = records
        .into_iter()
        .map(|(key, mut record)| {
            record.roles = roles
                .remove(&key)
                .map(|set| set.into_iter().collect())
                .unwrap_or_default();
            record
        })
        .collect();
    list.sort_by(|a, b| {
        b.statements
            .cmp(&a.statements)
            .then_with(|| label(a).cmp(&label(b)))
    });
    list
}

/// The same person (case and spacing aside), or the same country or organisation.
fn identity(signatory: &Signatory) -> String {
    let text = signatory
        .name
        .as_deref()
        .map(|name| format!("name:{name}"))
        .or_else(|| {
            signatory
                .country
                .as_deref()
                .map(|country| format!("country:{country}"))
        })
        .unwrap_or_else(|| format!("role:{}", signatory.role.as_deref().unwrap_or_default()));
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How a record is shown and sorted: the name, else the country.
pub fn label(record: &SignatoryRecord) -> String {
    record
        .name
        .clone()
        .or_else(|| record.country.clone())
        .unwrap_or_else(|| record.roles.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::StatementDate;

    fn statement(id: &str, year: i16, signatories: Vec<Signatory>) -> Statement {
        Statement {
            id: id.to_string(),
            path: String::new(),
            title: id.to_string(),
            date: Some(StatementDate::Year(year)),
            issuer: None,
            kind: None,
            signatories,
            source: None,
            topics: Vec::new(),
            extra: Default::default(),
            passages: 0,
            words: 0,
        }
    }

    fn person(name: &str, role: &str, country: &str) -> Signatory {
        Signatory {
            name: Some(name.into()),
            role: Some(role.into()),
            country: Some(country.into()),
        }
    }

    #[test]
    fn people_and_countries_are_counted_once_per_statement() {
        let japan = Signatory {
            country: Some("Japan".into()),
            ..Signatory::default()
        };
        let statements = vec![
            statement(
                "a",
                2018,
                vec![
                    person("Ann Lee", "Minister", "Canada"),
                    japan.clone(),
                    japan.clone(),
                ],
            ),
            statement(
                "b",
                2021,
                vec![person("Ann  Lee", "Deputy Minister", "Canada"), japan],
            ),
        ];
        let records = signatories(&statements);
        assert_eq!(records.len(), 2);
        assert_eq!(label(&records[0]), "Ann Lee");
        assert_eq!(records[0].roles, ["Deputy Minister", "Minister"]);
        assert_eq!(
            (
                records[0].statements,
                records[0].first_year,
                records[0].last_year
            ),
            (2, Some(2018), Some(2021))
        );
        assert_eq!(records[1].country.as_deref(), Some("Japan"));
        assert_eq!(records[1].docs, ["a", "b"]);
    }
}
