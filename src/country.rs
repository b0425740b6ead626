//! Country names, aliases and ISO 3166 codes, so "UK", "GB" and "Britain" find "United Kingdom".

use std::str::FromStr;

use crate::index::schema::exact_analyzer;

/// Common names that the ISO tables do not carry, normalised as in [`normalise`].
const ALIASES: [(&str, &str); 14] = [
    ("uk", "GB"),
    ("britain", "GB"),
    ("unitedkingdom", "GB"),
    ("us", "US"),
    ("usa", "US"),
    ("unitedstates", "US"),
    ("america", "US"),
    ("southkorea", "KR"),
    ("korea", "KR"),
    ("northkorea", "KP"),
    ("russia", "RU"),
    ("czechia", "CZ"),
    ("bosniaherzegovina", "BA"),
    ("vietnam", "VN"),
];

/// The ISO 3166-1 alpha-2 code of a country name, alias or code, if it names one.
pub fn alpha2(name: &str) -> Option<&'static str> {
    let key = normalise(name);
    if key.is_empty() {
        return None;
    }
    if let Some((_, code)) = ALIASES.iter().find(|(alias, _)| *alias == key) {
        return Some(code);
    }
    let stripped = key
        .strip_prefix("the")
        .filter(|rest| rest.len() > 3)
        .unwrap_or(&key);
    celes::Country::from_str(stripped)
        .or_else(|_| celes::Country::from_str(&key))
        .ok()
        .filter(|country| !is_numeric_code(&key) || country.code == key)
        .map(|country| country.alpha2)
}

/// Lower-case ASCII letters and digits only: "Côte d'Ivoire" → "cotedivoire".
fn normalise(name: &str) -> String {
    crate::query::analyze(&mut exact_analyzer(), name).concat()
}

fn is_numeric_code(key: &str) -> bool {
    key.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::alpha2;

    #[test]
    fn names_aliases_and_codes_resolve() {
        for (input, code) in [
            ("United Kingdom", "GB"),
            ("UK", "GB"),
            ("gb", "GB"),
            ("GBR", "GB"),
            ("Britain", "GB"),
            ("Great Britain", "GB"),
            ("United States", "US"),
            ("US", "US"),
            ("usa", "US"),
            ("Japan", "JP"),
            ("India", "IN"),
            ("Germany", "DE"),
            ("South Korea", "KR"),
            ("Bosnia-Herzegovina", "BA"),
            ("New Zealand", "NZ"),
            ("Côte d'Ivoire", "CI"),
        ] {
            assert_eq!(alpha2(input), Some(code), "{input}");
        }
    }

    #[test]
    fn people_and_organisations_are_not_countries() {
        for input in [
            "William P. Barr",
            "European Union",
            "Barr",
            "",
            "Attorney General",
        ] {
            assert_eq!(alpha2(input), None, "{input}");
        }
    }
}
