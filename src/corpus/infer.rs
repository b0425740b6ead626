//! Inference of a statement's metadata (title, date, signatories) from its Markdown body.
//!
//! Used when front matter lacks a field. Every rule is conservative: when a line does not
//! clearly match, nothing is inferred rather than a guess.

use crate::corpus::{Signatory, StatementDate};

/// Metadata found in a statement's body, each with the 1-based body line it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inferred {
    pub title: Option<(String, usize)>,
    pub date: Option<(StatementDate, usize)>,
    pub signatories: Vec<(Signatory, usize)>,
}

/// How many non-blank lines at the top, and at the end, are searched for a date line.
const DATE_WINDOW: usize = 15;

/// Headings that are never a statement's title (compared upper-case, without trailing `:`).
const BOILERPLATE: &[&str] = &[
    "FOR IMMEDIATE RELEASE",
    "IMMEDIATE RELEASE",
    "FOR RELEASE",
    "PRESS RELEASE",
    "NEWS RELEASE",
    "MEDIA RELEASE",
    "CONTENTS",
    "TABLE OF CONTENTS",
    "ENDS",
];

/// Heading texts (lower-case) that introduce a list of signatories.
const SIGNATORY_HEADINGS: &[&str] = &["signatories", "signed by", "signed"];

/// Headings (lower-case) that may follow a closing block of signatories.
const TRAILER_HEADINGS: &[&str] = &["references", "notes", "footnotes", "endnotes", "sources"];

/// Honorifics stripped from the front of names, longest first within each family.
const PREFIX_HONORIFICS: &[&str] = &[
    "The Right Honourable",
    "The Right Honorable",
    "Right Honourable",
    "Right Honorable",
    "The Rt. Hon.",
    "The Rt Hon.",
    "The Rt. Hon",
    "The Rt Hon",
    "Rt. Hon.",
    "Rt Hon.",
    "Rt. Hon",
    "Rt Hon",
    "The Honourable",
    "The Honorable",
    "Honourable",
    "Honorable",
    "The Hon.",
    "The Hon",
    "Hon.",
    "Hon",
    "H.E.",
    "HE",
    "Dr.",
    "Dr",
    "Prof.",
    "Prof",
    "Professor",
    "Mr.",
    "Mr",
    "Mrs.",
    "Mrs",
    "Ms.",
    "Ms",
];

/// Post-nominal letters stripped from the end of names.
const SUFFIX_HONORIFICS: &[&str] = &["MP", "M.P.", "MEP", "QC", "KC"];

/// Adjectives of nationality that may open a role, and the country each names.
const DEMONYMS: &[(&str, &str)] = &[
    ("New Zealand", "New Zealand"),
    ("South Korean", "South Korea"),
    ("Australian", "Australia"),
    ("British", "United Kingdom"),
    ("UK", "United Kingdom"),
    ("Canadian", "Canada"),
    ("American", "United States"),
    ("U.S.", "United States"),
    ("US", "United States"),
    ("Japanese", "Japan"),
    ("Indian", "India"),
    ("French", "France"),
    ("German", "Germany"),
    ("Italian", "Italy"),
    ("Spanish", "Spain"),
    ("Dutch", "Netherlands"),
    ("Irish", "Ireland"),
    ("Singaporean", "Singapore"),
    ("Swedish", "Sweden"),
    ("Danish", "Denmark"),
    ("Norwegian", "Norway"),
    ("Finnish", "Finland"),
    ("Estonian", "Estonia"),
    ("Polish", "Poland"),
    ("Israeli", "Israel"),
    ("Brazilian", "Brazil"),
    ("Mexican", "Mexico"),
];

/// Lower-case particles allowed inside personal names ("Ursula von der Leyen").
const NAME_PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "bin",
    "al", "el", "y", "ter",
];

/// Lower-case words allowed inside a Title Case organisation name.
const SMALL_WORDS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "to", "at", "de", "des", "du", "la", "le", "et", "&",
];

/// Words, one of which a role must contain for a closing block without a heading to count.
const ROLE_WORDS: &[&str] = &[
    "minister",
    "secretary",
    "attorney",
    "president",
    "chancellor",
    "commissioner",
    "director",
    "ambassador",
    "chair",
    "head of",
    "chief",
    "officer",
    "governor",
    "senator",
    "representative",
    "envoy",
    "mayor",
    "deputy",
    "premier",
    "member of",
    "executive",
    "counsel",
    "administrator",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// One body line with its 1-based number.
struct Line<'a> {
    number: usize,
    text: &'a str,
    /// Inside a fenced code block (fence lines included): never matches any rule.
    fenced: bool,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn heading(&self) -> Option<String> {
        if self.fenced {
            None
        } else {
            heading_text(self.text)
        }
    }

    fn date(&self) -> Option<StatementDate> {
        if self.fenced {
            None
        } else {
            date_line(self.text)
        }
    }
}

