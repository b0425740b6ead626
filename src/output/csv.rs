//! CSV and TSV: RFC 4180 through the csv crate, with cells a spreadsheet would run as formulas
//! neutralised, as OWASP advises for CSV injection.

use std::io;

/// How a table is written.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub delimiter: u8,
    /// Leave formula-like cells as they are (`--csv-raw`).
    pub raw: bool,
}

/// A table written row by row, so that exports stream.
pub struct Table<'a> {
    writer: csv::Writer<&'a mut dyn io::Write>,
    raw: bool,
}

impl<'a> Table<'a> {
    pub fn new(out: &'a mut dyn io::Write, sheet: Sheet, header: &[&str]) -> io::Result<Table<'a>> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(sheet.delimiter)
            .from_writer(out);
        writer.write_record(header).map_err(into_io)?;
        Ok(Table {
            writer,
            raw: sheet.raw,
        })
    }

    pub fn row<I>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let raw = self.raw;
        let cells: Vec<String> = cells
            .into_iter()
            .map(|cell| {
                if raw {
                    cell.as_ref().to_string()
                } else {
                    neutralise(cell.as_ref())
                }
            })
            .collect();
        self.writer.write_record(&cells).map_err(into_io)
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Writes a header and rows.
pub fn table<R>(
    out: &mut dyn io::Write,
    sheet: Sheet,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()>
where
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut table = Table::new(out, sheet, header)?;
    for row in rows {
        table.row(row)?;
    }
    table.finish()
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

    const CSV: Sheet = Sheet {
        delimiter: b',',
        raw: false,
    };

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        let mut out = Vec::new();
        table(
            &mut out,
            CSV,
            &["a", "b"],
            [["=SUM(A1)", "say \"hi\", then"], ["-1", "plain"]],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\n'=SUM(A1),\"say \"\"hi\"\", then\"\n'-1,plain\n"
        );
    }

    #[test]
    fn raw_and_tab_separated() {
        let mut out = Vec::new();
        table(
            &mut out,
            Sheet {
                delimiter: b'\t',
                raw: true,
            },
            &["a", "b"],
            [["=1", "x y"]],
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\tb\n=1\tx y\n");
    }
}
