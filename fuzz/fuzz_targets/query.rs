//! A query string → a search over a small index, stemmed and exact: no panic (an error is a
//! fine answer), and every match span inside its passage on character boundaries.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use verbatim::index::{CorpusIndex, Locations};
use verbatim::search::{Facet, SearchRequest, SortOrder, search};

/// Statements with every field a query can name: title, sections, type, signatories with
/// countries, years, lists, quotes, tables and notes.
const STATEMENTS: [(&str, &str); 3] = [
    (
        "2020-joint-statement.md",
        "---\ntitle: Joint Statement on Encryption\ndate: 2020-10-11\ntype: joint statement\n\
         signatories:\n  - name: Priti Patel\n    role: Home Secretary\n    country: UK\n  \
         - country: Japan\n---\n\n# Joint Statement on Encryption\n\nWe support strong \
         encryption and lawful access.[^1]\n\n## Commitments\n\n- embed public safety\n  \
         - assess risks early\n- enable lawful access\n\n> Encryption is an anchor of trust.\n\n\
         | Country | Minister |\n|---|---|\n| Australia | Home Affairs |\n\n[^1]: A note, 2017.\n",
    ),
    (
        "2017-declaration.md",
        "---\ntitle: Tokyo Declaration\ndate: 2017\ntype: declaration\nsignatories: [France, \
         \"Ministry of Digital Affairs\"]\n---\n\nChildren's safety online, end-to-end. \
         Encrypt*ed* messages and café culture.\n\n### Annex\n\nThe 21st century.\n",
    ),
    (
        "notes/open-letter.html",
        "<title>Open Letter | Site</title><meta name=\"date\" content=\"2021-05-07\">\
         <main><h1>Open Letter</h1><p>Privacy is a right<sup><a href=\"#fn1\">1</a></sup>.</p>\
         <ol><li id=\"fn1\">Ünïcödé notes</li></ol></main>",
    ),
];

fn index() -> &'static CorpusIndex {
    static INDEX: OnceLock<(tempfile::TempDir, CorpusIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let corpus = dir.path().join("corpus");
            for (path, text) in STATEMENTS {
                let path = corpus.join(path);
                std::fs::create_dir_all(path.parent().expect("a folder")).expect("a folder");
                std::fs::write(path, text).expect("a statement file");
            }
            let locations = Locations {
                corpus,
                index: dir.path().join("index"),
            };
            let (index, _) = CorpusIndex::open_current(&locations).expect("an index");
            (dir, index)
        })
        .1
}

fuzz_target!(|query: &str| {
    let index = index();
    for exact in [false, true] {
        let request = SearchRequest {
            query: query.to_string(),
            exact,
            filters: Default::default(),
            limit: Some(20),
            sort: if exact {
                SortOrder::Date
            } else {
                SortOrder::Relevance
            },
            context: 1,
            facets: vec![Facet::Signatory, Facet::Year, Facet::Type],
        };
        let Ok(hits) = search(index, &request) else {
            continue;
        };
        for hit in hits {
            let text = &hit.passage.text;
            for [from, to] in hit.matches {
                assert!(from < to && to <= text.len(), "{from}..{to} in {text:?}");
                assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
            }
        }
    }
});
