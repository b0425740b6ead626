//! The user's query string → a tantivy query, built from tantivy's own query grammar so that
//! every field, phrase, slop, prefix and exclusion means exactly what the highlighter marks.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur as TantivyOccur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::query_grammar::{
    Delimiter, Occur, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::excluded::Excluded;
use super::prefix::CompletePrefix;
use super::{analyze_positions, signatory_query};
use crate::error::{Error, Result};
use crate::index::CorpusIndex;
use crate::index::schema::{exact_analyzer, keyword_analyzer, stemmed_analyzer};

/// A field a user may name in a query (`title:encryption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryField {
    Text,
    Title,
    Section,
    Type,
    Kind,
    Doc,
    Signatory,
    Year,
}

impl QueryField {
    pub const NAMES: [&'static str; 8] = [
        "text",
        "title",
        "section",
        "type",
        "kind",
        "doc",
        "signatory",
        "year",
    ];

    /// Whether only passage records hold this field (statement records hold the rest too).
    fn passage_only(self) -> bool {
        matches!(self, QueryField::Text | QueryField::Section)
    }

    fn from_name(name: Option<&str>) -> Result<QueryField> {
        Ok(match name {
            None | Some("text") => QueryField::Text,
            Some("title") => QueryField::Title,
            Some("section") => QueryField::Section,
            Some("type") => QueryField::Type,
            Some("kind") => QueryField::Kind,
            Some("doc") => QueryField::Doc,
            Some("signatory") => QueryField::Signatory,
            Some("year") => QueryField::Year,
            Some(other) => {
                return Err(Error::Query(format!(
                    "unknown field `{other}:` (fields you can search: {})",
                    QueryField::NAMES.join(", ")
                )));
            }
        })
    }
}

/// A word or phrase of the query that searches the passage text, for the highlighter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLiteral {
    pub phrase: String,
    pub slop: u32,
    /// The last word matches as the beginning of a word, without stemming.
    pub prefix: bool,
}

/// A built part of the query, and whether it can only match passage records.
struct Part {
    query: Box<dyn Query>,
    passage_only: bool,
}

/// The user's query, parsed once.
#[derive(Debug, Clone)]
pub struct UserQuery {
    ast: UserInputAst,
    exact: bool,
}

impl UserQuery {
    /// Parses `text`: words all required, "phrases", `"phrase"~N`, OR, AND, -exclusion,
    /// (grouping), `prefix*`, and `field:` terms. `exact` searches the unstemmed text.
    pub fn parse(text: &str, exact: bool) -> Result<UserQuery> {
        check_balanced(text)?;
        let ast = tantivy::query_grammar::parse_query(text).map_err(|_| {
            Error::Query(format!(
                "cannot parse `{text}`: use words, \"quoted phrases\", \"phrase\"~N, OR, AND, -word, (groups), prefix* and field:word"
            ))
        })?;
        validate_fields(&ast)?;
        Ok(UserQuery { ast, exact })
    }

    pub fn exact(&self) -> bool {
        self.exact
    }

    /// The tantivy query over passage records.
    pub fn to_query(&self, index: &CorpusIndex) -> Result<Box<dyn Query>> {
        Ok(self.to_query_scoped(index)?.0)
    }

    /// The tantivy query, and whether it can only ever match passage records (so that no
    /// clause restricting it to them is needed).
    pub fn to_query_scoped(&self, index: &CorpusIndex) -> Result<(Box<dyn Query>, bool)> {
        let mut builder = Builder {
            index,
            exact: self.exact,
            stemmed: stemmed_analyzer(),
            unstemmed: exact_analyzer(),
            keyword: keyword_analyzer(),
        };
        builder
            .build_part(&self.ast)?
            .map(|part| (part.query, part.passage_only))
            .ok_or_else(|| Error::Query("the query has no words to search for".to_string()))
    }

    /// The words and phrases that search the text and are not excluded: what a hit shows
    /// highlighted.
    pub fn text_literals(&self) -> Vec<TextLiteral> {
        let mut literals = Vec::new();
        collect_text_literals(&self.ast, false, &mut literals);
        literals.dedup();
        literals
    }
}

