//! `verbatim show` and `verbatim docs`, and what ingest made of each fixture statement: passages,
//! kinds, sections, clean text and front matter, checked against `tests/fixtures/MANIFEST.md`.

use serde_json::{Value, json};

use crate::support::{
    LETTER, OTTAWA, SAFE_NET, TOKYO, TRUSTED, Verbatim, citations, cites_of, str_field, strings,
};

/// (n, kind, section, start of the text) for each passage, from the manifest.
type Expected<'a> = [(u64, &'a str, &'a str, &'a str)];

fn assert_passages(verbatim: &Verbatim, doc: &str, expected: &Expected) {
    let passages = verbatim.passages(doc);
    assert_eq!(
        passages.len(),
        expected.len(),
        "{doc}: {:?}",
        citations(&passages)
    );
    for (passage, &(n, kind, section, start)) in passages.iter().zip(expected) {
        let citation = format!("{doc}#{n}");
        assert_eq!(passage["citation"], citation.as_str());
        assert_eq!(passage["doc"], doc, "{citation}");
        assert_eq!(passage["n"], n, "{citation}");
        assert_eq!(passage["kind"], kind, "{citation}");
        assert_eq!(passage["section"], section, "{citation}");
        let text = str_field(passage, "text");
        assert!(
            text.starts_with(start),
            "{citation}: {text:?} should start with {start:?}"
        );
    }
}

/// The text of one passage.
fn text_of(verbatim: &Verbatim, citation: &str) -> String {
    let run = verbatim
        .run(&["show", citation, "--format", "jsonl"])
        .expect_code(0);
    let records = run.records();
    assert_eq!(records.len(), 1, "{citation}");
    str_field(&records[0], "text").to_string()
}

// ---------------------------------------------------------------------------------------------
// Passages of every fixture statement

#[test]
#[rustfmt::skip]
fn tokyo_declaration_passages_match_the_manifest() {
    let verbatim = Verbatim::basic();
    let design = "Principles > Resilience by design";
    let shared = "Principles > Shared responsibility";
    assert_passages(&verbatim, TOKYO, &[
        (1, "paragraph", "", "The ministers gathered in Tokyo adopted"),
        (2, "paragraph", "Preamble", "We recognise that open and interoperable networks underpin growth, and we welcome the report of the expert group."),
        (3, "paragraph", "Preamble", "Supporting files are kept in the attachment_data folder, and items marked *not emphasis* are reproduced exactly as submitted."),
        (4, "list-item", design, "Vendors should ship devices with unique credentials."),
        (5, "list-item", design, "Operators should assess their supply chains, including:"),
        (6, "list-item", design, "hardware provenance;"),
        (7, "list-item", design, "software bills of materials; and"),
        (8, "list-item", design, "third-party maintenance contracts."),
        (9, "list-item", design, "Regulators should publish clear guidance"),
        (10, "list-item", shared, "Governments will maintain a quillfeather register"),
        (11, "list-item", shared, "Industry partners will report incidents promptly. Reports should be made within seventy-two hours"),
        (12, "list-item", shared, "Universities will contribute independent research."),
        (13, "paragraph", "Next steps", "The ministers will meet again in 2018"),
    ]);
}

