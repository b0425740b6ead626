//! `verbatim search`: the query language, highlighting, filters, ordering, limits, context and
//! output formats, on the basic fixture and on the shipped corpus.

use serde_json::json;

use crate::support::{
    LETTER, OTTAWA, SAFE_NET, SHIPPED_ID, TOKYO, TRUSTED, Verbatim, citations, cites_of, hit,
    matched, sorted_citations, str_field, strings,
};

/// Every passage with the phrase "lawful access" (stemmed), in date then passage order.
fn lawful_access_by_date() -> Vec<String> {
    strings(&[
        "2018-ottawa-communique#1",
        "2018-ottawa-communique#2",
        "nested/2019-safe-net-joint-statement#2",
        "nested/2019-safe-net-joint-statement#6",
        "2021-open-letter#3",
        "2021-open-letter#6",
        "2021-open-letter#11",
    ])
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

// ---------------------------------------------------------------------------------------------
// Phrases, stemming and highlighting

#[test]
fn lawful_access_phrase_finds_seven_passages_in_three_statements() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["--all"]);
    assert_eq!(run.code, 0);
    assert_eq!(sorted_citations(&hits), sorted(lawful_access_by_date()));
    assert_eq!(run.stderr, "7 hits in 3 statements\n");
}

#[test]
fn phrase_highlight_covers_every_whole_occurrence_including_wrapped_ones() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("\"lawful access\"", &["--all"]);
    // Wrapped across a line break in the source: the passage text has a space.
    assert_eq!(
        matched(hit(&hits, "2018-ottawa-communique#1")),
        ["lawful access"]
    );
    // Twice in one passage, the second also wrapped.
    assert_eq!(
        matched(hit(&hits, "2018-ottawa-communique#2")),
        ["lawful access", "lawful access"]
    );
    let both = hit(&hits, "2018-ottawa-communique#2");
    assert_eq!(both["match_count"], 2);
    assert_eq!(
        both["matches"],
        json!([[13, 26], [67, 80]]),
        "byte ranges into: {}",
        both["text"]
    );
    for citation in [
        "nested/2019-safe-net-joint-statement#2",
        "nested/2019-safe-net-joint-statement#6",
        "2021-open-letter#6",
        "2021-open-letter#11",
    ] {
        assert_eq!(
            matched(hit(&hits, citation)),
            ["lawful access"],
            "{citation}"
        );
    }
}

#[test]
fn stemming_makes_lawful_access_find_lawfully_accessed() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("\"lawful access\"", &["--all"]);
    assert_eq!(
        matched(hit(&hits, "2021-open-letter#3")),
        ["lawfully accessed", "lawful access"]
    );
    // And the other way round: the stemmed phrase finds every "lawful access".
    let (run, hits) = verbatim.search("\"lawfully accessed\"", &["--all"]);
    assert_eq!(sorted_citations(&hits), sorted(lawful_access_by_date()));
    assert_eq!(run.last_stderr_line(), "7 hits in 3 statements");
}

#[test]
fn exact_disables_stemming_in_matching_and_highlighting() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("\"lawful access\"", &["--all", "--exact"]);
    assert_eq!(sorted_citations(&hits), sorted(lawful_access_by_date()));
    assert_eq!(run.last_stderr_line(), "7 hits in 3 statements");
    assert_eq!(
        matched(hit(&hits, "2021-open-letter#3")),
        ["lawful access"],
        "--exact must not highlight \"lawfully accessed\""
    );
    assert!(
        hits.iter()
            .all(|hit| hit["match_count"].as_u64() >= Some(1))
    );

    let (run, hits) = verbatim.search("\"lawfully accessed\"", &["--exact"]);
    assert_eq!(citations(&hits), ["2021-open-letter#3"]);
    assert_eq!(matched(&hits[0]), ["lawfully accessed"]);
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");

    let (run, hits) = verbatim.search("accessed", &["--exact"]);
    assert_eq!(citations(&hits), ["2021-open-letter#3"]);
    assert_eq!(matched(&hits[0]), ["accessed"]);
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");

    let (run, hits) = verbatim.search("accessed", &["--all"]);
    assert_eq!(hits.len(), 9);
    assert_eq!(run.last_stderr_line(), "9 hits in 4 statements");
    assert_eq!(
        matched(hit(&hits, "2021-open-letter#3")),
        ["accessed", "access"]
    );
    assert_eq!(
        matched(hit(&hits, "2022-trusted-access-declaration#2")),
        ["Access"]
    );
}

#[test]
fn phrase_never_highlights_a_lone_word_of_itself() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("\"national security\"", &[]);
    assert_eq!(citations(&hits), ["2018-ottawa-communique#3"]);
    assert_eq!(matched(&hits[0]), ["national security"]);
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");

    // "rule of law" in #1 holds the stem of "lawful", but not the phrase.
    let (_, hits) = verbatim.search("\"lawful access\"", &["--doc", OTTAWA]);
    assert_eq!(
        matched(hit(&hits, "2018-ottawa-communique#1")),
        ["lawful access"]
    );
}

#[test]
fn single_word_finds_every_passage_with_it() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("security", &[]);
    assert_eq!(
        sorted_citations(&hits),
        ["2018-ottawa-communique#3", "2018-ottawa-communique#8"]
    );
    for hit in &hits {
        assert_eq!(matched(hit), ["security"]);
    }
    assert_eq!(run.last_stderr_line(), "2 hits in 1 statement");
}

#[test]
fn every_occurrence_of_a_word_is_highlighted_whatever_its_case() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("the", &["--all"]);
    assert_eq!(hits.len(), 17);
    assert_eq!(
        matched(hit(&hits, "2018-ottawa-communique#9")),
        ["the", "the", "the", "the"]
    );
    assert_eq!(
        matched(hit(&hits, "2017-tokyo-declaration#1")),
        ["The", "the"]
    );
}

#[test]
fn unique_words_find_their_one_passage() {
    let verbatim = Verbatim::basic().ingested();
    for (word, citation) in [
        ("quillfeather", "2017-tokyo-declaration#10"),
        ("marrowgate", "2018-ottawa-communique#5"),
        ("thistlewick", "nested/2019-safe-net-joint-statement#1"),
        ("brambleton", "2021-open-letter#8"),
        ("corvinage", "2022-trusted-access-declaration#1"),
    ] {
        let (run, hits) = verbatim.search(word, &[]);
        assert_eq!(citations(&hits), [citation], "{word}");
        assert_eq!(matched(&hits[0]), [word], "{word}");
        assert_eq!(run.stderr, "1 hit in 1 statement\n", "{word}");
    }
}