/// `is_country` tells whether a text names a country (e.g. "India", "United States").
pub fn infer(body: &str, is_country: &dyn Fn(&str) -> bool) -> Inferred {
    let lines = split_lines(body);
    Inferred {
        title: infer_title(&lines),
        date: infer_date(&lines),
        signatories: infer_signatories(&lines, is_country),
    }
}

fn split_lines(body: &str) -> Vec<Line<'_>> {
    let mut fence: Option<char> = None;
    let mut lines = Vec::new();
    for (index, text) in body.lines().enumerate() {
        let trimmed = text.trim_start();
        let marker = if trimmed.starts_with("```") {
            Some('`')
        } else if trimmed.starts_with("~~~") {
            Some('~')
        } else {
            None
        };
        let fenced = match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                true
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                true
            }
            (Some(_), _) => true,
            (None, None) => false,
        };
        lines.push(Line {
            number: index + 1,
            text,
            fenced,
        });
    }
    lines
}

// ----- Title -----

fn infer_title(lines: &[Line<'_>]) -> Option<(String, usize)> {
    lines.iter().find_map(|line| {
        let text = line.heading()?;
        if text.is_empty() || is_boilerplate(&text) || is_signatory_heading(&text) {
            return None;
        }
        if date_line(&text).is_some() {
            return None;
        }
        Some((text, line.number))
    })
}

fn is_boilerplate(text: &str) -> bool {
    let upper = text.trim_end_matches([':', '.']).trim().to_uppercase();
    BOILERPLATE.contains(&upper.as_str())
        || upper.starts_with("FOR IMMEDIATE RELEASE")
        || upper.starts_with("EMBARGOED")
}

/// The cleaned text of an ATX heading (`#` to `######`), or `None` if the line is not one.
fn heading_text(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &rest[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    // An optional closing sequence of `#`s, preceded by a space.
    let rest = rest.trim_end();
    let without_closing = rest.trim_end_matches('#');
    let rest = if without_closing.is_empty() || without_closing.ends_with([' ', '\t']) {
        without_closing
    } else {
        rest
    };
    Some(clean(rest))
}

/// Removes `*` and `_` emphasis markers, a trailing hard-break backslash, and collapses
/// whitespace. An `_` is kept when it joins two word characters (`snake_case`).
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut before = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => {}
            '_' => {
                let joins = before.is_some_and(char::is_alphanumeric)
                    && chars.peek().is_some_and(|after| after.is_alphanumeric());
                if joins {
                    out.push('_');
                }
            }
            _ => out.push(c),
        }
        before = Some(c);
    }
    let out = out.trim().trim_end_matches('\\');
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ----- Date -----

/// Bytes a line holding only a date can take, markup and spaces included.
const LONGEST_DATE_LINE: usize = 80;

fn infer_date(lines: &[Line<'_>]) -> Option<(StatementDate, usize)> {
    let non_blank: Vec<&Line<'_>> = lines.iter().filter(|line| !line.is_blank()).collect();
    let found = |line: &&Line<'_>| line.date().map(|date| (date, line.number));
    non_blank
        .iter()
        .take(DATE_WINDOW)
        .find_map(found)
        .or_else(|| {
            let start = non_blank.len().saturating_sub(DATE_WINDOW);
            non_blank.get(start..)?.iter().find_map(found)
        })
}

/// The date on a line that holds only a date (after emphasis markers and a leading weekday
/// are removed), in one of the unambiguous forms "October 11, 2020", "Oct. 11, 2020",
/// "11 October 2020" or "2020-10-11".
fn date_line(line: &str) -> Option<StatementDate> {
    // The longest form with markup ("**Wednesday, September 30, 2020**") is well under this,
    // and every form has a year in digits: most lines are turned down before any copying.
    if line.len() > LONGEST_DATE_LINE || !line.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let text = clean(line);
    let text = strip_weekday(&text);
    parse_iso(text)
        .or_else(|| parse_month_first(text))
        .or_else(|| parse_day_first(text))
        .map(StatementDate::Day)
}

fn strip_weekday(text: &str) -> &str {
    let Some((first, rest)) = text.split_once(' ') else {
        return text;
    };
    let word = first.trim_end_matches(',').to_lowercase();
    if WEEKDAYS.contains(&word.as_str()) {
        rest.trim_start()
    } else {
        text
    }
}

fn parse_iso(text: &str) -> Option<jiff::civil::Date> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    jiff::civil::Date::new(year, month, day).ok()
}