#[test]
#[rustfmt::skip]
fn ottawa_communique_passages_match_the_manifest() {
    let verbatim = Verbatim::basic();
    let outcomes = "Ministerial Meeting, Ottawa > KEY OUTCOMES";
    let commitments = "Ministerial Meeting, Ottawa > Commitments";
    let safety = "Ministerial Meeting, Ottawa > Commitments > Safety of services";
    let follow_up = "Ministerial Meeting, Ottawa > Follow-up";
    assert_passages(&verbatim, OTTAWA, &[
        (1, "paragraph", outcomes, "Ministers discussed the challenge that end-to-end encryption poses"),
        (2, "paragraph", outcomes, "We note that lawful access is not a backdoor."),
        (3, "paragraph", outcomes, "Threats to national security increasingly rely on encrypted platforms."),
        (4, "table-row", commitments, "Country"),
        (5, "table-row", commitments, "Canada"),
        (6, "table-row", commitments, "United Kingdom"),
        (7, "table-row", commitments, "United States"),
        (8, "paragraph", safety, "Providers remain responsible for the security of their own platforms"),
        (9, "paragraph", follow_up, "At the close of the meeting the committee agreed that the proposal should be adopted without delay and reviewed in twelve months."),
        (10, "paragraph", follow_up, "Ministers listed the following priorities for the next meeting:"),
        (11, "paragraph", follow_up, "continued dialogue with providers, and shared research on encryption."),
    ]);
}

#[test]
#[rustfmt::skip]
fn safe_net_statement_passages_match_the_manifest() {
    let verbatim = Verbatim::basic();
    let voices = "Voices from the conference";
    assert_passages(&verbatim, SAFE_NET, &[
        (1, "paragraph", "Introduction", "Germany, France and the European Union issue this statement"),
        (2, "paragraph", "Introduction", "We reaffirm that lawful access, governed by independent oversight,"),
        (3, "quote", voices, "Encryption protects journalists, dissidents and ordinary families."),
        (4, "quote", voices, "It must never become a shield for those who harm children."),
        (5, "list-item", "Commitments", "Fund research into privacy-preserving detection."),
        (6, "list-item", "Commitments", "Share best practice on cross-border requests for lawful access."),
        (7, "list-item", "Commitments", "Support organisations that assist victims."),
        (8, "paragraph", "Provisions", "Article 4. The parties shall cooperate on technical research into responsible design and shall report annually on progress."),
        (9, "paragraph", "Provisions", "Article 5. Each party shall designate a single point of contact."),
        (10, "paragraph", "Provisions", "The signatories will review these provisions in 2020."),
    ]);
}

#[test]
#[rustfmt::skip]
fn open_letter_passages_match_the_manifest() {
    let verbatim = Verbatim::basic();
    assert_passages(&verbatim, LETTER, &[
        (1, "paragraph", "", "Dear chief executives,"),
        (2, "paragraph", "", "We write to you as ministers responsible for public safety."),
        (3, "paragraph", "", "We ask you to ensure that data can be lawfully accessed"),
        (4, "paragraph", "", "Our requests are as follows:"),
        (5, "list-item", "", "embed safety features from the design stage;"),
        (6, "list-item", "", "enable lawful access to content in a readable format;"),
        (7, "list-item", "", "consult governments before deploying major changes"),
        (8, "list-item", "", "publish transparency reports under the brambleton protocol each year."),
        (9, "paragraph", "", "We look forward to your response by 30"),
        (10, "paragraph", "", "Yours sincerely, Eleanor Fairweather-Grant Kenji Morooka Raymond Okafor"),
        // Footnote definitions may carry their marker; the words after it are fixed.
        (11, "note", "", ""),
        (12, "note", "", ""),
    ]);
    let notes = verbatim.passages(LETTER);
    assert!(str_field(&notes[10], "text").ends_with("See the ministerial guidance on lawful access published in 2020."));
    assert!(str_field(&notes[11], "text").ends_with("Including changes to default messaging settings."));
}

