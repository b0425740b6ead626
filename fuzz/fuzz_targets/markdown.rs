//! Bytes → a Markdown statement (front matter, passages, headings): no panic, passages numbered
//! in order, none empty, none inventing a letter, and none losing one where markup cannot hide it.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| verbatim_fuzz::check_markdown(data));