/// Rejects what the grammar would otherwise read in surprising ways, with a message that says
/// what is wrong.
fn check_balanced(query: &str) -> Result<()> {
    if query.trim().is_empty() {
        return Err(Error::Query(
            "the query is empty; give words or a \"quoted phrase\"".to_string(),
        ));
    }
    let mut in_quote = false;
    let mut depth: i32 = 0;
    let mut escaped = false;
    for c in query.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => {
                depth -= 1;
                if depth < 0 {
                    return Err(Error::Query(format!(
                        "unbalanced parenthesis: `)` without `(` in `{query}`"
                    )));
                }
            }
            _ => {}
        }
    }
    if in_quote {
        return Err(Error::Query(format!(
            "unbalanced quote: a phrase opened with \" is never closed in `{query}`"
        )));
    }
    if depth > 0 {
        return Err(Error::Query(format!(
            "unbalanced parenthesis: `(` is never closed in `{query}`"
        )));
    }
    Ok(())
}

fn validate_fields(ast: &UserInputAst) -> Result<()> {
    match ast {
        UserInputAst::Clause(clauses) => {
            clauses.iter().try_for_each(|(_, sub)| validate_fields(sub))
        }
        UserInputAst::Boost(inner, _) => validate_fields(inner),
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(literal) => {
                QueryField::from_name(literal.field_name.as_deref()).map(drop)
            }
            UserInputLeaf::Range { field, .. } | UserInputLeaf::Set { field, .. } => {
                QueryField::from_name(field.as_deref()).map(drop)
            }
            UserInputLeaf::All => Ok(()),
            UserInputLeaf::Exists { field } => QueryField::from_name(Some(field)).map(drop),
            UserInputLeaf::Regex { field, .. } => QueryField::from_name(field.as_deref()).map(drop),
        },
    }
}

/// A literal's words and whether its last word is a prefix: `"big bad wo"*`, or a bare `wo*`.
fn literal_parts(literal: &UserInputLiteral) -> (&str, bool) {
    match literal.delimiter {
        Delimiter::None if literal.phrase.ends_with('*') => {
            (literal.phrase.trim_end_matches('*'), true)
        }
        _ => (literal.phrase.as_str(), literal.prefix),
    }
}

fn collect_text_literals(ast: &UserInputAst, excluded: bool, out: &mut Vec<TextLiteral>) {
    match ast {
        UserInputAst::Clause(clauses) => {
            for (occur, clause) in clauses {
                collect_text_literals(clause, excluded || *occur == Some(Occur::MustNot), out);
            }
        }
        UserInputAst::Boost(inner, _) => collect_text_literals(inner, excluded, out),
        UserInputAst::Leaf(_) if excluded => {}
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(literal)
                if literal.field_name.as_deref().is_none_or(|f| f == "text") =>
            {
                let (phrase, prefix) = literal_parts(literal);
                out.push(TextLiteral {
                    phrase: phrase.to_string(),
                    slop: literal.slop,
                    prefix,
                });
            }
            UserInputLeaf::Set { field, elements }
                if field.as_deref().is_none_or(|f| f == "text") =>
            {
                for element in elements {
                    out.push(TextLiteral {
                        phrase: element.clone(),
                        slop: 0,
                        prefix: false,
                    });
                }
            }
            _ => {}
        },
    }
}

struct Builder<'a> {
    index: &'a CorpusIndex,
    exact: bool,
    stemmed: TextAnalyzer,
    unstemmed: TextAnalyzer,
    keyword: TextAnalyzer,
}