#[test]
fn words_of_a_query_are_all_required() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("quillfeather register", &[]);
    assert_eq!(citations(&hits), ["2017-tokyo-declaration#10"]);
    assert_eq!(matched(&hits[0]), ["quillfeather", "register"]);
    let (run, hits) = verbatim.search("quillfeather marrowgate", &[]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
    assert_eq!(run.last_stderr_line(), "0 hits in 0 statements");
}

#[test]
fn slop_allows_words_between_the_phrase_words() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("\"lawful content\"~2", &[]);
    assert_eq!(
        sorted_citations(&hits),
        ["2018-ottawa-communique#1", "2021-open-letter#6"]
    );
    for hit in &hits {
        assert_eq!(matched(hit), ["lawful access to content"]);
    }
    assert_eq!(run.last_stderr_line(), "2 hits in 2 statements");

    let (run, hits) = verbatim.search("\"lawful content\"~1", &[]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
    let (run, _) = verbatim.search("\"lawful content\"", &[]);
    assert_eq!(run.code, 1);
}

#[test]
fn prefix_query_finds_words_sharing_the_stem() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("encrypt*", &[]);
    assert_eq!(
        sorted_citations(&hits),
        [
            "2018-ottawa-communique#1",
            "2018-ottawa-communique#11",
            "2018-ottawa-communique#3",
            "2021-open-letter#2",
            "nested/2019-safe-net-joint-statement#2",
            "nested/2019-safe-net-joint-statement#3",
        ]
    );
    assert_eq!(
        matched(hit(&hits, "2018-ottawa-communique#3")),
        ["encrypted"]
    );
    assert_eq!(
        matched(hit(&hits, "nested/2019-safe-net-joint-statement#3")),
        ["Encryption"]
    );
    assert_eq!(run.last_stderr_line(), "6 hits in 3 statements");
}

#[test]
fn prefix_query_matches_words_that_start_with_the_prefix() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("quill*", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(citations(&hits), ["2017-tokyo-declaration#10"]);
    assert_eq!(matched(&hits[0]), ["quillfeather"]);

    let (_, hits) = verbatim.search("encry*", &[]);
    assert_eq!(hits.len(), 6, "encry* should find what encrypt* finds");

    let (_, hits) = verbatim.search("provider*", &["--exact"]);
    assert_eq!(
        sorted_citations(&hits),
        [
            "2017-tokyo-declaration#9",
            "2018-ottawa-communique#11",
            "2018-ottawa-communique#2",
            "2018-ottawa-communique#5",
            "2018-ottawa-communique#8",
        ]
    );
}

#[test]
fn a_phrase_prefix_matches_every_word_the_prefix_begins() {
    // Sixty words beginning with "sec" that sort before "secretariat" and "security": a phrase
    // prefix that tried only the first fifty words of the dictionary would find nothing.
    let fillers: Vec<String> = ('a'..='c')
        .flat_map(|second| ('a'..='t').map(move |third| format!("sec{second}{third}")))
        .collect();
    let corpus = tempfile::tempdir().unwrap();
    let text = format!(
        "---\ntitle: Prefixes\ndate: 2021-03-04\n---\n\nWords: {}.\n\nThe national security strategy.\n\nA national secretariat was founded.\n\nNational security and national secrecy.\n",
        fillers.join(" ")
    );
    std::fs::write(corpus.path().join("prefixes.md"), text).unwrap();
    let verbatim = Verbatim::new(corpus.path());

    // Ranked as a phrase is: the passage with two occurrences first, then the shorter one.
    let (run, hits) = verbatim.search("\"national sec\"*", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(citations(&hits), ["prefixes#4", "prefixes#2", "prefixes#3"]);
    assert_eq!(matched(hit(&hits, "prefixes#2")), ["national security"]);
    assert_eq!(matched(hit(&hits, "prefixes#3")), ["national secretariat"]);
    assert_eq!(
        matched(hit(&hits, "prefixes#4")),
        ["National security", "national secrecy"]
    );
    // Scored by BM25 over its whole words: against the exact phrase "national security" in the
    // same passage (same field, length and count), the share of the idf that "national" has. Of
    // five records (the statement's own and four passages), three hold "national", two
    // "security".
    let (_, phrase) = verbatim.search("\"national security\"", &["--exact"]);
    let score =
        |hits: &[serde_json::Value], citation: &str| hit(hits, citation)["score"].as_f64().unwrap();
    let idf = |holding: f64| (1.0 + (5.0 - holding + 0.5) / (holding + 0.5)).ln();
    let share = idf(3.0) / (idf(3.0) + idf(2.0));
    let ratio = score(&hits, "prefixes#2") / score(&phrase, "prefixes#2");
    assert!((ratio - share).abs() < 1e-4, "{ratio} against {share}");

    let (_, hits) = verbatim.search("sec*", &[]);
    assert_eq!(
        sorted_citations(&hits),
        ["prefixes#1", "prefixes#2", "prefixes#3", "prefixes#4"]
    );
    assert_eq!(matched(hit(&hits, "prefixes#1")).len(), fillers.len());
}

#[test]
fn or_finds_either_word() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("quillfeather OR marrowgate", &[]);
    assert_eq!(
        sorted_citations(&hits),
        ["2017-tokyo-declaration#10", "2018-ottawa-communique#5"]
    );
    assert_eq!(
        matched(hit(&hits, "2017-tokyo-declaration#10")),
        ["quillfeather"]
    );
    assert_eq!(
        matched(hit(&hits, "2018-ottawa-communique#5")),
        ["marrowgate"]
    );
    assert_eq!(run.last_stderr_line(), "2 hits in 2 statements");
}

#[test]
fn groups_and_and_combine() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("(quillfeather OR marrowgate) AND register", &[]);
    assert_eq!(citations(&hits), ["2017-tokyo-declaration#10"]);
    assert_eq!(matched(&hits[0]), ["quillfeather", "register"]);
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");
}