#[test]
#[rustfmt::skip]
fn trusted_access_declaration_passages_match_the_manifest() {
    let verbatim = Verbatim::basic();
    let legal_basis = "Declaration on Trusted Government Access > Shared principles > Legal basis";
    let oversight = "Declaration on Trusted Government Access > Shared principles > Oversight";
    let implementation = "Declaration on Trusted Government Access > Implementation";
    let references = "Declaration on Trusted Government Access > References";
    assert_passages(&verbatim, TRUSTED, &[
        (1, "paragraph", legal_basis, "Government access to personal data must have a clear legal basis,"),
        (2, "list-item", oversight, "Access is subject to independent oversight."),
        (3, "list-item", oversight, "Individuals have effective routes to redress."),
        (4, "list-item", oversight, "Transparency reports are published regularly."),
        (5, "paragraph", implementation, "Each signatory will publish a summary of its legal framework."),
        (6, "paragraph", implementation, "Officials will meet in 2023 to compare approaches."),
        (7, "paragraph", implementation, "Nothing in this declaration affects existing agreements on data protection."),
        (8, "note", references, "[1] https://example.org/report"),
        (9, "note", references, "[2] https://example.org/frameworks/summary"),
        (10, "note", references, "[3] https://example.org/forum/2022/minutes"),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Clean passage text

#[test]
fn inline_markup_is_removed_and_link_targets_kept_as_links() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&["show", "2017-tokyo-declaration#2", "--format", "jsonl"])
        .expect_code(0);
    let passage = &run.records()[0];
    assert_eq!(
        passage["text"],
        "We recognise that open and interoperable networks underpin growth, and we welcome the report of the expert group."
    );
    assert_eq!(passage["links"], json!(["https://example.org/r"]));
    assert_eq!(passage["line"], 24);
}

#[test]
fn escapes_are_resolved_to_literal_characters() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "2017-tokyo-declaration#3"),
        "Supporting files are kept in the attachment_data folder, and items marked *not emphasis* are reproduced exactly as submitted."
    );
    let (_, hits) = verbatim.search("attachment_data", &[]);
    assert_eq!(citations(&hits), ["2017-tokyo-declaration#3"]);
}

#[test]
fn loose_list_item_with_two_paragraphs_is_one_passage() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "2017-tokyo-declaration#11"),
        "Industry partners will report incidents promptly. Reports should be made within seventy-two hours of detection and shared with the relevant national contact point."
    );
}

#[test]
fn nested_list_items_are_their_own_passages() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "2017-tokyo-declaration#5"),
        "Operators should assess their supply chains, including:"
    );
    assert_eq!(
        text_of(&verbatim, "2017-tokyo-declaration#7"),
        "software bills of materials; and"
    );
    assert_eq!(
        text_of(&verbatim, "2017-tokyo-declaration#8"),
        "third-party maintenance contracts."
    );
}

#[test]
fn page_break_paragraphs_are_merged_but_a_colon_paragraph_is_not() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "2018-ottawa-communique#9"),
        "At the close of the meeting the committee agreed that the proposal should be adopted without delay and reviewed in twelve months."
    );
    assert_eq!(
        text_of(&verbatim, "2018-ottawa-communique#10"),
        "Ministers listed the following priorities for the next meeting:"
    );
    assert_eq!(
        text_of(&verbatim, "2018-ottawa-communique#11"),
        "continued dialogue with providers, and shared research on encryption."
    );
    let (_, hits) = verbatim.search("\"agreed that the proposal\"", &[]);
    assert_eq!(citations(&hits), ["2018-ottawa-communique#9"]);
}

#[test]
fn wrapped_lines_are_joined_with_a_space() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "2018-ottawa-communique#2"),
        "We note that lawful access is not a backdoor. Providers that build lawful access into their services from the outset protect both users and victims."
    );
}

#[test]
fn table_rows_hold_their_cells() {
    let verbatim = Verbatim::basic();
    let row = text_of(&verbatim, "2018-ottawa-communique#5");
    for cell in [
        "Canada",
        "Consult on a marrowgate framework for providers",
        "2019",
    ] {
        assert!(row.contains(cell), "{row:?} lacks {cell:?}");
    }
    let header = text_of(&verbatim, "2018-ottawa-communique#4");
    for cell in ["Country", "Commitment", "Deadline"] {
        assert!(header.contains(cell), "{header:?} lacks {cell:?}");
    }
}