impl Builder<'_> {
    /// `None` for a part with no words, such as a lone punctuation mark.
    fn build_part(&mut self, ast: &UserInputAst) -> Result<Option<Part>> {
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut parts: Vec<(TantivyOccur, Box<dyn Query>)> = Vec::new();
                let mut required_passage = false;
                let mut optional_all_passage = true;
                let mut any_optional = false;
                for (occur, clause) in clauses {
                    let Some(part) = self.build_part(clause)? else {
                        continue;
                    };
                    let (occur, query) = match occur {
                        Some(Occur::Should) => {
                            any_optional = true;
                            optional_all_passage &= part.passage_only;
                            (TantivyOccur::Should, part.query)
                        }
                        Some(Occur::MustNot) => (
                            TantivyOccur::MustNot,
                            Box::new(Excluded(part.query)) as Box<dyn Query>,
                        ),
                        Some(Occur::Must) | None => {
                            required_passage |= part.passage_only;
                            (TantivyOccur::Must, part.query)
                        }
                    };
                    parts.push((occur, query));
                }
                if parts.is_empty() {
                    return Ok(None);
                }
                let any_required = parts.iter().any(|(occur, _)| *occur == TantivyOccur::Must);
                if parts
                    .iter()
                    .all(|(occur, _)| *occur == TantivyOccur::MustNot)
                {
                    // "-word" alone means every passage without the word.
                    parts.push((TantivyOccur::Must, Box::new(AllQuery)));
                }
                // Optional clauses only count when nothing is required.
                let passage_only =
                    required_passage || (!any_required && any_optional && optional_all_passage);
                Ok(Some(Part {
                    query: Box::new(BooleanQuery::new(parts)),
                    passage_only,
                }))
            }
            UserInputAst::Boost(inner, boost) => Ok(self.build_part(inner)?.map(|part| Part {
                query: Box::new(BoostQuery::new(part.query, boost.into_inner() as f32)),
                passage_only: part.passage_only,
            })),
            UserInputAst::Leaf(leaf) => {
                let passage_only = match &**leaf {
                    UserInputLeaf::Literal(literal) => {
                        QueryField::from_name(literal.field_name.as_deref())?.passage_only()
                    }
                    UserInputLeaf::Set { field, .. } => {
                        QueryField::from_name(field.as_deref())?.passage_only()
                    }
                    _ => false,
                };
                Ok(self.leaf(leaf)?.map(|query| Part {
                    query,
                    passage_only,
                }))
            }
        }
    }

    fn leaf(&mut self, leaf: &UserInputLeaf) -> Result<Option<Box<dyn Query>>> {
        match leaf {
            UserInputLeaf::Literal(literal) => {
                let field = QueryField::from_name(literal.field_name.as_deref())?;
                let (phrase, prefix) = literal_parts(literal);
                self.literal(field, phrase, literal.slop, prefix)
            }
            UserInputLeaf::All => Ok(Some(Box::new(AllQuery))),
            UserInputLeaf::Range {
                field,
                lower,
                upper,
            } => {
                if QueryField::from_name(field.as_deref())? != QueryField::Year {
                    return Err(Error::Query(
                        "ranges work on years only: year:[2018 TO 2020]".to_string(),
                    ));
                }
                let year_field = self.index.fields.year;
                let bound = |bound: &UserInputBound,
                             inclusive: fn(Term) -> Bound<Term>|
                 -> Result<Bound<Term>> {
                    match bound {
                        UserInputBound::Unbounded => Ok(Bound::Unbounded),
                        UserInputBound::Inclusive(text) | UserInputBound::Exclusive(text)
                            if text == "*" =>
                        {
                            Ok(Bound::Unbounded)
                        }
                        UserInputBound::Inclusive(text) => Ok(inclusive(Term::from_field_u64(
                            year_field,
                            parse_year(text)?,
                        ))),
                        UserInputBound::Exclusive(text) => Ok(Bound::Excluded(
                            Term::from_field_u64(year_field, parse_year(text)?),
                        )),
                    }
                };
                Ok(Some(Box::new(RangeQuery::new(
                    bound(lower, Bound::Included)?,
                    bound(upper, Bound::Included)?,
                ))))
            }
            UserInputLeaf::Set { field, elements } => {
                let field = QueryField::from_name(field.as_deref())?;
                let mut any: Vec<(TantivyOccur, Box<dyn Query>)> = Vec::new();
                for element in elements {
                    if let Some(query) = self.literal(field, element, 0, false)? {
                        any.push((TantivyOccur::Should, query));
                    }
                }
                Ok((!any.is_empty()).then(|| Box::new(BooleanQuery::new(any)) as Box<dyn Query>))
            }
            UserInputLeaf::Exists { field } => Err(Error::Query(format!(
                "`{field}:*` is not supported; name words to search for"
            ))),
            UserInputLeaf::Regex { .. } => Err(Error::Query(
                "regular expressions are not supported; use prefix* or \"phrases\"".to_string(),
            )),
        }
    }

    fn literal(
        &mut self,
        field: QueryField,
        phrase: &str,
        slop: u32,
        prefix: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let fields = &self.index.fields;
        match field {
            QueryField::Text if prefix => Ok(text_query(
                fields.text_exact,
                &analyze_positions(&mut self.unstemmed, phrase),
                0,
                true,
            )),
            QueryField::Text => {
                let (field, analyzer) = if self.exact {
                    (fields.text_exact, &mut self.unstemmed)
                } else {
                    (fields.text, &mut self.stemmed)
                };
                Ok(text_query(
                    field,
                    &analyze_positions(analyzer, phrase),
                    slop,
                    false,
                ))
            }
            QueryField::Title | QueryField::Section => {
                // A prefix begins a word as written, so it is looked up among the unstemmed
                // words, as `--exact` asks.
                let unstemmed = prefix || self.exact;
                let title = field == QueryField::Title;
                let (field, analyzer) = match (title, unstemmed) {
                    (true, false) => (fields.title, &mut self.stemmed),
                    (true, true) => (fields.title_exact, &mut self.unstemmed),
                    (false, false) => (fields.section, &mut self.stemmed),
                    (false, true) => (fields.section_exact, &mut self.unstemmed),
                };
                let query = text_query(field, &analyze_positions(analyzer, phrase), slop, prefix);
                if !title {
                    return Ok(query);
                }
                // Only statement records hold the title: its passages are those statements'.
                Ok(query.map(|statements| self.index.passages_of(statements)))
            }
            QueryField::Type | QueryField::Kind => {
                let field = if field == QueryField::Type {
                    fields.doc_type
                } else {
                    fields.kind
                };
                let tokens = analyze_positions(&mut self.keyword, phrase);
                Ok(text_query(field, &tokens, 0, prefix))
            }
            QueryField::Doc => Ok(text_query(
                fields.doc,
                &[(0, phrase.to_string())],
                0,
                prefix,
            )),
            QueryField::Signatory => {
                let statements = signatory_query(fields.signatory, fields.country, phrase);
                Ok(Some(self.index.passages_of(statements)))
            }
            QueryField::Year => {
                let year = parse_year(phrase)?;
                Ok(Some(Box::new(TermQuery::new(
                    Term::from_field_u64(fields.year, year),
                    IndexRecordOption::Basic,
                ))))
            }
        }
    }
}