#[test]
fn exclusion_drops_passages_and_is_never_highlighted() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("security -national", &[]);
    assert_eq!(citations(&hits), ["2018-ottawa-communique#8"]);
    assert_eq!(matched(&hits[0]), ["security"]);
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");

    let (run, hits) = verbatim.search("\"lawful access\" -content", &["--all"]);
    assert_eq!(
        sorted_citations(&hits),
        [
            "2018-ottawa-communique#2",
            "2021-open-letter#11",
            "2021-open-letter#3",
            "nested/2019-safe-net-joint-statement#2",
            "nested/2019-safe-net-joint-statement#6",
        ]
    );
    for hit in &hits {
        assert!(
            matched(hit)
                .iter()
                .all(|m| m.to_lowercase().starts_with("lawful")),
            "{hit}"
        );
    }
    assert_eq!(run.last_stderr_line(), "5 hits in 3 statements");

    let (run, hits) = verbatim.search("encrypt* -lawful", &[]);
    assert_eq!(
        sorted_citations(&hits),
        [
            "2018-ottawa-communique#11",
            "2018-ottawa-communique#3",
            "2021-open-letter#2",
            "nested/2019-safe-net-joint-statement#3",
        ]
    );
    assert_eq!(run.last_stderr_line(), "4 hits in 3 statements");
}

#[test]
fn excluding_a_phrase_drops_only_the_passages_with_the_phrase() {
    // Found by the `query` fuzz target: tantivy's exclusion asked the phrase's scorer about a
    // passage before its first match, which panics in debug builds.
    let verbatim = Verbatim::basic();
    let (_, with_word) = verbatim.search("access", &["--all"]);
    let (_, with_phrase) = verbatim.search("\"lawful access\"", &["--all"]);
    let (run, hits) = verbatim.search("access -\"lawful access\"", &["--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let phrase = citations(&with_phrase);
    let want: Vec<String> = citations(&with_word)
        .into_iter()
        .filter(|citation| !phrase.contains(citation))
        .collect();
    assert!(!want.is_empty() && !phrase.is_empty());
    assert_eq!(sorted_citations(&hits), sorted(want));
}

#[test]
fn title_field_matches_the_statement_title_and_highlights_nothing() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("title:encryption", &["--all"]);
    // The Ottawa communique (11 passages) and the Safe Net statement (10).
    assert_eq!(hits.len(), 21);
    assert_eq!(run.last_stderr_line(), "21 hits in 2 statements");
    let mut docs: Vec<&str> = hits.iter().map(|h| str_field(h, "doc")).collect();
    docs.sort();
    docs.dedup();
    assert_eq!(docs, [OTTAWA, SAFE_NET]);
    assert!(hits.iter().all(|hit| hit["match_count"] == 0));

    let (run, hits) = verbatim.search("title:encryption \"lawful access\"", &[]);
    assert_eq!(
        sorted_citations(&hits),
        [
            "2018-ottawa-communique#1",
            "2018-ottawa-communique#2",
            "nested/2019-safe-net-joint-statement#2",
            "nested/2019-safe-net-joint-statement#6",
        ]
    );
    assert_eq!(run.last_stderr_line(), "4 hits in 2 statements");
}

#[test]
fn title_phrase_matches_across_the_cleaned_nbsp_and_word_joiner() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("title:\"encryption and public\"", &["--all"]);
    assert_eq!(hits.len(), 10);
    assert!(hits.iter().all(|hit| hit["doc"] == SAFE_NET));
    assert_eq!(run.last_stderr_line(), "10 hits in 1 statement");
}

/// The passages under the basic fixture's "Commitments" headings.
fn commitments_passages() -> Vec<String> {
    let mut want = cites_of(OTTAWA, &[4, 5, 6, 7, 8]);
    want.extend(cites_of(SAFE_NET, &[5, 6, 7]));
    sorted(want)
}

#[test]
fn section_field_matches_the_heading_path() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("section:commitments", &["--all"]);
    assert_eq!(sorted_citations(&hits), commitments_passages());
    assert_eq!(run.last_stderr_line(), "8 hits in 2 statements");

    let (_, hits) = verbatim.search("section:\"key outcomes\"", &[]);
    assert_eq!(sorted_citations(&hits), cites_of(OTTAWA, &[1, 2, 3]));
}

#[test]
fn title_and_section_prefixes_and_exact_words_are_the_words_as_written() {
    // Stemmed, "encryption" is "encrypt" and "commitments" is "commit": a prefix longer than
    // the stem still begins the word as written.
    let verbatim = Verbatim::basic();
    let (run, _) = verbatim.search("title:encryption*", &["--all"]);
    assert_eq!(run.last_stderr_line(), "21 hits in 2 statements");
    let (run, hits) = verbatim.search("section:commitment*", &["--all"]);
    assert_eq!(sorted_citations(&hits), commitments_passages());
    assert_eq!(run.last_stderr_line(), "8 hits in 2 statements");
    let (_, hits) = verbatim.search("section:\"key outc\"*", &[]);
    assert_eq!(sorted_citations(&hits), cites_of(OTTAWA, &[1, 2, 3]));

    // --exact: the words as written, not their stems.
    let (run, hits) = verbatim.search("section:commitment", &["--exact"]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
    let (run, _) = verbatim.search("section:commitments", &["--exact"]);
    assert_eq!(run.last_stderr_line(), "8 hits in 2 statements");
    let (run, _) = verbatim.search("title:declarations", &["--exact"]);
    assert_eq!(run.code, 1);
    let (run, _) = verbatim.search("title:declaration", &["--exact", "--all"]);
    assert_eq!(run.last_stderr_line(), "23 hits in 2 statements");
}

#[test]
fn kind_field_selects_passage_kinds() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("kind:quote", &[]);
    assert_eq!(sorted_citations(&hits), cites_of(SAFE_NET, &[3, 4]));
    let (run, hits) = verbatim.search("kind:note", &["--all", "--sort", "date"]);
    let mut want = cites_of(LETTER, &[11, 12]);
    want.extend(cites_of(TRUSTED, &[8, 9, 10]));
    assert_eq!(citations(&hits), want);
    assert_eq!(run.last_stderr_line(), "5 hits in 2 statements");
}

