//! Word-level differences between two passages, and between two statements whose passages are
//! first aligned by similarity.

use std::collections::HashMap;

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};

use crate::corpus::Statement;
use crate::search::PassageRecord;

/// One run of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum DiffOp {
    Equal(String),
    Delete(String),
    Insert(String),
}

/// The word diff of two passages.
#[derive(Debug, Clone, Serialize)]
pub struct PassageDiff {
    pub schema: u32,
    pub a: PassageRecord,
    pub b: PassageRecord,
    /// Share of words in common, 0 to 1.
    pub similarity: f32,
    pub ops: Vec<DiffOp>,
}

/// A row of two aligned statements.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum AlignedRow {
    Unchanged {
        a: String,
        b: String,
        text: String,
    },
    Changed {
        a: String,
        b: String,
        similarity: f32,
        ops: Vec<DiffOp>,
    },
    OnlyA {
        a: String,
        text: String,
    },
    OnlyB {
        b: String,
        text: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub unchanged: usize,
    pub changed: usize,
    pub only_a: usize,
    pub only_b: usize,
}

/// Two statements, passage by passage.
#[derive(Debug, Clone, Serialize)]
pub struct StatementDiff {
    pub schema: u32,
    pub a: Statement,
    pub b: Statement,
    pub rows: Vec<AlignedRow>,
    pub summary: DiffSummary,
}

/// Passages less similar than this are not paired as one passage changed.
pub const ALIGN_THRESHOLD: f32 = 0.5;

/// The word-level diff of two texts, as runs of equal, deleted and inserted text.
pub fn word_diff(a: &str, b: &str) -> Vec<DiffOp> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(a, b);
    let mut ops: Vec<DiffOp> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        let same_kind = matches!(
            (ops.last(), change.tag()),
            (Some(DiffOp::Equal(_)), ChangeTag::Equal)
                | (Some(DiffOp::Delete(_)), ChangeTag::Delete)
                | (Some(DiffOp::Insert(_)), ChangeTag::Insert)
        );
        if same_kind {
            if let Some(DiffOp::Equal(run) | DiffOp::Delete(run) | DiffOp::Insert(run)) =
                ops.last_mut()
            {
                run.push_str(text);
            }
            continue;
        }
        ops.push(match change.tag() {
            ChangeTag::Equal => DiffOp::Equal(text.to_string()),
            ChangeTag::Delete => DiffOp::Delete(text.to_string()),
            ChangeTag::Insert => DiffOp::Insert(text.to_string()),
        });
    }
    ops
}

/// Dice similarity of the two texts' words (case-folded, as multisets): 1 for the same words,
/// 0 for none in common.
pub fn word_similarity(a: &str, b: &str) -> f32 {
    let count = |text: &str| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
        counts
    };
    let (left, right) = (count(a), count(b));
    let total: usize = left.values().sum::<usize>() + right.values().sum::<usize>();
    if total == 0 {
        return 0.0;
    }
    let common: usize = left
        .iter()
        .map(|(word, n)| right.get(word).map_or(0, |m| (*n).min(*m)))
        .sum();
    let similarity = 2.0 * common as f32 / total as f32;
    (similarity * 1000.0).round() / 1000.0
}

pub fn passage_diff(a: PassageRecord, b: PassageRecord) -> PassageDiff {
    PassageDiff {
        schema: crate::search::RECORD_SCHEMA,
        similarity: word_similarity(&a.text, &b.text),
        ops: word_diff(&a.text, &b.text),
        a,
        b,
    }
}

/// Aligns the passages of two statements in order, pairing the most similar ones (a weighted
/// longest common subsequence over pairs at least [`ALIGN_THRESHOLD`] alike).
pub fn statement_diff(
    a: Statement,
    a_passages: &[PassageRecord],
    b: Statement,
    b_passages: &[PassageRecord],
) -> StatementDiff {
    let (n, m) = (a_passages.len(), b_passages.len());
    let similarity: Vec<Vec<f32>> = a_passages
        .iter()
        .map(|pa| {
            b_passages
                .iter()
                .map(|pb| word_similarity(&pa.text, &pb.text))
                .collect()
        })
        .collect();
    let mut best = vec![vec![0f32; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut value = best[i - 1][j].max(best[i][j - 1]);
            let s = similarity[i - 1][j - 1];
            if s >= ALIGN_THRESHOLD {
                value = value.max(best[i - 1][j - 1] + s);
            }
            best[i][j] = value;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let s = similarity[i - 1][j - 1];
        if s >= ALIGN_THRESHOLD && best[i][j] == best[i - 1][j - 1] + s {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();

    let mut rows = Vec::new();
    let mut summary = DiffSummary::default();
    let (mut next_a, mut next_b) = (0, 0);
    let only_a = |index: usize, rows: &mut Vec<AlignedRow>| {
        rows.push(AlignedRow::OnlyA {
            a: a_passages[index].citation.clone(),
            text: a_passages[index].text.clone(),
        })
    };
    let only_b = |index: usize, rows: &mut Vec<AlignedRow>| {
        rows.push(AlignedRow::OnlyB {
            b: b_passages[index].citation.clone(),
            text: b_passages[index].text.clone(),
        })
    };
    for (pa, pb) in pairs.into_iter().chain(std::iter::once((n, m))) {
        for index in next_a..pa {
            only_a(index, &mut rows);
            summary.only_a += 1;
        }
        for index in next_b..pb {
            only_b(index, &mut rows);
            summary.only_b += 1;
        }
        if pa == n {
            break;
        }
        let (left, right) = (&a_passages[pa], &b_passages[pb]);
        if left.text == right.text {
            rows.push(AlignedRow::Unchanged {
                a: left.citation.clone(),
                b: right.citation.clone(),
                text: left.text.clone(),
            });
            summary.unchanged += 1;
        } else {
            rows.push(AlignedRow::Changed {
                a: left.citation.clone(),
                b: right.citation.clone(),
                similarity: similarity[pa][pb],
                ops: word_diff(&left.text, &right.text),
            });
            summary.changed += 1;
        }
        next_a = pa + 1;
        next_b = pb + 1;
    }
    StatementDiff {
        schema: crate::search::RECORD_SCHEMA,
        a,
        b,
        rows,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_gives_runs() {
        assert_eq!(
            word_diff(
                "we support strong encryption",
                "we support robust encryption today"
            ),
            vec![
                DiffOp::Equal("we support ".into()),
                DiffOp::Delete("strong".into()),
                DiffOp::Insert("robust".into()),
                DiffOp::Equal(" encryption".into()),
                DiffOp::Insert(" today".into()),
            ]
        );
    }

    #[test]
    fn similarity_is_dice_over_words() {
        assert_eq!(word_similarity("a b c d", "a b c d"), 1.0);
        assert_eq!(word_similarity("a b c d", "a b x y"), 0.5);
        assert_eq!(word_similarity("", ""), 0.0);
    }
}