fn parse_year(text: &str) -> Result<u64> {
    text.trim()
        .parse()
        .map_err(|_| Error::Query(format!("`{text}` is not a year")))
}

/// A term, phrase, prefix or phrase-prefix query over analysed tokens.
fn text_query(
    field: Field,
    tokens: &[(usize, String)],
    slop: u32,
    prefix: bool,
) -> Option<Box<dyn Query>> {
    let terms: Vec<(usize, Term)> = tokens
        .iter()
        .map(|(position, text)| (*position, Term::from_field_text(field, text)))
        .collect();
    match (terms.len(), prefix) {
        (0, _) => None,
        (1, false) => Some(Box::new(TermQuery::new(
            terms[0].1.clone(),
            IndexRecordOption::WithFreqs,
        ))),
        (_, false) => Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))),
        (_, true) => CompletePrefix::new(terms).map(|query| Box::new(query) as Box<dyn Query>),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbalanced_queries_are_named() {
        let err = |q: &str| UserQuery::parse(q, false).unwrap_err().to_string();
        assert!(err("\"lawful access").contains("unbalanced quote"));
        assert!(err("(a OR b").contains("unbalanced parenthesis"));
        assert!(err("a)").contains("unbalanced parenthesis"));
        assert!(err("  ").contains("empty"));
        assert!(UserQuery::parse("\"lawful access\"~2 (a OR b) -c", false).is_ok());
    }

    #[test]
    fn unknown_fields_are_named() {
        let err = UserQuery::parse("author:barr", false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid query: unknown field `author:` (fields you can search: text, title, section, type, kind, doc, signatory, year)"
        );
    }

    #[test]
    fn text_literals_leave_out_exclusions_and_other_fields() {
        let query = UserQuery::parse(
            "\"lawful access\"~1 encrypt* -privacy title:safety text:child",
            false,
        )
        .unwrap();
        let literals: Vec<(String, u32, bool)> = query
            .text_literals()
            .into_iter()
            .map(|l| (l.phrase, l.slop, l.prefix))
            .collect();
        assert_eq!(
            literals,
            vec![
                ("lawful access".to_string(), 1, false),
                ("encrypt".to_string(), 0, true),
                ("child".to_string(), 0, false),
            ]
        );
    }
}