#[test]
fn hit_records_carry_the_statement_metadata() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("marrowgate", &[]);
    let hit = &hits[0];
    assert_eq!(hit["citation"], "2018-ottawa-communique#5");
    assert_eq!(hit["doc"], OTTAWA);
    assert_eq!(hit["n"], 5);
    assert_eq!(
        hit["title"],
        "Ottawa Communique on Public Safety and Encryption"
    );
    assert_eq!(hit["date"], "2018-10-14");
    assert_eq!(hit["year"], 2018);
    assert_eq!(hit["type"], "communique");
    assert_eq!(hit["issuer"], "Ottawa Ministerial Meeting on Public Safety");
    assert_eq!(
        hit["signatories"],
        json!([
            {"name": "Margaret A. Thornton", "role": "Attorney General", "country": "United States"},
            {"name": "Alasdair Penhaligon", "role": "Home Secretary", "country": "United Kingdom"},
            {"name": "Josée Tremblay-Aubin", "role": "Minister of Public Safety", "country": "Canada"},
        ])
    );
    assert_eq!(hit["section"], "Ministerial Meeting, Ottawa > Commitments");
    assert_eq!(hit["kind"], "table-row");
    assert_eq!(
        hit["text"],
        "Canada | Consult on a marrowgate framework for providers | 2019"
    );
    assert_eq!(
        hit["source"],
        "https://example.org/statements/2018/ottawa-communique"
    );
    assert_eq!(hit["path"], "2018-ottawa-communique.markdown");
    assert_eq!(hit["line"], 40);
    assert_eq!(hit["links"], json!([]));
    assert_eq!(hit["matches"], json!([[22, 32]]));
    assert_eq!(hit["match_count"], 1);
    assert!(hit["score"].as_f64().is_some_and(|score| score > 0.0));
    assert!(hit.get("before").is_none() && hit.get("after").is_none());
}

#[test]
fn year_only_statement_has_year_and_date_of_the_year() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("quillfeather", &[]);
    assert_eq!(hits[0]["date"], "2017");
    assert_eq!(hits[0]["year"], 2017);
}

// ---------------------------------------------------------------------------------------------
// Filters

#[test]
fn signatory_country_filter_keeps_only_statements_it_signed() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("\"lawful access\"", &["-s", "Germany"]);
    assert_eq!(
        sorted_citations(&hits),
        cites_of(SAFE_NET, &[2, 6]),
        "Germany signed only the 2019 statement"
    );
    assert_eq!(run.last_stderr_line(), "2 hits in 1 statement");
    assert_eq!(
        verbatim.doc_ids(&["-s", "Germany"]),
        [SAFE_NET],
        "docs takes the same filter"
    );
}

#[test]
fn signatory_alias_uk_finds_united_kingdom() {
    let verbatim = Verbatim::basic().ingested();
    for alias in [
        "uk",
        "UK",
        "GB",
        "gbr",
        "Britain",
        "Great Britain",
        "United Kingdom",
    ] {
        assert_eq!(
            verbatim.doc_ids(&["-s", alias]),
            [OTTAWA, LETTER, TRUSTED],
            "-s {alias}"
        );
    }
    let (run, hits) = verbatim.search("\"lawful access\"", &["-s", "uk", "--all"]);
    let mut want = cites_of(OTTAWA, &[1, 2]);
    want.extend(cites_of(LETTER, &[11, 3, 6]));
    assert_eq!(sorted_citations(&hits), sorted(want));
    assert_eq!(run.last_stderr_line(), "5 hits in 2 statements");
}

#[test]
fn signatory_alias_us_and_usa_find_united_states() {
    let verbatim = Verbatim::basic().ingested();
    for alias in ["US", "usa", "United States", "united states"] {
        assert_eq!(
            verbatim.doc_ids(&["-s", alias]),
            [OTTAWA, LETTER, TRUSTED],
            "-s {alias}"
        );
    }
}

#[test]
fn signatory_country_name_and_iso_code_are_case_insensitive() {
    let verbatim = Verbatim::basic().ingested();
    for name in ["Japan", "japan", "JP"] {
        assert_eq!(
            verbatim.doc_ids(&["-s", name]),
            [TOKYO, LETTER, TRUSTED],
            "-s {name}"
        );
    }
    assert_eq!(verbatim.doc_ids(&["-s", "FR"]), [SAFE_NET, TRUSTED]);
    assert_eq!(verbatim.doc_ids(&["-s", "Norway"]), [TRUSTED]);
    // A bare-string country (2021 "Canada") counts as well as a mapping.
    assert_eq!(
        verbatim.doc_ids(&["-s", "Canada"]),
        [TOKYO, OTTAWA, LETTER, TRUSTED]
    );
}

#[test]
fn signatory_bare_string_organisation_matches() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        verbatim.doc_ids(&["-s", "European Union"]),
        [TOKYO, SAFE_NET, TRUSTED]
    );
}

#[test]
fn signatory_matches_part_of_a_name() {
    let verbatim = Verbatim::basic().ingested();
    assert_eq!(verbatim.doc_ids(&["-s", "Thornton"]), [OTTAWA]);
    assert_eq!(verbatim.doc_ids(&["-s", "Margaret A"]), [OTTAWA]);
    assert_eq!(verbatim.doc_ids(&["-s", "Aubin"]), [OTTAWA]);
    assert_eq!(verbatim.doc_ids(&["-s", "TREMBLAY"]), [OTTAWA]);
    assert_eq!(verbatim.doc_ids(&["-s", "Kvalheim"]), [TRUSTED]);
}

#[test]
fn signatory_matches_a_full_multi_part_name() {
    let verbatim = Verbatim::basic();
    assert_eq!(verbatim.doc_ids(&["-s", "Margaret A. Thornton"]), [OTTAWA]);
    let (run, hits) = verbatim.search("marrowgate", &["-s", "Margaret A. Thornton"]);
    assert_eq!(citations(&hits), ["2018-ottawa-communique#5"]);
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");
}

#[test]
fn signatory_accented_name_typed_without_accents_matches() {
    let verbatim = Verbatim::basic().ingested();
    for name in ["Zoe", "zoe lefevre", "LEFEVRE", "Zoë Lefèvre"] {
        assert_eq!(verbatim.doc_ids(&["-s", name]), [SAFE_NET], "-s {name}");
    }
    for name in ["Josee", "Josee Tremblay-Aubin", "Josée Tremblay-Aubin"] {
        assert_eq!(verbatim.doc_ids(&["-s", name]), [OTTAWA], "-s {name}");
    }
}

