//! JSONL, CSV and TSV datasets: every record is a document made of the fields named by
//! `--fields`; its translation is the same record with `FIELD_en` fields added.
//!
//! Records are streamed: a [`RecordReader`] reads one record at a time from a byte offset
//! (where a killed run stopped), and a [`RecordWriter`] appends translated records, so a
//! dataset of any size is translated in the memory of one chunk. A line that is not a JSON
//! object, or a CSV row whose field count differs from the header's, is returned as
//! [`Item::Malformed`] with its line number, and reading goes on.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The kind of a dataset file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// One JSON object a line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// Comma-separated values with a header row (`.csv`).
    Csv,
    /// Tab-separated values with a header row (`.tsv`).
    Tsv,
}

impl Kind {
    pub(crate) fn of(path: &Path) -> Option<Kind> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(Kind::Jsonl),
            "csv" => Some(Kind::Csv),
            "tsv" => Some(Kind::Tsv),
            _ => None,
        }
    }

    /// Extension of the translated dataset: `NAME.en.jsonl`, `NAME.en.csv`, `NAME.en.tsv`.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Kind::Jsonl => "jsonl",
            Kind::Csv => "csv",
            Kind::Tsv => "tsv",
        }
    }

    fn delimiter(self) -> u8 {
        if self == Kind::Tsv {
            b'\t'
        } else {
            b','
        }
    }
}

/// Which fields are translated and how records are named.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Fields {
    /// Fields (JSONL keys, CSV/TSV columns) to translate, in order.
    pub(crate) fields: Vec<String>,
    /// Field holding the record id; `None`: the record's line number.
    pub(crate) id_field: Option<String>,
    /// Appended to a field's name to name its translation (`text` -> `text_en`).
    pub(crate) suffix: String,
}

impl Fields {
    fn target_name(&self, field: &str) -> String {
        format!("{field}{}", self.suffix)
    }
}

/// One record: its id, the texts of the fields to translate (`None`: absent or not text), and
/// what the writer needs to write it back.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) id: String,
    pub(crate) texts: Vec<Option<String>>,
    raw: Raw,
}

#[derive(Debug)]
enum Raw {
    /// The JSON object's text, trimmed, as read (field order and number formats kept).
    Json(String),
    Row(csv::StringRecord),
}

/// What the reader gives: a record, or a line that could not be read as one.
#[derive(Debug)]
pub(crate) enum Item {
    Record(Record),
    Malformed { line: u64, reason: String },
}

/// Where reading stopped: the byte offset of the next record and its line number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Position {
    pub(crate) offset: u64,
    pub(crate) line: u64,
}

/// Streams the records of a dataset from a [`Position`].
pub(crate) enum RecordReader {
    Jsonl { file: BufReader<File>, pos: Position, fields: Fields, buf: Vec<u8> },
    Csv { reader: csv::Reader<File>, columns: Vec<Option<usize>>, id: Option<usize>, headers: csv::StringRecord },
}

