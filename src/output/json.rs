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

/// JSON Lines with only the chosen keys, in the order given (`--fields`). A name that no
/// record has is an error rather than a column of nulls.
pub fn lines_with(
    out: &mut dyn io::Write,
    records: &[impl Serialize],
    fields: Option<&[String]>,
) -> io::Result<()> {
    let Some(fields) = fields else {
        return lines(out, records);
    };
    let values = records
        .iter()
        .map(|record| {
            serde_json::to_value(Versioned {
                schema: crate::search::RECORD_SCHEMA,
                record,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for field in fields {
        if !values.is_empty() && !values.iter().any(|value| value.get(field).is_some()) {
            let known: Vec<&str> = values[0]
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(super::csv::unknown_field(field, &known));
        }
    }
    for value in values {
        serde_json::to_writer(&mut *out, &pick(value, fields))?;
        writeln!(out)?;
    }
    Ok(())
}

/// The chosen keys of a JSON object, in the order given; a key the object lacks is null.
pub fn pick(value: serde_json::Value, fields: &[String]) -> serde_json::Value {
    let serde_json::Value::Object(mut map) = value else {
        return value;
    };
    let mut picked = serde_json::Map::new();
    for field in fields {
        picked.insert(
            field.clone(),
            map.remove(field).unwrap_or(serde_json::Value::Null),
        );
    }
    serde_json::Value::Object(picked)
}