#[test]
fn signatory_role_matches() {
    let verbatim = Verbatim::basic().ingested();
    assert_eq!(
        verbatim.doc_ids(&["-s", "Attorney General"]),
        [OTTAWA, LETTER]
    );
    assert_eq!(
        verbatim.doc_ids(&["-s", "home secretary"]),
        [OTTAWA, LETTER]
    );
    assert_eq!(verbatim.doc_ids(&["-s", "Interior"]), [SAFE_NET]);
    assert_eq!(
        verbatim.doc_ids(&["-s", "Minister of Public Safety"]),
        [OTTAWA]
    );
}

#[test]
fn signatory_words_do_not_run_across_two_signatories() {
    let verbatim = Verbatim::basic().ingested();
    // "…Thornton" is followed by the role "Attorney General"; "…Penhaligon" follows it.
    for joined in ["Thornton Attorney", "General Alasdair", "Kingdom Kenji"] {
        let run = verbatim.run(&["docs", "-s", joined]);
        assert_eq!(run.code, 1, "-s {joined}: {}", run.stdout);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn repeated_signatory_means_any_of_them() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        verbatim.doc_ids(&["-s", "Japan", "-s", "Germany"]),
        [TOKYO, SAFE_NET, LETTER, TRUSTED]
    );
}

#[test]
fn signatory_that_signed_nothing_exits_1() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["-s", "Narnia"]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "0 hits in 0 statements\n");
    let run = verbatim.run(&["docs", "-s", "Narnia"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
}

#[test]
fn year_filter_accepts_a_year_a_range_and_open_ranges() {
    let verbatim = Verbatim::basic().ingested();
    assert_eq!(verbatim.doc_ids(&["-y", "2017"]), [TOKYO]);
    assert_eq!(
        verbatim.doc_ids(&["--year", "2018..2020"]),
        [OTTAWA, SAFE_NET]
    );
    assert_eq!(
        verbatim.doc_ids(&["-y", "2019.."]),
        [SAFE_NET, LETTER, TRUSTED]
    );
    assert_eq!(
        verbatim.doc_ids(&["-y", "..2019"]),
        [TOKYO, OTTAWA, SAFE_NET]
    );
    assert!(verbatim.doc_ids(&["-y", "2020"]).is_empty());

    let (run, hits) = verbatim.search("\"lawful access\"", &["-y", "2019..", "--all"]);
    let mut want = cites_of(SAFE_NET, &[2, 6]);
    want.extend(cites_of(LETTER, &[3, 6, 11]));
    assert_eq!(sorted_citations(&hits), sorted(want));
    assert_eq!(run.last_stderr_line(), "5 hits in 2 statements");

    let (run, hits) = verbatim.search("\"lawful access\"", &["-y", "2020"]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
}

#[test]
fn type_filter_is_exact_and_case_insensitive() {
    let verbatim = Verbatim::basic().ingested();
    assert_eq!(
        verbatim.doc_ids(&["--type", "declaration"]),
        [TOKYO, TRUSTED]
    );
    assert_eq!(
        verbatim.doc_ids(&["--type", "Declaration"]),
        [TOKYO, TRUSTED]
    );
    assert_eq!(verbatim.doc_ids(&["--type", "JOINT STATEMENT"]), [SAFE_NET]);
    assert!(verbatim.doc_ids(&["--type", "joint"]).is_empty());
    assert_eq!(
        verbatim.doc_ids(&["--type", "communique", "--type", "open letter"]),
        [OTTAWA, LETTER]
    );
    let (run, hits) = verbatim.search("\"lawful access\"", &["--type", "joint statement"]);
    assert_eq!(sorted_citations(&hits), cites_of(SAFE_NET, &[2, 6]));
    assert_eq!(run.last_stderr_line(), "2 hits in 1 statement");
}

#[test]
fn doc_filter_is_exact() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["--doc", LETTER]);
    assert_eq!(sorted_citations(&hits), cites_of(LETTER, &[11, 3, 6]));
    assert_eq!(run.last_stderr_line(), "3 hits in 1 statement");
    assert_eq!(verbatim.doc_ids(&["--doc", LETTER]), [LETTER]);
    assert!(verbatim.doc_ids(&["--doc", "2021"]).is_empty());
    assert!(verbatim.doc_ids(&["--doc", "2021-Open-Letter"]).is_empty());
    assert_eq!(
        verbatim.doc_ids(&["--doc", TRUSTED, "--doc", TOKYO]),
        [TOKYO, TRUSTED]
    );
}

#[test]
fn json_document_echoes_query_filters_and_totals() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&[
            "search",
            "\"lawful access\"",
            "-s",
            "uk",
            "-y",
            "2018..",
            "--type",
            "communique",
            "--type",
            "open letter",
            "--doc",
            LETTER,
            "--doc",
            OTTAWA,
            "-n",
            "2",
            "--format",
            "json",
        ])
        .expect_code(0);
    let mut document = run.json();
    let hits = document["hits"].take();
    assert_eq!(
        document,
        json!({
            "schema": 1,
            "query": "\"lawful access\"",
            "exact": false,
            "filters": {
                "signatories": ["uk"],
                "years": {"from": 2018, "to": null},
                "types": ["communique", "open letter"],
                "docs": [LETTER, OTTAWA],
            },
            "sort": "relevance",
            "total_hits": 5,
            "total_statements": 2,
            "shown": 2,
            "hits": null,
        })
    );
    assert_eq!(hits.as_array().map(Vec::len), Some(2));
    assert_eq!(
        run.last_stderr_line(),
        "5 hits in 2 statements (2 shown; use --all or -n N for more)"
    );
}

#[test]
fn json_document_for_no_hits_has_empty_hits_and_exits_1() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&["search", "zanzibarqux", "--format", "json", "--exact"])
        .expect_code(1);
    let document = run.json();
    assert_eq!(document["total_hits"], 0);
    assert_eq!(document["total_statements"], 0);
    assert_eq!(document["exact"], true);
    assert_eq!(document["hits"], json!([]));
}