/// "October 11, 2020", "Oct. 11, 2020", "Oct 11, 2020".
fn parse_month_first(text: &str) -> Option<jiff::civil::Date> {
    let words: Vec<&str> = text.split(' ').collect();
    let [month, day, year] = words.as_slice() else {
        return None;
    };
    let month = month_number(month)?;
    let day = day_number(day.strip_suffix(',')?)?;
    let year = year_number(year)?;
    jiff::civil::Date::new(year, month, day).ok()
}

/// "11 October 2020" (also "11 Oct 2020").
fn parse_day_first(text: &str) -> Option<jiff::civil::Date> {
    let words: Vec<&str> = text.split(' ').collect();
    let [day, month, year] = words.as_slice() else {
        return None;
    };
    let day = day_number(day)?;
    let month = month_number(month)?;
    let year = year_number(year)?;
    jiff::civil::Date::new(year, month, day).ok()
}

/// A month's full name, its three-letter abbreviation (optionally with `.`), or "Sept".
fn month_number(word: &str) -> Option<i8> {
    let lower = word.to_lowercase();
    let (stem, dotted) = match lower.strip_suffix('.') {
        Some(stem) => (stem, true),
        None => (lower.as_str(), false),
    };
    let index = MONTHS.iter().position(|month| {
        (!dotted && *month == stem)
            || (stem.len() == 3 && month.starts_with(stem))
            || (stem == "sept" && *month == "september")
    })?;
    i8::try_from(index + 1).ok()
}