#[test]
fn html_is_reduced_to_its_words() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "nested/2019-safe-net-joint-statement#8"),
        "Article 4. The parties shall cooperate on technical research into responsible design and shall report annually on progress."
    );
    assert_eq!(
        text_of(&verbatim, "nested/2019-safe-net-joint-statement#9"),
        "Article 5. Each party shall designate a single point of contact."
    );
    assert_eq!(
        text_of(&verbatim, "nested/2019-safe-net-joint-statement#10"),
        "The signatories will review these provisions in 2020."
    );
}

#[test]
fn hard_line_breaks_and_non_breaking_spaces_become_spaces() {
    let verbatim = Verbatim::basic();
    assert_eq!(
        text_of(&verbatim, "2021-open-letter#10"),
        "Yours sincerely, Eleanor Fairweather-Grant Kenji Morooka Raymond Okafor"
    );
    assert_eq!(
        text_of(&verbatim, "2021-open-letter#9"),
        "We look forward to your response by 30 April 2021."
    );
    let (_, hits) = verbatim.search("\"30 April\"", &[]);
    assert_eq!(citations(&hits), ["2021-open-letter#9"]);
}

#[test]
fn autolinked_reference_entries_keep_the_url_as_text_and_link() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&[
            "show",
            "2022-trusted-access-declaration#8",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    let note = &run.records()[0];
    assert_eq!(note["text"], "[1] https://example.org/report");
    assert_eq!(note["links"], json!(["https://example.org/report"]));
    assert_eq!(note["kind"], "note");
}

// ---------------------------------------------------------------------------------------------
// show

#[test]
fn show_citation_prints_the_statement_header_and_the_passage() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim
        .run(&["show", "2018-ottawa-communique#5"])
        .expect_code(0);
    assert_eq!(
        run.stdout,
        "2018-ottawa-communique  Ottawa Communique on Public Safety and Encryption\n\
         \x20 2018-10-14 · communique · Ottawa Ministerial Meeting on Public Safety · 11 passages\n\
         \x20 signed: Margaret A. Thornton (United States); Alasdair Penhaligon (United Kingdom); Josée Tremblay-Aubin (Canada)\n\
         \x20 source: https://example.org/statements/2018/ottawa-communique\n\
         \n\
         § Ministerial Meeting, Ottawa > Commitments\n\
         2018-ottawa-communique#5  table-row · line 40\n\
         Canada | Consult on a marrowgate framework for providers | 2019\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn show_citation_jsonl_is_one_full_record() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&[
            "show",
            "nested/2019-safe-net-joint-statement#3",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    let records = run.records();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["citation"], "nested/2019-safe-net-joint-statement#3");
    assert_eq!(record["kind"], "quote");
    assert_eq!(record["section"], "Voices from the conference");
    assert_eq!(record["date"], "2019-05-02");
    assert_eq!(record["year"], 2019);
    assert_eq!(record["type"], "joint statement");
    assert_eq!(record["issuer"], "Safe Net Coalition");
    assert_eq!(record["path"], "nested/2019-safe-net-joint-statement.md");
    assert_eq!(
        record["source"],
        "https://example.org/statements/2019/safe-net"
    );
}

