//! Bytes → an HTML statement page: no panic, passages numbered in order, none empty, no letter
//! that is not in a text node of the page, and none lost from a page of plain elements.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| verbatim_fuzz::check_html(data));
