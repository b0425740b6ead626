//! CSV and TSV: RFC 4180 through the csv crate, with cells a spreadsheet would run as formulas
//! neutralised, as OWASP advises for CSV injection.

use std::io;

/// How a table is written.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub delimiter: u8,
    /// Leave formula-like cells as they are (`--csv-raw`).
    pub raw: bool,
    /// The columns to write, in this order (`--fields`); all when `None`.
    pub fields: Option<&'a [String]>,
}

/// A table written row by row, so that exports stream.
pub struct Table<'a> {
    writer: csv::Writer<&'a mut dyn io::Write>,
    raw: bool,
    /// Which of the caller's cells to write, when `--fields` chose some.
    columns: Option<Vec<usize>>,
}

impl<'a> Table<'a> {
    pub fn new(out: &'a mut dyn io::Write, sheet: Sheet, header: &[&str]) -> io::Result<Table<'a>> {
        let columns = match sheet.fields {
            Some(fields) => Some(
                fields
                    .iter()
                    .map(|field| {
                        header
                            .iter()
                            .position(|name| name == field)
                            .ok_or_else(|| unknown_field(field, header))
                    })
                    .collect::<io::Result<Vec<usize>>>()?,
            ),
            None => None,
        };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(sheet.delimiter)
            .from_writer(out);
        match &columns {
            Some(columns) => writer.write_record(columns.iter().map(|&i| header[i])),
            None => writer.write_record(header),
        }
        .map_err(into_io)?;
        Ok(Table {
            writer,
            raw: sheet.raw,
            columns,
        })
    }

    pub fn row<I>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let raw = self.raw;
        let mut cells: Vec<String> = cells
            .into_iter()
            .map(|cell| {
                if raw {
                    cell.as_ref().to_string()
                } else {
                    neutralise(cell.as_ref())
                }
            })
            .collect();
        if let Some(columns) = &self.columns {
            cells = columns
                .iter()
                .map(|&i| std::mem::take(&mut cells[i]))
                .collect();
        }
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

/// The error for a `--fields` name a record does not have.
pub fn unknown_field(field: &str, known: &[&str]) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "--fields: unknown field `{field}` (fields: {})",
            known.join(", ")
        ),
    )
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
    fn fields_choose_and_order_columns() {
        let mut out = Vec::new();
        let fields = vec!["b".to_string(), "a".to_string()];
        let sheet = Sheet {
            delimiter: b',',
            raw: false,
            fields: Some(&fields),
        };
        table(&mut out, sheet, &["a", "b", "c"], [["1", "2", "3"]]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "b,a\n2,1\n");
        let wrong = vec!["d".to_string()];
        let sheet = Sheet {
            delimiter: b',',
            raw: false,
            fields: Some(&wrong),
        };
        let err = table(&mut Vec::new(), sheet, &["a"], [["1"]]).unwrap_err();
        assert_eq!(err.to_string(), "--fields: unknown field `d` (fields: a)");
    }

    const CSV: Sheet = Sheet {
        delimiter: b',',
        raw: false,
        fields: None,
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
                fields: None,
            },
            &["a", "b"],
            [["=1", "x y"]],
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\tb\n=1\tx y\n");
    }
}