#[test]
fn show_with_context_gives_neighbours_in_order() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim
        .run(&[
            "show",
            "2018-ottawa-communique#5",
            "-C",
            "1",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    assert_eq!(citations(&run.records()), cites_of(OTTAWA, &[4, 5, 6]));

    let run = verbatim
        .run(&[
            "show",
            "2018-ottawa-communique#1",
            "-C",
            "2",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    assert_eq!(citations(&run.records()), cites_of(OTTAWA, &[1, 2, 3]));

    let run = verbatim
        .run(&[
            "show",
            "2021-open-letter#12",
            "-C",
            "2",
            "--format",
            "jsonl",
        ])
        .expect_code(0);
    assert_eq!(citations(&run.records()), cites_of(LETTER, &[10, 11, 12]));

    let run = verbatim
        .run(&["show", "2018-ottawa-communique#5", "-C", "1"])
        .expect_code(0);
    assert!(run.stdout.contains(
        "§ Ministerial Meeting, Ottawa > Commitments\n\
         2018-ottawa-communique#4  table-row · line 38\n\
         Country | Commitment | Deadline\n\
         \n\
         2018-ottawa-communique#5  table-row · line 40\n\
         Canada | Consult on a marrowgate framework for providers | 2019\n\
         \n\
         2018-ottawa-communique#6  table-row · line 41\n\
         United Kingdom | Publish a code of practice | 2019\n"
    ));
}

#[test]
fn show_json_holds_the_statement_and_its_passages() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&[
            "show",
            "nested/2019-safe-net-joint-statement#2",
            "-C",
            "1",
            "--format",
            "json",
        ])
        .expect_code(0);
    let document = run.json();
    assert_eq!(document["statement"]["id"], SAFE_NET);
    assert_eq!(document["statement"]["passages"], 10);
    assert_eq!(
        document["statement"]["extra"],
        json!({"campaign": "Safe Net 2019"})
    );
    let passages: Vec<Value> = document["passages"].as_array().unwrap().clone();
    assert_eq!(citations(&passages), cites_of(SAFE_NET, &[1, 2, 3]));
}

#[test]
fn show_statement_prints_every_passage() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["show", OTTAWA]).expect_code(0);
    let cited: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("2018-ottawa-communique#"))
        .collect();
    assert_eq!(cited.len(), 11);
    assert!(cited[0].starts_with("2018-ottawa-communique#1  paragraph · line 27"));
    assert!(cited[10].starts_with("2018-ottawa-communique#11  paragraph · line 57"));
    // Each section heading once, in order.
    let sections: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("§ ")).collect();
    assert_eq!(
        sections,
        [
            "§ Ministerial Meeting, Ottawa > KEY OUTCOMES",
            "§ Ministerial Meeting, Ottawa > Commitments",
            "§ Ministerial Meeting, Ottawa > Commitments > Safety of services",
            "§ Ministerial Meeting, Ottawa > Follow-up",
        ]
    );
    assert!(run.stdout.starts_with(
        "2018-ottawa-communique  Ottawa Communique on Public Safety and Encryption\n\
         \x20 2018-10-14 · communique · Ottawa Ministerial Meeting on Public Safety · 11 passages\n"
    ));
    let jsonl = verbatim
        .run(&["show", OTTAWA, "--format", "jsonl"])
        .expect_code(0);
    assert_eq!(
        citations(&jsonl.records()),
        cites_of(OTTAWA, &(1..=11).collect::<Vec<_>>())
    );
}

#[test]
fn show_year_only_statement_prints_the_year() {
    let verbatim = Verbatim::basic();
    let run = verbatim
        .run(&["show", "2017-tokyo-declaration#1"])
        .expect_code(0);
    assert!(run.stdout.starts_with(
        "2017-tokyo-declaration  Tokyo Declaration on Trustworthy Digital Infrastructure\n\
         \x20 2017 · declaration · Tokyo Ministerial Meeting on Digital Infrastructure · 13 passages\n\
         \x20 signed: Haruto Kiyomizu (Japan); Olivia Brandt-Casey (Canada); European Union\n"
    ));
}

// ---------------------------------------------------------------------------------------------
// docs

