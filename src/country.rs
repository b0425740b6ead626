//! Country names, aliases and ISO 3166 codes, so "UK", "GB" and "Britain" find "United Kingdom".

use std::str::FromStr;

use crate::index::schema::exact_analyzer;

/// Common names that the ISO tables do not carry, normalised as in [`normalise`].
const ALIASES: &[(&str, &str)] = &[
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
    ("northmacedonia", "MK"),
    ("turkiye", "TR"),
    ("republicofthecongo", "CG"),
    ("drc", "CD"),
    ("drcongo", "CD"),
    ("bonairesinteustatiusandsaba", "BQ"),
    ("cocoskeelingislands", "CC"),
    ("sainthelenaascensionandtristandacunha", "SH"),
    ("easttimor", "TL"),
    ("slovakrepublic", "SK"),
    ("kyrgyzrepublic", "KG"),
    ("uae", "AE"),
    ("stkittsandnevis", "KN"),
    ("stvincentandthegrenadines", "VC"),
    ("korearepublicof", "KR"),
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

/// The canonical name of a country given by name, alias or code: "UK", "GBR" and "Britain" are
/// all "United Kingdom", so one country is one signatory however statements spell it.
pub fn canonical_name(name: &str) -> Option<&'static str> {
    let code = alpha2(name)?;
    NAMES
        .binary_search_by(|(known, _)| known.cmp(&code))
        .ok()
        .map(|at| NAMES[at].1)
}

/// ISO 3166-1 alpha-2 codes with the English short name verbatim shows, in the common form the
/// UN and CLDR use where the formal one is long ("United Kingdom", "South Korea").
const NAMES: [(&str, &str); 250] = [
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Democratic Republic of the Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Republic of the Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "São Tomé and Príncipe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Holy See"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("XK", "Kosovo"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Whether a name that is not a country reads as an organisation of states, such as the
/// "European Union", the "Council of Europe" or "NATO", rather than a misspelt country.
pub fn looks_like_organisation(name: &str) -> bool {
    const WORDS: [&str; 30] = [
        "union",
        "council",
        "commission",
        "organisation",
        "organization",
        "nations",
        "group",
        "alliance",
        "forum",
        "partnership",
        "agency",
        "ministry",
        "office",
        "department",
        "bank",
        "fund",
        "community",
        "assembly",
        "parliament",
        "secretariat",
        "coalition",
        "initiative",
        "network",
        "association",
        "conference",
        "committee",
        "authority",
        "eu",
        "nato",
        "g7",
    ];
    const ACRONYMS: [&str; 8] = [
        "G20", "OECD", "ASEAN", "APEC", "INTERPOL", "EUROPOL", "UN", "AU",
    ];
    name.split(|c: char| !c.is_alphanumeric())
        .any(|word| WORDS.contains(&word.to_lowercase().as_str()) || ACRONYMS.contains(&word))
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
    fn every_spelling_of_a_country_has_one_canonical_name() {
        for (input, name) in [
            ("UK", "United Kingdom"),
            ("GBR", "United Kingdom"),
            (
                "The United Kingdom of Great Britain and Northern Ireland",
                "United Kingdom",
            ),
            ("usa", "United States"),
            ("Republic of Korea", "South Korea"),
            ("Russian Federation", "Russia"),
            ("Cote d'Ivoire", "Côte d'Ivoire"),
            ("Japan", "Japan"),
            ("Czech Republic", "Czechia"),
        ] {
            assert_eq!(super::canonical_name(input), Some(name), "{input}");
        }
        assert_eq!(super::canonical_name("European Union"), None);
        // Every canonical name reads back as its own country.
        for (code, name) in super::NAMES {
            assert_eq!(super::alpha2(name), Some(code), "{name}");
        }
        assert!(super::NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
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