#[test]
fn filters_do_not_change_the_reported_score() {
    let verbatim = Verbatim::basic().ingested();
    let score = |extra: &[&str]| {
        let (_, hits) = verbatim.search("marrowgate", extra);
        hits[0]["score"].as_f64().expect("a score")
    };
    let plain = score(&[]);
    for filter in [
        &["-s", "uk"][..],
        &["--type", "communique"],
        &["--doc", OTTAWA],
        &["-y", "2018"],
    ] {
        let filtered = score(filter);
        assert!(
            (filtered - plain).abs() < 1e-4,
            "{filter:?}: score {filtered}, without the filter {plain}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Order, limits and context

#[test]
fn sort_date_is_chronological_then_passage_order() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("\"lawful access\"", &["--sort", "date", "--all"]);
    assert_eq!(citations(&hits), lawful_access_by_date());

    // The year-only 2017 statement comes first; passages stay in order within a statement.
    let (run, hits) = verbatim.search("the", &["--sort", "date", "--all"]);
    let mut want = cites_of(TOKYO, &[1, 2, 3, 11, 13]);
    want.extend(cites_of(OTTAWA, &[1, 2, 8, 9, 10]));
    want.extend(cites_of(SAFE_NET, &[1, 8, 10]));
    want.extend(cites_of(LETTER, &[5, 8, 11]));
    want.extend(cites_of(TRUSTED, &[1]));
    assert_eq!(citations(&hits), want);
    assert_eq!(run.last_stderr_line(), "17 hits in 5 statements");
}

#[test]
fn sort_date_with_a_limit_shows_the_earliest_hits() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("\"lawful access\"", &["--sort", "date", "-n", "2"]);
    assert_eq!(citations(&hits), cites_of(OTTAWA, &[1, 2]));
    assert_eq!(
        run.last_stderr_line(),
        "7 hits in 3 statements (2 shown; use --all or -n N for more)"
    );
}

#[test]
fn relevance_order_is_by_descending_score() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("\"lawful access\"", &["--all"]);
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
}

#[test]
fn relevance_ties_are_broken_by_date_then_passage() {
    let verbatim = Verbatim::basic();
    // Every note scores the same: one term in a one-term field.
    let (_, hits) = verbatim.search("kind:note", &["--all"]);
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.iter().all(|s| (s - scores[0]).abs() < 1e-6),
        "{scores:?}"
    );
    let mut want = cites_of(LETTER, &[11, 12]);
    want.extend(cites_of(TRUSTED, &[8, 9, 10]));
    assert_eq!(citations(&hits), want);
}

#[test]
fn a_limited_search_keeps_the_oldest_of_tied_hits_whatever_the_file_order() {
    // File names in the opposite order of the dates, and one indexing thread (the least
    // memory), so that one segment holds the newest statement first; a prefix query scores
    // every hit alike.
    let corpus = tempfile::tempdir().unwrap();
    for (name, date) in [
        ("a", "2022-05-01"),
        ("b", "2018-05-01"),
        ("c", "2020-05-01"),
    ] {
        let text = format!(
            "---\ntitle: Statement {name}\ndate: {date}\n---\n\nThe quillfeather accord.\n\nA quillfeathered note.\n"
        );
        std::fs::write(corpus.path().join(format!("{name}.md")), text).unwrap();
    }
    let verbatim = Verbatim::new(corpus.path());
    verbatim
        .run(&["ingest", "--ingest-memory", "15M"])
        .expect_code(0);
    let want = strings(&["b#1", "b#2", "c#1", "c#2", "a#1", "a#2"]);
    let (_, all) = verbatim.search("quillfeather*", &["--all"]);
    assert_eq!(citations(&all), want);
    for limit in 1..want.len() {
        let (_, hits) = verbatim.search("quillfeather*", &["-n", &limit.to_string()]);
        assert_eq!(citations(&hits), want[..limit], "-n {limit}");
        let args = ["-n", &limit.to_string(), "--sort", "date"];
        let (_, hits) = verbatim.search("quillfeather*", &args);
        assert_eq!(citations(&hits), want[..limit], "-n {limit} --sort date");
    }
}

#[test]
fn limit_cuts_the_list_and_says_how_many_are_shown() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["-n", "3"]);
    assert_eq!(hits.len(), 3);
    assert_eq!(
        run.stderr,
        "7 hits in 3 statements (3 shown; use --all or -n N for more)\n"
    );
    // The first three of the full ranking.
    let (_, all) = verbatim.search("\"lawful access\"", &["--all"]);
    assert_eq!(citations(&hits), citations(&all[..3]));
}

#[test]
fn limit_equal_to_the_hit_count_adds_no_note() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["-n", "7"]);
    assert_eq!(hits.len(), 7);
    assert_eq!(run.stderr, "7 hits in 3 statements\n");
}

#[test]
fn default_limit_is_ten_and_all_shows_every_hit() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("the", &[]);
    assert_eq!(hits.len(), 10);
    assert_eq!(
        run.stderr,
        "17 hits in 5 statements (10 shown; use --all or -n N for more)\n"
    );
    let (run, hits) = verbatim.search("the", &["--all"]);
    assert_eq!(hits.len(), 17);
    assert_eq!(run.stderr, "17 hits in 5 statements\n");
}

#[test]
fn context_adds_neighbouring_passages_before_and_after() {
    let verbatim = Verbatim::basic();
    let (_, hits) = verbatim.search("marrowgate", &["-C", "1"]);
    let hit = &hits[0];
    assert_eq!(
        hit["before"],
        json!([{
            "citation": "2018-ottawa-communique#4",
            "n": 4,
            "kind": "table-row",
            "section": "Ministerial Meeting, Ottawa > Commitments",
            "text": "Country | Commitment | Deadline",
        }])
    );
    assert_eq!(
        hit["after"],
        json!([{
            "citation": "2018-ottawa-communique#6",
            "n": 6,
            "kind": "table-row",
            "section": "Ministerial Meeting, Ottawa > Commitments",
            "text": "United Kingdom | Publish a code of practice | 2019",
        }])
    );
}

#[test]
fn context_stops_at_the_edges_of_the_statement() {
    let verbatim = Verbatim::basic().ingested();
    // The first passage of the letter: nothing before it.
    let (_, hits) = verbatim.search("Dear", &["-C", "1"]);
    assert_eq!(citations(&hits), ["2021-open-letter#1"]);
    assert!(hits[0].get("before").is_none_or(|b| b == &json!([])));
    assert_eq!(
        citations(hits[0]["after"].as_array().unwrap()),
        ["2021-open-letter#2"]
    );

    // Its last passage: two before, nothing after, nothing from another statement.
    let (_, hits) = verbatim.search("messaging", &["-C", "2"]);
    assert_eq!(citations(&hits), ["2021-open-letter#12"]);
    assert_eq!(
        citations(hits[0]["before"].as_array().unwrap()),
        cites_of(LETTER, &[10, 11])
    );
    assert!(hits[0].get("after").is_none_or(|a| a == &json!([])));
}