fn day_number(word: &str) -> Option<i8> {
    if word.is_empty() || word.len() > 2 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

fn year_number(word: &str) -> Option<i16> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

// ----- Signatories -----

fn infer_signatories(
    lines: &[Line<'_>],
    is_country: &dyn Fn(&str) -> bool,
) -> Vec<(Signatory, usize)> {
    let heading = lines.iter().position(|line| {
        line.heading()
            .is_some_and(|text| is_signatory_heading(&text))
    });
    match heading {
        Some(index) => signatories_under_heading(lines.get(index + 1..).unwrap_or(&[]), is_country),
        None => closing_block(lines, is_country),
    }
}

fn is_signatory_heading(text: &str) -> bool {
    let lower = text.trim_end_matches(':').trim().to_lowercase();
    SIGNATORY_HEADINGS.contains(&lower.as_str())
}

fn is_reference(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('[') else {
        return false;
    };
    let rest = rest.strip_prefix('^').unwrap_or(rest);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && rest[digits..].starts_with(']')
}

fn signatories_under_heading(
    lines: &[Line<'_>],
    is_country: &dyn Fn(&str) -> bool,
) -> Vec<(Signatory, usize)> {
    let mut found = Vec::new();
    for line in lines {
        if line.is_blank() {
            continue;
        }
        if line.fenced
            || line.heading().is_some()
            || line.date().is_some()
            || is_reference(line.text)
        {
            break;
        }
        if line.text.contains('|') {
            // A table of signatories: a row with a country cell is one; a header or separator
            // row before the first is skipped.
            match table_row_signatory(line.text, is_country) {
                Some(signatory) => found.push((signatory, line.number)),
                None if found.is_empty() => continue,
                None => break,
            }
            continue;
        }
        let Some(signatory) = signatory_line(line.text, is_country, false) else {
            break;
        };
        found.push((signatory, line.number));
    }
    found
}

/// "United Kingdom | Home Secretary": the country cell is the country, the others the role.
fn table_row_signatory(line: &str, is_country: &dyn Fn(&str) -> bool) -> Option<Signatory> {
    let cells: Vec<String> = line
        .split('|')
        .map(clean)
        .filter(|cell| !cell.is_empty())
        .collect();
    let at = cells.iter().position(|cell| is_country(cell))?;
    let role: Vec<&str> = cells
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, cell)| cell.as_str())
        .collect();
    Some(Signatory {
        name: None,
        role: Some(role.join(", ")).filter(|role| !role.is_empty()),
        country: Some(cells[at].clone()),
    })
}

/// A block of at least two "Name, Role" lines (possibly with country-only lines) at the end
/// of a body without a signatories heading; only references, dates, a references heading or
/// thematic breaks may follow it.
fn closing_block(lines: &[Line<'_>], is_country: &dyn Fn(&str) -> bool) -> Vec<(Signatory, usize)> {
    let mut rest = lines
        .iter()
        .rev()
        .filter(|line| !line.is_blank())
        .peekable();
    while let Some(line) = rest.peek() {
        let trailer = !line.fenced
            && (is_reference(line.text)
                || line.date().is_some()
                || is_thematic_break(line.text)
                || line.heading().is_some_and(|text| {
                    TRAILER_HEADINGS.contains(&text.trim_end_matches(':').to_lowercase().as_str())
                }));
        if !trailer {
            break;
        }
        rest.next();
    }
    let mut found = Vec::new();
    for line in rest {
        if line.fenced || line.heading().is_some() {
            break;
        }
        match signatory_line(line.text, is_country, true) {
            Some(signatory) => found.push((signatory, line.number)),
            None => break,
        }
    }
    found.reverse();
    let people = found
        .iter()
        .filter(|(signatory, _)| signatory.name.is_some())
        .count();
    if people >= 2 { found } else { Vec::new() }
}

fn is_thematic_break(text: &str) -> bool {
    let mut marks = text.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next() else {
        return false;
    };
    let rest: Vec<char> = marks.collect();
    matches!(first, '-' | '*' | '_') && rest.len() >= 2 && rest.iter().all(|c| *c == first)
}

/// A signatory written on one line, "Name, Role" or "Name, Role of Country", as a metadata
/// file or a bare front-matter entry gives it.
pub fn signatory_text(text: &str, is_country: &dyn Fn(&str) -> bool) -> Option<Signatory> {
    signatory_line(text, is_country, false)
}

/// Parses one signatory line. `strict` (used without a signatories heading) accepts only
/// "Name, Role" lines whose role contains a word like "Minister", and country-only lines.
fn signatory_line(
    line: &str,
    is_country: &dyn Fn(&str) -> bool,
    strict: bool,
) -> Option<Signatory> {
    let trimmed = line.trim_start();
    let unbulleted = ["- ", "+ ", "• "]
        .iter()
        .find_map(|marker| trimmed.strip_prefix(marker))
        .unwrap_or(trimmed);
    let text = clean(unbulleted);
    if text.is_empty() || text.len() > 300 {
        return None;
    }
    match text.split_once(',') {
        Some((name, role)) => person_line(name, role, is_country, strict),
        None if is_country(&text) => Some(Signatory {
            country: Some(text),
            ..Signatory::default()
        }),
        None if !strict && is_organisation(&text) => Some(Signatory {
            name: Some(text),
            ..Signatory::default()
        }),
        None => None,
    }
}

fn person_line(
    name: &str,
    role: &str,
    is_country: &dyn Fn(&str) -> bool,
    strict: bool,
) -> Option<Signatory> {
    let name = strip_honorifics(name.trim());
    let role = role.trim();
    let min_words = if strict { 2 } else { 1 };
    if !is_person_name(name, min_words) || !is_role(role) {
        return None;
    }
    if strict {
        let lower = role.to_lowercase();
        if !ROLE_WORDS.iter().any(|word| lower.contains(word)) {
            return None;
        }
    }
    let (role, country) = split_role(role, is_country);
    Some(Signatory {
        name: Some(name.to_string()),
        role,
        country,
    })
}

/// Strips leading honorifics ("Rt Hon", "Dr.", "H.E.", …) and trailing post-nominals ("MP").
fn strip_honorifics(name: &str) -> &str {
    let mut name = name.trim();
    loop {
        let stripped = PREFIX_HONORIFICS.iter().find_map(|honorific| {
            let rest = name.strip_prefix(honorific)?;
            let rest_trimmed = rest.trim_start();
            (rest.len() > rest_trimmed.len() && !rest_trimmed.is_empty()).then_some(rest_trimmed)
        });
        match stripped {
            Some(rest) => name = rest,
            None => break,
        }
    }
    loop {
        let stripped = SUFFIX_HONORIFICS.iter().find_map(|honorific| {
            let rest = name.strip_suffix(honorific)?;
            let rest_trimmed = rest.trim_end();
            (rest.len() > rest_trimmed.len() && !rest_trimmed.is_empty()).then_some(rest_trimmed)
        });
        match stripped {
            Some(rest) => name = rest,
            None => break,
        }
    }
    name
}

fn is_person_name(name: &str, min_words: usize) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < min_words || words.len() > 6 {
        return false;
    }
    let last = words.len() - 1;
    words.iter().enumerate().all(|(i, word)| {
        let letters_only = word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'));
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let particle = i != 0 && i != last && NAME_PARTICLES.contains(word);
        letters_only && (capitalised || particle)
    })
}

fn is_role(role: &str) -> bool {
    role.chars().next().is_some_and(char::is_uppercase)
        && role.split_whitespace().count() <= 30
        && !role.ends_with(['.', ';', ':', '?', '!'])
}

fn is_organisation(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || text.ends_with(['.', ';', ':', '?', '!']) {
        return false;
    }
    words.iter().enumerate().all(|(i, word)| {
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        capitalised || (i != 0 && SMALL_WORDS.contains(word))
    })
}

/// Splits a country out of a role: a trailing ", Country", a trailing "of (the) Country", a
/// leading country name, or a leading demonym ("Australian Minister for …").
fn split_role(role: &str, is_country: &dyn Fn(&str) -> bool) -> (Option<String>, Option<String>) {
    let some_role = |text: &str| Some(text.trim().to_string()).filter(|text| !text.is_empty());
    if is_country(role) {
        return (None, Some(role.to_string()));
    }
    if let Some((before, last)) = role.rsplit_once(',')
        && let Some(country) = country_name(last.trim(), is_country)
    {
        return (some_role(before), Some(country));
    }
    if let Some((before, after)) = role.rsplit_once(" of ")
        && let Some(country) = country_name(after.trim(), is_country)
    {
        return (some_role(before), Some(country));
    }
    let words: Vec<&str> = role.split_whitespace().collect();
    for count in (1..words.len().min(5)).rev() {
        let candidate = words.get(..count).unwrap_or(&[]).join(" ");
        let country = country_name(&candidate, is_country).or_else(|| {
            DEMONYMS
                .iter()
                .find(|(demonym, _)| *demonym == candidate)
                .map(|(_, country)| country.to_string())
        });
        if let Some(country) = country {
            let rest = words.get(count..).unwrap_or(&[]).join(" ");
            if rest.chars().next().is_some_and(char::is_uppercase) {
                return (some_role(&rest), Some(country));
            }
        }
    }
    (Some(role.to_string()), None)
}

/// The country a text names, without a leading "the", if `is_country` accepts it.
fn country_name(text: &str, is_country: &dyn Fn(&str) -> bool) -> Option<String> {
    let bare = text
        .strip_prefix("the ")
        .or_else(|| text.strip_prefix("The "))
        .unwrap_or(text);
    if bare.is_empty() {
        None
    } else if is_country(bare) {
        Some(bare.to_string())
    } else if is_country(text) {
        Some(text.to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTRIES: &[&str] = &[
        "India",
        "Japan",
        "Australia",
        "United Kingdom",
        "United States",
        "New Zealand",
        "Canada",
        "France",
        "Germany",
    ];

    fn is_country(text: &str) -> bool {
        COUNTRIES.contains(&text)
    }

    fn run(body: &str) -> Inferred {
        infer(body, &is_country)
    }

    fn day(y: i16, m: i8, d: i8) -> StatementDate {
        StatementDate::Day(jiff::civil::Date::new(y, m, d).unwrap())
    }

    fn person(name: &str, role: Option<&str>, country: Option<&str>) -> Signatory {
        Signatory {
            name: Some(name.to_string()),
            role: role.map(str::to_string),
            country: country.map(str::to_string),
        }
    }

    fn country(name: &str) -> Signatory {
        Signatory {
            country: Some(name.to_string()),
            ..Signatory::default()
        }
    }

    /// The seed statement's first ten lines and its SIGNATORIES section, verbatim.
    const SEED: &str = "\n\nFOR IMMEDIATE RELEASE  \nSunday, October 11, 2020\n\n## International Statement: End-To-End Encryption and Public Safety\n\nWe, the undersigned, support strong encryption, which plays a crucial role in protecting personal data, privacy, intellectual property, trade secrets and cyber security. It also serves a vital purpose in repressive states to protect journalists, human rights defenders and other vulnerable people, as stated in the 2017 resolution of the UN Human Rights Council<sup>[1]</sup>. Encryption is an existential anchor of trust in the digital world and we do not support counter-productive and dangerous approaches that would materially weaken or limit security systems.\n\nParticular implementations of encryption technology, however, pose significant challenges to public safety, including to highly vulnerable members of our societies like sexually exploited children. We urge industry to address our serious concerns where encryption is applied in a way that wholly precludes any legal access to content. We call on technology companies to work with governments to take the following steps, focused on reasonable, technically feasible solutions:\n\n## **SIGNATORIES**\n\nRt Hon Priti Patel MP, United Kingdom Secretary of State for the Home Department\n\nWilliam P. Barr, Attorney General of the United States\n\nThe Hon Peter Dutton MP, Australian Minister for Home Affairs\n\nHon Andrew Little MP, Minister of Justice, Minister Responsible for the GCSB, Minister Responsible for the NZSIS\n\nThe Honourable Bill Blair, Minister of Public Safety and Emergency Preparedness\n\nIndia\n\nJapan\n\n**11 October 2020**\n\n[1] <https://documents-dds-ny.un.org/doc/UNDOC/LTD/G17/073/06/PDF/G1707306.pdf?OpenElement>\n";

    #[test]
    fn seed_excerpt() {
        let inferred = run(SEED);
        assert_eq!(
            inferred.title,
            Some((
                "International Statement: End-To-End Encryption and Public Safety".to_string(),
                6
            ))
        );
        assert_eq!(inferred.date, Some((day(2020, 10, 11), 4)));
        assert_eq!(
            inferred.signatories,
            vec![
                (
                    person(
                        "Priti Patel",
                        Some("Secretary of State for the Home Department"),
                        Some("United Kingdom")
                    ),
                    14
                ),
                (
                    person(
                        "William P. Barr",
                        Some("Attorney General"),
                        Some("United States")
                    ),
                    16
                ),
                (
                    person(
                        "Peter Dutton",
                        Some("Minister for Home Affairs"),
                        Some("Australia")
                    ),
                    18
                ),
                (
                    person(
                        "Andrew Little",
                        Some(
                            "Minister of Justice, Minister Responsible for the GCSB, Minister Responsible for the NZSIS"
                        ),
                        None
                    ),
                    20
                ),
                (
                    person(
                        "Bill Blair",
                        Some("Minister of Public Safety and Emergency Preparedness"),
                        None
                    ),
                    22
                ),
                (country("India"), 24),
                (country("Japan"), 26),
            ]
        );
    }

    #[test]
    fn the_shipped_seed_body_gives_its_metadata() {
        // The shipped statement's body is the seed unchanged, so this reads the whole seed.
        let source =
            include_str!("../../corpus/2020-10-11-international-statement-e2ee-public-safety.md");
        let inferred = run(crate::corpus::split_front_matter(source).body);
        assert_eq!(
            inferred.title.map(|(title, _)| title).as_deref(),
            Some("International Statement: End-To-End Encryption and Public Safety")
        );
        assert_eq!(inferred.date, Some((day(2020, 10, 11), 4)));
        assert_eq!(inferred.signatories.len(), 7);
        assert_eq!(inferred.signatories[0].1, 41);
        assert_eq!(inferred.signatories[6], (country("Japan"), 53));
    }

    #[test]
    fn date_forms() {
        let cases = [
            "October 11, 2020",
            "Oct. 11, 2020",
            "Oct 11, 2020",
            "11 October 2020",
            "2020-10-11",
            "Sunday, October 11, 2020",
            "**11 October 2020**",
            "October 11, 2020  ",
            "OCTOBER 11, 2020",
        ];
        for case in cases {
            let body = format!("# Title\n\n{case}\n\nText.\n");
            assert_eq!(run(&body).date, Some((day(2020, 10, 11), 3)), "{case:?}");
        }
        assert_eq!(
            run("Sept. 3, 2021\n").date,
            Some((day(2021, 9, 3), 1)),
            "Sept."
        );
    }

    #[test]
    fn non_dates_ignored() {
        for case in [
            "11/10/2020",
            "10/11/2020",
            "February 30, 2020",
            "2021-02-29",
            "On October 11, 2020 we met.",
            "October 11 2020",
            "Octo 11, 2020",
            "2020",
        ] {
            let body = format!("# Title\n\n{case}\n");
            assert_eq!(run(&body).date, None, "{case:?}");
        }
    }

    #[test]
    fn ambiguous_date_skipped_for_a_later_one() {
        let body = "# Title\n\n11/10/2020\n\n2020-10-12\n";
        assert_eq!(run(body).date, Some((day(2020, 10, 12), 5)));
    }

    #[test]
    fn date_near_end_when_none_at_top() {
        let mut body = String::from("# Title\n");
        for i in 0..30 {
            body.push_str(&format!("\nParagraph {i}.\n"));
        }
        body.push_str("\n2 March 2021\n");
        let inferred = run(&body);
        assert_eq!(inferred.date, Some((day(2021, 3, 2), 63)));
    }

    #[test]
    fn date_in_the_middle_ignored() {
        let mut body = String::from("# Title\n");
        for i in 0..20 {
            body.push_str(&format!("\nParagraph {i}.\n"));
        }
        body.push_str("\n2 March 2021\n");
        for i in 0..20 {
            body.push_str(&format!("\nParagraph {i}.\n"));
        }
        assert_eq!(run(&body).date, None);
    }

    #[test]
    fn no_heading_no_title() {
        let body = "Joint Statement on Encryption\n\nWe the undersigned agree.\n";
        assert_eq!(run(body).title, None);
    }

    #[test]
    fn boilerplate_heading_skipped() {
        let body = "# FOR IMMEDIATE RELEASE\n\n## *Joint Statement* on __Encryption__ ##\n";
        assert_eq!(
            run(body).title,
            Some(("Joint Statement on Encryption".to_string(), 3))
        );
        assert_eq!(run("# For Immediate Release:\n").title, None);
    }

    #[test]
    fn heading_shapes() {
        assert_eq!(heading_text("#Title"), None);
        assert_eq!(heading_text("####### Seven"), None);
        assert_eq!(heading_text("    # Code"), None);
        assert_eq!(
            heading_text("### snake_case **x**"),
            Some("snake_case x".into())
        );
        assert_eq!(heading_text("# C# #"), Some("C#".into()));
        let fenced = "```\n# not a heading\n```\n\n# Real\n";
        assert_eq!(run(fenced).title, Some(("Real".to_string(), 5)));
    }

    #[test]
    fn prose_is_not_signatories() {
        let body = "# Title\n\nWe call on companies to act.\n\nHowever, we believe this is wrong.\n\nIn short, we disagree with them.\n\nThank you, Minister.\n";
        assert_eq!(run(body).signatories, vec![]);
        let body = "# Title\n\nParis, France\n\nLondon, England\n";
        assert_eq!(run(body).signatories, vec![]);
    }

    #[test]
    fn prose_under_heading_ends_block() {
        let body = "# Title\n\n## Signed by\n\nJane Doe, Minister for Digital Affairs\n\nWe thank everyone who contributed to this statement.\n\nJohn Roe, Minister for Justice\n";
        assert_eq!(
            run(body).signatories,
            vec![(
                person("Jane Doe", Some("Minister for Digital Affairs"), None),
                5
            )]
        );
    }

    #[test]
    fn single_closing_line_is_not_enough() {
        let body = "# Title\n\nText.\n\nJane Doe, Minister for Digital Affairs\n";
        assert_eq!(run(body).signatories, vec![]);
    }

    #[test]
    fn closing_block_without_heading() {
        let body = "# Title\n\nText.\n\nDr. Jane Doe, Minister for Digital Affairs, Canada\n\nH.E. John Roe, Prime Minister of Japan\n\nIndia\n\n11 October 2020\n\n[1] A reference.\n";
        assert_eq!(
            run(body).signatories,
            vec![
                (
                    person(
                        "Jane Doe",
                        Some("Minister for Digital Affairs"),
                        Some("Canada")
                    ),
                    5
                ),
                (person("John Roe", Some("Prime Minister"), Some("Japan")), 7),
                (country("India"), 9),
            ]
        );
    }

    #[test]
    fn organisation_lines_under_heading() {
        let body = "## Signatories:\n\n- European Union\n- Internet Society\n- Canada\n";
        assert_eq!(
            run(body).signatories,
            vec![
                (person("European Union", None, None), 3),
                (person("Internet Society", None, None), 4),
                (country("Canada"), 5),
            ]
        );
        assert_eq!(run(body).title, None);
    }

    #[test]
    fn honorifics_stripped() {
        let cases = [
            ("Rt Hon Priti Patel MP", "Priti Patel"),
            ("The Rt Hon Priti Patel MP", "Priti Patel"),
            ("The Rt. Hon. Priti Patel", "Priti Patel"),
            ("The Hon Peter Dutton MP", "Peter Dutton"),
            ("The Hon. Peter Dutton", "Peter Dutton"),
            ("Hon Andrew Little MP", "Andrew Little"),
            ("Hon. Andrew Little", "Andrew Little"),
            ("The Honourable Bill Blair", "Bill Blair"),
            ("Dr Jane Doe", "Jane Doe"),
            ("Dr. Jane Doe", "Jane Doe"),
            ("H.E. Dr. Jane Doe", "Jane Doe"),
            ("Honor Blackman", "Honor Blackman"),
            ("Drew Hon", "Drew Hon"),
            ("Ann MPeters", "Ann MPeters"),
            ("Hon", "Hon"),
            ("William P. Barr", "William P. Barr"),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_honorifics(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_table_of_signatories_gives_one_per_country_row() {
        let body = "# Statement\n\nText.\n\n## Signatories\n\n| Country | Minister |\n|---|---|\n| United Kingdom | Home Secretary |\n| Australia | |\n";
        let found = infer(body, &|text| crate::country::alpha2(text).is_some());
        let countries: Vec<(Option<&str>, Option<&str>)> = found
            .signatories
            .iter()
            .map(|(s, _)| (s.country.as_deref(), s.role.as_deref()))
            .collect();
        assert_eq!(
            countries,
            [
                (Some("United Kingdom"), Some("Home Secretary")),
                (Some("Australia"), None)
            ]
        );
    }

    #[test]
    fn demonym_and_country_roles() {
        let cases: [(&str, Option<&str>, Option<&str>); 10] = [
            (
                "Australian Minister for Home Affairs",
                Some("Minister for Home Affairs"),
                Some("Australia"),
            ),
            (
                "British Home Secretary",
                Some("Home Secretary"),
                Some("United Kingdom"),
            ),
            (
                "Canadian Minister of Public Safety",
                Some("Minister of Public Safety"),
                Some("Canada"),
            ),
            (
                "American Ambassador",
                Some("Ambassador"),
                Some("United States"),
            ),
            (
                "Japanese Minister of Justice",
                Some("Minister of Justice"),
                Some("Japan"),
            ),
            (
                "Indian Minister of Electronics",
                Some("Minister of Electronics"),
                Some("India"),
            ),
            (
                "French Minister of the Interior",
                Some("Minister of the Interior"),
                Some("France"),
            ),
            (
                "German Federal Minister of the Interior",
                Some("Federal Minister of the Interior"),
                Some("Germany"),
            ),
            (
                "New Zealand Minister of Justice",
                Some("Minister of Justice"),
                Some("New Zealand"),
            ),
            ("Minister of Justice", Some("Minister of Justice"), None),
        ];
        for (role, expected_role, expected_country) in cases {
            let (got_role, got_country) = split_role(role, &is_country);
            assert_eq!(got_role.as_deref(), expected_role, "{role:?}");
            assert_eq!(got_country.as_deref(), expected_country, "{role:?}");
        }
        assert_eq!(
            split_role("Attorney General of the United States", &is_country),
            (
                Some("Attorney General".into()),
                Some("United States".into())
            )
        );
        assert_eq!(
            split_role(
                "United Kingdom Secretary of State for the Home Department",
                &is_country
            ),
            (
                Some("Secretary of State for the Home Department".into()),
                Some("United Kingdom".into())
            )
        );
        assert_eq!(
            split_role("India", &is_country),
            (None, Some("India".into()))
        );
        assert_eq!(
            split_role("Indiana Jones Professor", &is_country),
            (Some("Indiana Jones Professor".into()), None)
        );
    }

    #[test]
    fn line_numbers_with_crlf() {
        let body = "# Title\r\n\r\n2020-10-11\r\n";
        let inferred = run(body);
        assert_eq!(inferred.title, Some(("Title".to_string(), 1)));
        assert_eq!(inferred.date, Some((day(2020, 10, 11), 3)));
    }

    #[test]
    fn thematic_breaks() {
        assert!(is_thematic_break("---"));
        assert!(is_thematic_break("* * *"));
        assert!(!is_thematic_break("--"));
        assert!(!is_thematic_break("-*-"));
        let body = "# Title\n\nJane Doe, Minister for Digital Affairs\n\nJohn Roe, Secretary of State for Justice\n\n---\n\n[1] Note.\n";
        assert_eq!(run(body).signatories.len(), 2);
    }

    #[test]
    fn empty_body() {
        assert_eq!(run(""), Inferred::default());
    }
}
