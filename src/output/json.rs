//! JSON and JSON Lines writers.

use std::io;

use serde::Serialize;

/// Writes one pretty-printed JSON document.
pub fn document<T: Serialize + ?Sized>(out: &mut dyn io::Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Writes one compact JSON record per line, each with the version of its shape, since JSON
/// Lines has no header to carry it.
pub fn lines<T: Serialize>(out: &mut dyn io::Write, records: &[T]) -> io::Result<()> {
    for record in records {
        serde_json::to_writer(
            &mut *out,
            &Versioned {
                schema: crate::search::RECORD_SCHEMA,
                record,
            },
        )?;
        writeln!(out)?;
    }
    Ok(())
}

/// A record with the version of its shape.
#[derive(Serialize)]
pub struct Versioned<'a, T: Serialize> {
    pub schema: u32,
    #[serde(flatten)]
    pub record: &'a T,
}