#[test]
fn docs_lists_statements_by_date_one_line_each() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim.run(&["docs"]).expect_code(0);
    assert_eq!(
        run.stdout,
        "2017-tokyo-declaration                2017        declaration      Tokyo Declaration on Trustworthy Digital Infrastructure  (3 signatories)\n\
         2018-ottawa-communique                2018-10-14  communique       Ottawa Communique on Public Safety and Encryption  (3 signatories)\n\
         nested/2019-safe-net-joint-statement  2019-05-02  joint statement  Joint Statement on Encryption and Public Safety  (3 signatories)\n\
         2021-open-letter                      2021-03-09  open letter      Open Letter to Technology Companies on Child Safety  (4 signatories)\n\
         2022-trusted-access-declaration       2022-11-17  declaration      Declaration on Trusted Government Access to Personal Data  (7 signatories)\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn docs_jsonl_counts_56_passages_in_5_statements() {
    let verbatim = Verbatim::basic();
    let run = verbatim.run(&["docs", "--format", "jsonl"]).expect_code(0);
    let statements = run.records();
    let ids: Vec<&str> = statements.iter().map(|s| str_field(s, "id")).collect();
    assert_eq!(ids, [TOKYO, OTTAWA, SAFE_NET, LETTER, TRUSTED]);
    let passages: Vec<u64> = statements
        .iter()
        .map(|s| s["passages"].as_u64().unwrap())
        .collect();
    assert_eq!(passages, [13, 11, 10, 12, 10]);
    assert_eq!(passages.iter().sum::<u64>(), 56);
}

#[test]
fn docs_json_reads_front_matter_aliases() {
    let verbatim = Verbatim::basic();
    let statements = verbatim
        .run(&["docs", "--format", "json"])
        .expect_code(0)
        .json();
    assert_eq!(statements["schema"], 1);
    let statements = statements["statements"]
        .as_array()
        .expect("an array of statements");
    let by_id = |id: &str| {
        statements
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no statement {id}"))
            .clone()
    };
    // `year:` alone.
    assert_eq!(by_id(TOKYO)["date"], "2017");
    // Unquoted `date:` and `source_url:`.
    let ottawa = by_id(OTTAWA);
    assert_eq!(ottawa["date"], "2018-10-14");
    assert_eq!(
        ottawa["source"],
        "https://example.org/statements/2018/ottawa-communique"
    );
    assert_eq!(ottawa["path"], "2018-ottawa-communique.markdown");
    // Quoted `published:`.
    let safe_net = by_id(SAFE_NET);
    assert_eq!(safe_net["date"], "2019-05-02");
    assert_eq!(safe_net["path"], "nested/2019-safe-net-joint-statement.md");
    // Unquoted `issued:` and `url:`.
    let letter = by_id(LETTER);
    assert_eq!(letter["date"], "2021-03-09");
    assert_eq!(
        letter["source"],
        "https://example.org/statements/2021/open-letter"
    );
    assert_eq!(letter["path"], "2021-open-letter.txt");
    // Quoted `date:`.
    assert_eq!(by_id(TRUSTED)["date"], "2022-11-17");
}

#[test]
fn docs_json_keeps_an_unknown_front_matter_field_under_extra() {
    let verbatim = Verbatim::basic();
    let statements = verbatim
        .run(&["docs", "--format", "json"])
        .expect_code(0)
        .json();
    for statement in statements["statements"].as_array().unwrap() {
        if statement["id"] == SAFE_NET {
            assert_eq!(statement["extra"], json!({"campaign": "Safe Net 2019"}));
        } else {
            assert!(
                statement
                    .get("extra")
                    .is_none_or(|extra| extra == &json!({})),
                "{}: {}",
                statement["id"],
                statement["extra"]
            );
        }
    }
}

#[test]
fn docs_json_cleans_the_title_of_nbsp_and_word_joiner() {
    let verbatim = Verbatim::basic();
    let statements = verbatim
        .run(&["docs", "--format", "jsonl"])
        .expect_code(0)
        .records();
    let safe_net = statements.iter().find(|s| s["id"] == SAFE_NET).unwrap();
    assert_eq!(
        safe_net["title"],
        "Joint Statement on Encryption and Public Safety"
    );
    // And the plain unquoted YAML title reads whole.
    let ottawa = statements.iter().find(|s| s["id"] == OTTAWA).unwrap();
    assert_eq!(
        ottawa["title"],
        "Ottawa Communique on Public Safety and Encryption"
    );
}