#[test]
fn context_in_text_output_lists_neighbours_by_number() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim
        .run(&["search", "marrowgate", "-C", "1"])
        .expect_code(0);
    assert_eq!(
        run.stdout,
        "2018-ottawa-communique#5  Ottawa Communique on Public Safety and Encryption\n\
         \x20 2018-10-14 · Margaret A. Thornton (United States), Alasdair Penhaligon (United Kingdom), Josée Tremblay-Aubin (Canada) · § Ministerial Meeting, Ottawa > Commitments\n\
         \x20 #4   Country | Commitment | Deadline\n\
         \x20 #5   Canada | Consult on a marrowgate framework for providers | 2019\n\
         \x20 #6   United Kingdom | Publish a code of practice | 2019\n\
         \n"
    );
}

// ---------------------------------------------------------------------------------------------
// Text output, colour and determinism

#[test]
fn text_output_gives_citation_title_facts_and_passage() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim
        .run(&["search", "\"lawful access\"", "-n", "1", "--sort", "date"])
        .expect_code(0);
    assert_eq!(
        run.stdout,
        "2018-ottawa-communique#1  Ottawa Communique on Public Safety and Encryption\n\
         \x20 2018-10-14 · Margaret A. Thornton (United States), Alasdair Penhaligon (United Kingdom), Josée Tremblay-Aubin (Canada) · § Ministerial Meeting, Ottawa > KEY OUTCOMES\n\
         \x20 Ministers discussed the challenge that end-to-end encryption poses to criminal investigations, and agreed that lawful access to content must remain possible under the rule of law.\n\
         \n"
    );
    assert_eq!(
        run.stderr,
        "7 hits in 3 statements (1 shown; use --all or -n N for more)\n"
    );
}

#[test]
fn text_output_shortens_long_signatory_lists_and_omits_an_empty_section() {
    let verbatim = Verbatim::basic();
    let run = verbatim.run(&["search", "brambleton"]).expect_code(0);
    assert_eq!(
        run.stdout,
        "2021-open-letter#8  Open Letter to Technology Companies on Child Safety\n\
         \x20 2021-03-09 · Eleanor Fairweather-Grant (United Kingdom), Kenji Morooka (Japan), Raymond Okafor (United States), +1 more\n\
         \x20 publish transparency reports under the brambleton protocol each year.\n\
         \n"
    );
}

#[test]
fn piped_output_has_no_colour_by_default() {
    let verbatim = Verbatim::basic().ingested();
    for args in [
        &["search", "marrowgate"][..],
        &["search", "marrowgate", "--color", "never"],
        &["show", "2018-ottawa-communique#5"],
        &["docs"],
    ] {
        let run = verbatim.run(args).expect_code(0);
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
        assert!(!run.stderr.contains('\x1b'), "{args:?}: {:?}", run.stderr);
    }
    // The same without NO_COLOR in the environment: piped, so still plain.
    let output = verbatim
        .command()
        .env_remove("NO_COLOR")
        .args(["search", "marrowgate"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\x1b'));
}

#[test]
fn color_always_wraps_each_match_in_ansi_escapes() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim
        .run(&[
            "search",
            "\"lawful access\"",
            "--doc",
            OTTAWA,
            "--color",
            "always",
        ])
        .expect_code(0);
    let out = &run.stdout;
    assert!(out.contains('\x1b'));
    // Three occurrences (one in #1, two in #2), each opened by an SGR sequence and reset after.
    let mut count = 0;
    for (at, _) in out.match_indices("lawful access") {
        count += 1;
        let before = &out[..at];
        let escape = before.rfind("\x1b[").expect("an escape before the match");
        assert!(
            before.ends_with('m') && !before[escape..].contains(' '),
            "no colour right before the match: {:?}",
            &before[before.len().saturating_sub(20)..]
        );
        assert!(
            out[at + "lawful access".len()..].starts_with("\x1b[0m"),
            "no reset right after the match"
        );
    }
    assert_eq!(count, 3);
    // The text around a match is not coloured as a match.
    assert!(out.contains("\x1b[0m to content must remain possible"));
}

#[test]
fn same_query_twice_gives_identical_output() {
    let verbatim = Verbatim::basic().ingested();
    for args in [
        &["search", "the", "--all", "--format", "jsonl"][..],
        &["search", "kind:note", "-n", "2", "--format", "jsonl"],
        &["search", "\"lawful access\"", "-C", "1"],
        &["docs", "--format", "json"],
    ] {
        let first = verbatim.run(args);
        let second = verbatim.run(args);
        assert_eq!(first.code, 0, "{args:?}");
        assert_eq!(first.stdout, second.stdout, "{args:?}");
        assert_eq!(first.stderr, second.stderr, "{args:?}");
    }
    // A fresh index of the same corpus ranks the same way.
    let other = Verbatim::basic().ingested();
    let args = ["search", "the", "--all", "--format", "jsonl"];
    assert_eq!(verbatim.run(&args).stdout, other.run(&args).stdout);
}

// ---------------------------------------------------------------------------------------------
// Known bugs in query handling

#[test]
fn slop_phrase_in_reverse_order_highlights_its_hits() {
    let verbatim = Verbatim::basic();
    let (run, hits) = verbatim.search("\"access lawful\"~2", &["--all"]);
    assert_eq!(run.code, 0);
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(
            hit["match_count"].as_u64() >= Some(1),
            "{} is a hit with nothing highlighted: {}",
            hit["citation"],
            hit["text"]
        );
    }
}

#[test]
fn exact_applies_to_an_explicit_text_field() {
    let verbatim = Verbatim::basic();
    let (_, plain) = verbatim.search("accessed", &["--exact"]);
    let (_, fielded) = verbatim.search("text:accessed", &["--exact"]);
    assert_eq!(citations(&fielded), citations(&plain));
    assert!(
        fielded
            .iter()
            .all(|hit| hit["match_count"].as_u64() >= Some(1))
    );
}