impl RecordReader {
    /// Open `path` and go to `from` (the start of the first record when `None`). For CSV/TSV the
    /// header row is read first; a field of `fields` that is not a column is a usage error.
    pub(crate) fn open(path: &Path, kind: Kind, fields: &Fields, from: Option<Position>) -> Result<RecordReader> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        match kind {
            Kind::Jsonl => {
                let mut file = BufReader::with_capacity(1 << 16, file);
                let pos = from.unwrap_or(Position { offset: 0, line: 1 });
                file.seek(SeekFrom::Start(pos.offset)).map_err(|e| Error::io(path, e))?;
                Ok(RecordReader::Jsonl { file, pos, fields: fields.clone(), buf: Vec::new() })
            }
            Kind::Csv | Kind::Tsv => {
                let mut reader = csv::ReaderBuilder::new().delimiter(kind.delimiter()).flexible(true).from_reader(file);
                let headers = reader.headers().map_err(|e| Error::input(path, format!("cannot read the header row: {e}")))?.clone();
                let column = |name: &str| headers.iter().position(|h| h == name);
                let columns: Vec<Option<usize>> = fields.fields.iter().map(|f| column(f)).collect();
                if let Some(missing) = fields.fields.iter().zip(&columns).find(|(_, c)| c.is_none()).map(|(f, _)| f) {
                    return Err(Error::Usage(format!(
                        "{}: no column {missing:?} (columns: {})",
                        path.display(),
                        headers.iter().collect::<Vec<_>>().join(", ")
                    )));
                }
                let id = match &fields.id_field {
                    Some(name) => Some(column(name).ok_or_else(|| Error::Usage(format!("{}: no id column {name:?}", path.display())))?),
                    None => None,
                };
                if let Some(from) = from {
                    let mut p = csv::Position::new();
                    p.set_byte(from.offset).set_line(from.line);
                    reader.seek(p).map_err(|e| Error::input(path, format!("cannot resume at byte {}: {e}", from.offset)))?;
                }
                Ok(RecordReader::Csv { reader, columns, id, headers })
            }
        }
    }

    /// The header row of a CSV/TSV dataset.
    pub(crate) fn headers(&self) -> Option<&csv::StringRecord> {
        match self {
            RecordReader::Csv { headers, .. } => Some(headers),
            RecordReader::Jsonl { .. } => None,
        }
    }

    /// Where the next record starts.
    pub(crate) fn position(&self) -> Position {
        match self {
            RecordReader::Jsonl { pos, .. } => *pos,
            RecordReader::Csv { reader, .. } => Position { offset: reader.position().byte(), line: reader.position().line() },
        }
    }

    /// The next record or malformed line; `None` at the end. Blank JSONL lines are skipped.
    pub(crate) fn next_item(&mut self) -> io::Result<Option<Item>> {
        match self {
            RecordReader::Jsonl { file, pos, fields, buf } => loop {
                buf.clear();
                let n = file.read_until(b'\n', buf)?;
                if n == 0 {
                    return Ok(None);
                }
                let line = pos.line;
                pos.offset += n as u64;
                pos.line += 1;
                let text = match std::str::from_utf8(buf) {
                    Ok(t) => t.trim_start_matches('\u{feff}').trim(),
                    Err(e) => {
                        return Ok(Some(Item::Malformed { line, reason: format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()) }))
                    }
                };
                if text.is_empty() {
                    continue;
                }
                return Ok(Some(json_record(text, line, fields)));
            },
            RecordReader::Csv { reader, columns, id, headers } => {
                let mut row = csv::StringRecord::new();
                let line = reader.position().line();
                match reader.read_record(&mut row) {
                    Ok(false) => Ok(None),
                    Ok(true) if row.len() != headers.len() => Ok(Some(Item::Malformed {
                        line: row.position().map_or(line, |p| p.line()),
                        reason: format!("{} fields where the header has {}", row.len(), headers.len()),
                    })),
                    Ok(true) => {
                        let line = row.position().map_or(line, |p| p.line());
                        let texts = columns.iter().map(|c| c.and_then(|c| row.get(c)).map(str::to_string)).collect();
                        let id = id.and_then(|c| row.get(c)).map_or_else(|| line.to_string(), str::to_string);
                        Ok(Some(Item::Record(Record { id, texts, raw: Raw::Row(row) })))
                    }
                    Err(e) => match e.kind() {
                        csv::ErrorKind::Io(_) => Err(io::Error::other(e.to_string())),
                        _ => Ok(Some(Item::Malformed { line: e.position().map_or(line, |p| p.line()), reason: csv_reason(&e) })),
                    },
                }
            }
        }
    }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    }
}

fn json_record(text: &str, line: u64, fields: &Fields) -> Item {
    let value: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let what = if text.starts_with('{') { format!("malformed JSON: {e}") } else { "not a JSON object".to_string() };
            return Item::Malformed { line, reason: what };
        }
    };
    let as_text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let texts = fields.fields.iter().map(|f| value.get(f).and_then(|v| v.as_str().map(str::to_string))).collect();
    let id = fields.id_field.as_ref().and_then(|f| value.get(f)).and_then(as_text).unwrap_or_else(|| line.to_string());
    Item::Record(Record { id, texts, raw: Raw::Json(text.to_string()) })
}