#[test]
fn docs_json_reads_signatories_in_every_yaml_shape() {
    let verbatim = Verbatim::basic();
    let statements = verbatim
        .run(&["docs", "--format", "jsonl"])
        .expect_code(0)
        .records();
    let by_id = |id: &str| statements.iter().find(|s| s["id"] == id).unwrap().clone();
    // Flow-style mappings and a bare organisation.
    assert_eq!(
        by_id(TOKYO)["signatories"],
        json!([
            {"name": "Haruto Kiyomizu", "role": "Minister for Digital Transformation", "country": "Japan"},
            {"name": "Olivia Brandt-Casey", "role": "Minister of Innovation", "country": "Canada"},
            {"name": "European Union"},
        ])
    );
    // Bare strings (countries and an organisation) plus one mapping.
    assert_eq!(
        by_id(TRUSTED)["signatories"],
        json!([
            {"country": "United Kingdom"},
            {"country": "United States"},
            {"country": "Japan"},
            {"country": "France"},
            {"country": "Canada"},
            {"name": "European Union"},
            {"name": "Signe Kvalheim", "role": "Minister of Digital Affairs", "country": "Norway"},
        ])
    );
    // Flow-style topics list.
    assert_eq!(
        by_id(SAFE_NET)["topics"],
        json!(["encryption", "lawful access", "child safety"])
    );
    assert_eq!(by_id(SAFE_NET)["issuer"], "Safe Net Coalition");
    assert_eq!(by_id(SAFE_NET)["type"], "joint statement");
}

#[test]
fn docs_takes_the_search_filters() {
    let verbatim = Verbatim::basic().ingested();
    let run = verbatim
        .run(&["docs", "-s", "Japan", "--year", "2021.."])
        .expect_code(0);
    assert_eq!(
        run.stdout,
        "2021-open-letter                 2021-03-09  open letter  Open Letter to Technology Companies on Child Safety  (4 signatories)\n\
         2022-trusted-access-declaration  2022-11-17  declaration  Declaration on Trusted Government Access to Personal Data  (7 signatories)\n"
    );
    assert_eq!(
        verbatim.doc_ids(&["--type", "declaration", "-s", "Norway"]),
        [TRUSTED]
    );
}

// ---------------------------------------------------------------------------------------------
// What is and is not in the corpus

#[test]
fn hidden_files_and_folders_are_not_indexed() {
    let verbatim = Verbatim::basic().ingested();
    let (run, hits) = verbatim.search("zanzibarqux", &[]);
    assert!(hits.is_empty());
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "0 hits in 0 statements\n");
    assert_eq!(
        verbatim.doc_ids(&[]),
        strings(&[TOKYO, OTTAWA, SAFE_NET, LETTER, TRUSTED])
    );
    // The hidden files hold "lawful access" too; it would show in the count.
    let (run, _) = verbatim.search("\"lawful access\"", &["--all"]);
    assert_eq!(run.stderr, "7 hits in 3 statements\n");
}

#[test]
fn nested_folders_and_markdown_and_txt_extensions_are_read() {
    let verbatim = Verbatim::basic();
    let statements = verbatim
        .run(&["docs", "--format", "jsonl"])
        .expect_code(0)
        .records();
    let paths: Vec<&str> = statements.iter().map(|s| str_field(s, "path")).collect();
    assert_eq!(
        paths,
        [
            "2017-tokyo-declaration.md",
            "2018-ottawa-communique.markdown",
            "nested/2019-safe-net-joint-statement.md",
            "2021-open-letter.txt",
            "2022-trusted-access-declaration.md",
        ]
    );
    for (word, doc) in [
        ("marrowgate", OTTAWA),
        ("thistlewick", SAFE_NET),
        ("brambleton", LETTER),
    ] {
        let (_, hits) = verbatim.search(word, &[]);
        assert_eq!(hits.len(), 1, "{word}");
        assert_eq!(hits[0]["doc"], doc, "{word}");
    }
}
