//! A string → `Citation::parse`: no panic, and a parsed citation prints as text that parses
//! back to the same citation.

#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim::corpus::Citation;

fuzz_target!(|text: &str| {
    if let Ok(citation) = Citation::parse(text) {
        assert!(!citation.doc.is_empty());
        assert_ne!(citation.n, Some(0));
        let printed = citation.to_string();
        let again = Citation::parse(&printed)
            .unwrap_or_else(|err| panic!("{citation:?} prints as {printed:?}, which fails: {err}"));
        assert_eq!(again, citation, "{printed:?}");
    }
});