/// Appends translated records to the output dataset.
pub(crate) enum RecordWriter<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> RecordWriter<W> {
    /// A writer for `kind`; `header`: the input's header row for a new CSV/TSV file, with the
    /// target columns added (`None` when appending to a file that has it).
    pub(crate) fn new(kind: Kind, out: W, header: Option<(&csv::StringRecord, &Fields)>) -> io::Result<RecordWriter<W>> {
        match kind {
            Kind::Jsonl => Ok(RecordWriter::Jsonl(out)),
            Kind::Csv | Kind::Tsv => {
                let mut w = csv::WriterBuilder::new().delimiter(kind.delimiter()).from_writer(out);
                if let Some((headers, fields)) = header {
                    let mut row: Vec<String> = headers.iter().map(str::to_string).collect();
                    row.extend(fields.fields.iter().map(|f| fields.target_name(f)));
                    w.write_record(&row)?;
                }
                Ok(RecordWriter::Csv(Box::new(w)))
            }
        }
    }

    /// Write `record` with the translations of its fields (`None` for a field that was absent:
    /// no JSON key is added, the CSV cell is empty).
    pub(crate) fn write(&mut self, record: &Record, fields: &Fields, targets: &[Option<String>]) -> io::Result<()> {
        match (self, &record.raw) {
            (RecordWriter::Jsonl(w), Raw::Json(text)) => {
                // The record as read, with the new fields added before its closing brace.
                let body = text.strip_suffix('}').expect("a JSON object ends with }").trim_end();
                w.write_all(body.as_bytes())?;
                let mut first = body.ends_with('{');
                for (f, t) in fields.fields.iter().zip(targets) {
                    if let Some(t) = t {
                        let sep = if first { "" } else { "," };
                        first = false;
                        write!(w, "{sep}{}:{}", serde_json::to_string(&fields.target_name(f))?, serde_json::to_string(t)?)?;
                    }
                }
                w.write_all(b"}\n")
            }
            (RecordWriter::Csv(w), Raw::Row(row)) => {
                let mut out: Vec<&str> = row.iter().collect();
                out.extend(targets.iter().map(|t| t.as_deref().unwrap_or("")));
                w.write_record(&out).map_err(|e| io::Error::other(e.to_string()))
            }
            _ => Err(io::Error::other("record and writer kinds differ")),
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            RecordWriter::Jsonl(w) => w.flush(),
            RecordWriter::Csv(w) => w.flush(),
        }
    }

    /// The output written to (flush first to see everything written).
    pub(crate) fn get_ref(&self) -> &W {
        match self {
            RecordWriter::Jsonl(w) => w,
            RecordWriter::Csv(w) => w.get_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields { fields: vec!["title".into(), "text".into()], id_field: Some("id".into()), suffix: "_en".into() }
    }

    #[test]
    fn jsonl_records_stream_and_resume() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        std::fs::write(&p, "{\"id\":7,\"title\":\"Judul\",\"text\":\"Isi.\"}\n\n{bad\n{\"id\":\"b\",\"text\":\"Dua.\",\"n\":1.50}\n")
            .unwrap();
        let mut r = RecordReader::open(&p, Kind::Jsonl, &fields(), None).unwrap();
        let Some(Item::Record(a)) = r.next_item().unwrap() else { panic!() };
        assert_eq!((a.id.as_str(), &a.texts[..]), ("7", &[Some("Judul".to_string()), Some("Isi.".to_string())][..]));
        let resume = r.position();
        assert!(matches!(r.next_item().unwrap(), Some(Item::Malformed { line: 3, .. })));
        let Some(Item::Record(b)) = r.next_item().unwrap() else { panic!() };
        assert_eq!(b.id.as_str(), "b");
        assert!(r.next_item().unwrap().is_none());
        let mut out = Vec::new();
        let mut w = RecordWriter::new(Kind::Jsonl, &mut out, None).unwrap();
        w.write(&b, &fields(), &[None, Some("Two.".into())]).unwrap();
        drop(w);
        assert_eq!(String::from_utf8(out).unwrap(), "{\"id\":\"b\",\"text\":\"Dua.\",\"n\":1.50,\"text_en\":\"Two.\"}\n");
        let mut r = RecordReader::open(&p, Kind::Jsonl, &fields(), Some(resume)).unwrap();
        assert!(matches!(r.next_item().unwrap(), Some(Item::Malformed { line: 3, .. })));
        assert_eq!(ids_by_line(&p, Kind::Jsonl), ["1", "4"]);
    }

