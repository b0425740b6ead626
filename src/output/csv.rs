//! CSV: RFC 4180 through the csv crate, with cells a spreadsheet would run as formulas
//! neutralised, as OWASP advises for CSV injection.

use std::io;

/// Writes a header and rows.
pub fn table<R>(
    out: &mut dyn io::Write,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()>
where
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header).map_err(into_io)?;
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|cell| neutralise(cell.as_ref()))
            .collect();
        writer.write_record(&cells).map_err(into_io)?;
    }
    writer.flush()
}

/// A leading apostrophe keeps `=`, `+`, `-`, `@`, tab and carriage return from starting a
/// formula when the file is opened in a spreadsheet.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn into_io(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let mut out = Vec::new();
        table(
            &mut out,
            &["a", "b"],
            [["=SUM(A1)", "say \"hi\", then"], ["-1", "plain"]],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\n'=SUM(A1),\"say \"\"hi\"\", then\"\n'-1,plain\n"
        );
    }
}