#[test]
fn signatory_field_in_a_query_finds_the_statements_signed() {
    let verbatim = Verbatim::basic();
    let run = verbatim.run(&["search", "signatory:japan", "--all", "--format", "jsonl"]);
    assert_eq!(run.code, 0, "signatory:japan found nothing: {}", run.stderr);
    let mut docs: Vec<String> = run
        .records()
        .iter()
        .map(|h| str_field(h, "doc").to_string())
        .collect();
    docs.sort();
    docs.dedup();
    assert_eq!(docs, [TOKYO, LETTER, TRUSTED]);
}

// ---------------------------------------------------------------------------------------------
// The shipped corpus

#[test]
fn shipped_lawful_access_is_in_passages_7_and_12() {
    let verbatim = Verbatim::shipped().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["--all"]);
    assert_eq!(sorted_citations(&hits), cites_of(SHIPPED_ID, &[12, 7]));
    for hit in &hits {
        assert_eq!(matched(hit), ["lawful access"]);
    }
    assert_eq!(run.stderr, "2 hits in 1 statement\n");
    let (_, by_date) = verbatim.search("\"lawful access\"", &["--sort", "date"]);
    assert_eq!(citations(&by_date), cites_of(SHIPPED_ID, &[7, 12]));
}

#[test]
fn shipped_signatory_japan_and_uk_find_the_statement() {
    let verbatim = Verbatim::shipped().ingested();
    for signatory in [
        "Japan",
        "uk",
        "GB",
        "Barr",
        "William P. Barr",
        "Attorney General",
    ] {
        let (run, hits) = verbatim.search("\"lawful access\"", &["-s", signatory]);
        assert_eq!(
            sorted_citations(&hits),
            cites_of(SHIPPED_ID, &[12, 7]),
            "-s {signatory}"
        );
        assert_eq!(run.code, 0);
    }
}

#[test]
fn shipped_signatory_germany_finds_nothing() {
    let verbatim = Verbatim::shipped().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["-s", "Germany"]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "0 hits in 0 statements\n");
}

#[test]
fn shipped_year_2020_finds_and_2019_does_not() {
    let verbatim = Verbatim::shipped().ingested();
    let (run, hits) = verbatim.search("\"lawful access\"", &["--year", "2020"]);
    assert_eq!(run.code, 0);
    assert_eq!(sorted_citations(&hits), cites_of(SHIPPED_ID, &[12, 7]));
    let (run, hits) = verbatim.search("\"lawful access\"", &["--year", "2019"]);
    assert_eq!(run.code, 1);
    assert!(hits.is_empty());
}

#[test]
fn shipped_phrase_across_a_page_break_finds_passage_10() {
    let verbatim = Verbatim::shipped();
    let (run, hits) = verbatim.search("\"encryption is implemented without a solution\"", &[]);
    assert_eq!(citations(&hits), [format!("{SHIPPED_ID}#10")]);
    assert_eq!(
        matched(&hits[0]),
        ["encryption is implemented without a solution"]
    );
    assert_eq!(hits[0]["section"], "IMPACT ON PUBLIC SAFETY");
    assert_eq!(hits[0]["kind"], "paragraph");
    assert_eq!(run.last_stderr_line(), "1 hit in 1 statement");
}

#[test]
fn shipped_long_passage_is_windowed_unless_full() {
    let verbatim = Verbatim::shipped().ingested();
    let query = "\"encryption is implemented without a solution\"";
    let text = str_field(&verbatim.passages(&format!("{SHIPPED_ID}#10"))[0], "text").to_string();
    assert!(
        text.len() > 1000,
        "passage 10 is long: {} bytes",
        text.len()
    );

    let windowed = verbatim.run(&["search", query]).expect_code(0);
    let passage_line = windowed.stdout.lines().nth(2).expect("a passage line");
    assert!(passage_line.starts_with("  … "), "{passage_line}");
    assert!(passage_line.ends_with(" …"), "{passage_line}");
    assert!(
        passage_line
            .contains("If end-to-end encryption is implemented without a solution in place")
    );
    assert!(passage_line.len() < text.len());
    assert!(!windowed.stdout.contains(&text));
    assert!(!passage_line.contains("Concern about these risks"));

    let full = verbatim.run(&["search", query, "--full"]).expect_code(0);
    assert_eq!(
        full.stdout.lines().nth(2),
        Some(format!("  {text}").as_str())
    );
    assert!(!full.stdout.contains('…'));
}

#[test]
fn shipped_short_passage_is_whole_without_full() {
    let verbatim = Verbatim::shipped();
    let run = verbatim.run(&["search", "\"William P. Barr\"", "--doc", SHIPPED_ID]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("\n  William P. Barr, Attorney General of the United States\n")
    );
}

#[test]
fn hits_per_statement_stay_right_when_an_update_moves_a_statement_to_a_new_segment() {
    // An edited statement is deleted where it was and written again in a new segment, where its
    // record sits at the same place as another statement's in the first: the counts by statement
    // must be those of an index built from scratch.
    let corpus = crate::support::basic_copy();
    let updated = Verbatim::new(corpus.path()).ingested();
    let file = corpus.path().join("2018-ottawa-communique.markdown");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nThe ministers will meet again.\n")).unwrap();
    let fresh = Verbatim::new(corpus.path());
    for query in ["the", "\"lawful access\""] {
        let args = [
            "search", query, "--all", "--facet", "year", "--format", "json",
        ];
        let after_update = updated.run(&args).expect_code(0).json();
        let from_scratch = fresh.run(&args).expect_code(0).json();
        // Scores differ: BM25's statistics count deleted passages until segments merge.
        for field in ["total_hits", "total_statements", "facets"] {
            assert_eq!(after_update[field], from_scratch[field], "{query} {field}");
        }
        let hits = |found: &serde_json::Value| {
            let mut found = citations(found["hits"].as_array().unwrap());
            found.sort();
            found
        };
        assert_eq!(hits(&after_update), hits(&from_scratch), "{query}");
    }
    let run = updated.run(&["search", "the", "--all"]).expect_code(0);
    assert_eq!(run.last_stderr_line(), "18 hits in 5 statements");
    let facets = &updated
        .run(&["search", "the", "--facet", "year", "--format", "json"])
        .json()["facets"][0]["counts"];
    let total: u64 = facets
        .as_array()
        .unwrap()
        .iter()
        .map(|count| count["hits"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 18, "{facets}");
}