    /// The ids of the records of `path` read without an id field: their line numbers.
    fn ids_by_line(path: &Path, kind: Kind) -> Vec<String> {
        let mut r = RecordReader::open(path, kind, &Fields { id_field: None, ..fields() }, None).unwrap();
        std::iter::from_fn(|| r.next_item().unwrap())
            .filter_map(|i| match i {
                Item::Record(rec) => Some(rec.id),
                Item::Malformed { .. } => None,
            })
            .collect()
    }

    #[test]
    fn added_fields_keep_every_record_valid_json() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        let lines = ["{}", "{ }", "{\"text\":\"a}\",\"o\":{\"x\":[1,{}]}}", "  {\"text\" : \"é\\n\\\"\" }  ", "[1]", "\"s\""];
        std::fs::write(&p, lines.join("\n")).unwrap();
        let f = Fields { fields: vec!["text".into()], id_field: None, suffix: "_en".into() };
        let mut r = RecordReader::open(&p, Kind::Jsonl, &f, None).unwrap();
        let mut out = Vec::new();
        let mut w = RecordWriter::new(Kind::Jsonl, &mut out, None).unwrap();
        let mut malformed = 0;
        while let Some(item) = r.next_item().unwrap() {
            match item {
                Item::Record(rec) => w.write(&rec, &f, &[rec.texts[0].as_ref().map(|_| "EN \"}\"".to_string())]).unwrap(),
                Item::Malformed { .. } => malformed += 1,
            }
        }
        drop(w);
        assert_eq!(malformed, 2, "an array and a string are not records");
        let rows: Vec<serde_json::Value> = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 4);
        assert!(rows[0].as_object().unwrap().is_empty() && rows[1].as_object().unwrap().is_empty());
        assert_eq!(rows[2]["o"]["x"][1], serde_json::json!({}));
        assert_eq!((rows[2]["text_en"].as_str(), rows[3]["text"].as_str()), (Some("EN \"}\""), Some("é\n\"")));
    }

    #[test]
    fn csv_records_keep_columns_and_report_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.csv");
        std::fs::write(&p, "id,title,text\n1,Judul,\"Baris satu.\nBaris dua.\"\n2,kurang\n3,J3,T3\n").unwrap();
        let mut r = RecordReader::open(&p, Kind::Csv, &fields(), None).unwrap();
        let Some(Item::Record(a)) = r.next_item().unwrap() else { panic!() };
        assert_eq!(a.id.as_str(), "1");
        assert_eq!(a.texts[1].as_deref(), Some("Baris satu.\nBaris dua."));
        let resume = r.position();
        assert!(matches!(r.next_item().unwrap(), Some(Item::Malformed { line: 4, .. })));
        let mut r = RecordReader::open(&p, Kind::Csv, &fields(), Some(resume)).unwrap();
        assert!(matches!(r.next_item().unwrap(), Some(Item::Malformed { line: 4, .. })));
        let Some(Item::Record(c)) = r.next_item().unwrap() else { panic!() };
        let mut out = Vec::new();
        let headers = csv::StringRecord::from(vec!["id", "title", "text"]);
        let mut w = RecordWriter::new(Kind::Csv, &mut out, Some((&headers, &fields()))).unwrap();
        w.write(&c, &fields(), &[Some("T, \"3\"".into()), Some("X".into())]).unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(String::from_utf8(out).unwrap(), "id,title,text,title_en,text_en\n3,J3,T3,\"T, \"\"3\"\"\",X\n");
        assert!(RecordReader::open(&p, Kind::Csv, &Fields { fields: vec!["body".into()], ..fields() }, None).is_err());
        assert_eq!(ids_by_line(&p, Kind::Csv), ["2", "5"]);
    }
}
