//! Parsing one JSON Lines record into a document or the reason it is
//! rejected. Only the configured fields are kept, without building a JSON
//! tree; an integer id is kept in full however many digits it has; a line
//! holding only whitespace is not a record.

use crate::document::{Document, Record, Rejected};
use crate::options::ReadOptions;
use copydesk_common::{Location, RejectReason};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Parse one JSONL line; `None` for a blank line.
pub(crate) fn parse_line(
    bytes: &[u8],
    file: &std::sync::Arc<str>,
    line: u64,
    options: &ReadOptions,
) -> Option<Record> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    // Editors on Windows start files with a byte order mark; it is not part of the record.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let location = Location {
        file: file.clone(),
        line,
        row_group: None,
    };
    let reject = |reason| Rejected {
        location: location.clone(),
        reason,
    };
    let line_text = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            return Some(Err(reject(RejectReason::InvalidUtf8 {
                byte: e.valid_up_to(),
            })))
        }
    };
    let mut de = serde_json::Deserializer::from_str(line_text);
    let fields = match (RecordSeed { options }).deserialize(&mut de) {
        Ok(fields) => fields,
        Err(e) => return Some(Err(reject(RejectReason::MalformedJson(e.to_string())))),
    };
    if let Err(e) = de.end() {
        return Some(Err(reject(RejectReason::MalformedJson(e.to_string()))));
    }
    let id = match fields.id {
        Some(FieldValue::Good(id)) => id,
        Some(FieldValue::Number) => match integer_as_written(line_text, &options.id_field) {
            Some(id) => id,
            None => {
                return Some(Err(reject(RejectReason::WrongType {
                    field: options.id_field.clone(),
                    expected: "a string or an integer",
                })))
            }
        },
        Some(FieldValue::Bad) => {
            return Some(Err(reject(RejectReason::WrongType {
                field: options.id_field.clone(),
                expected: "a string or an integer",
            })))
        }
        None => {
            return Some(Err(reject(RejectReason::MissingField(
                options.id_field.clone(),
            ))))
        }
    };
    let text = match fields.text {
        Some(FieldValue::Good(text)) => text,
        Some(FieldValue::Bad | FieldValue::Number) => {
            return Some(Err(reject(RejectReason::WrongType {
                field: options.text_field.clone(),
                expected: "a string",
            })))
        }
        None => {
            return Some(Err(reject(RejectReason::MissingField(
                options.text_field.clone(),
            ))))
        }
    };
    Some(Ok(Document {
        id,
        text,
        date: fields.date,
        location,
        raw: options.keep_raw.then(|| line_text.to_owned()),
        carry: fields.carry,
    }))
}

enum FieldValue {
    Good(String),
    /// A number that is not a 64-bit integer: a float, or an integer too
    /// long for serde_json to hold without `arbitrary_precision`.
    Number,
    Bad,
}

/// The value of `field` in the record `line` when it is a JSON integer, as
/// its decimal text exactly as written.
///
/// Integer ids beyond 64 bits reach the record visitor as floats, their
/// digits lost. Rather than parse every number of every record with
/// arbitrary precision, the rare record whose id came out as a float is
/// parsed again here, keeping the id's raw token.
fn integer_as_written(line: &str, field: &str) -> Option<String> {
    struct RawField<'f>(&'f str);
    impl<'de> Visitor<'de> for RawField<'_> {
        type Value = Option<&'de serde_json::value::RawValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut raw = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 {
                    raw = Some(map.next_value()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(raw)
        }
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let token = de.deserialize_map(RawField(field)).ok()??.get();
    let digits = token.strip_prefix('-').unwrap_or(token);
    // The token parsed as a number, so digits alone make it an integer.
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| token.to_owned())
}

struct Fields {
    id: Option<FieldValue>,
    text: Option<FieldValue>,
    date: Option<String>,
    carry: Vec<(String, serde_json::Value)>,
}

/// Deserializes a record object, keeping only the configured fields, without
/// building a full JSON tree.
struct RecordSeed<'a> {
    options: &'a ReadOptions,
}

enum Key {
    Id,
    Text,
    Date,
    Carry(usize),
    Other,
}

struct KeySeed<'a> {
    options: &'a ReadOptions,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<Key, E> {
        let o = self.options;
        Ok(if key == o.text_field {
            Key::Text
        } else if key == o.id_field {
            Key::Id
        } else if key == o.date_field {
            Key::Date
        } else if let Some(i) = o.carry_fields.iter().position(|f| f == key) {
            Key::Carry(i)
        } else {
            Key::Other
        })
    }
}

/// A string, or for ids an integer; anything else is recorded as the wrong type.
struct StringValue {
    allow_integer: bool,
}

impl<'de> DeserializeSeed<'de> for StringValue {
    type Value = FieldValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<FieldValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringValue {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Good(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Good(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<FieldValue, E> {
        Ok(if self.allow_integer {
            FieldValue::Good(v.to_string())
        } else {
            FieldValue::Bad
        })
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<FieldValue, E> {
        Ok(if self.allow_integer {
            FieldValue::Good(v.to_string())
        } else {
            FieldValue::Bad
        })
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<FieldValue, E> {
        Ok(if self.allow_integer {
            FieldValue::Number
        } else {
            FieldValue::Bad
        })
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Bad)
    }
    fn visit_unit<E>(self) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Bad)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<FieldValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Bad)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<FieldValue, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Bad)
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Fields;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Fields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Fields;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Fields, A::Error> {
        let mut fields = Fields {
            id: None,
            text: None,
            date: None,
            carry: Vec::new(),
        };
        while let Some(key) = map.next_key_seed(KeySeed {
            options: self.options,
        })? {
            match key {
                Key::Id => {
                    fields.id = Some(map.next_value_seed(StringValue {
                        allow_integer: true,
                    })?)
                }
                Key::Text => {
                    fields.text = Some(map.next_value_seed(StringValue {
                        allow_integer: false,
                    })?)
                }
                Key::Date => {
                    fields.date = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(s) => Some(s),
                        serde_json::Value::Null => None,
                        other => Some(other.to_string()),
                    }
                }
                Key::Carry(i) => {
                    let value = map.next_value::<serde_json::Value>()?;
                    fields
                        .carry
                        .push((self.options.carry_fields[i].clone(), value));
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Option<Record> {
        parse_line(
            line.as_bytes(),
            &"t.jsonl".into(),
            7,
            &ReadOptions::default(),
        )
    }

    #[test]
    fn parses_fields_and_ignores_others() {
        let doc =
            parse(r#"{"title": {"x": [1]}, "id": 12, "text": "a \"b\"", "date": "1987-03-02"}"#)
                .unwrap()
                .unwrap();
        assert_eq!(doc.id, "12");
        assert_eq!(doc.text, "a \"b\"");
        assert_eq!(doc.date.as_deref(), Some("1987-03-02"));
        assert_eq!(doc.location.to_string(), "t.jsonl:7");
    }

    #[test]
    fn blank_lines_are_not_records() {
        assert!(parse("   ").is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn bad_records_say_why() {
        let reason = |line: &str| parse(line).unwrap().unwrap_err().reason.code();
        assert_eq!(reason(r#"{"id": "a", "text": "x""#), "malformed_json");
        assert_eq!(
            reason(r#"{"id": "a", "text": "x"} trailing"#),
            "malformed_json"
        );
        assert_eq!(reason(r#"[1, 2]"#), "malformed_json");
        assert_eq!(reason(r#"{"id": "a"}"#), "missing_field");
        assert_eq!(reason(r#"{"text": "x"}"#), "missing_field");
        assert_eq!(reason(r#"{"id": "a", "text": 3}"#), "wrong_type");
        assert_eq!(reason(r#"{"id": "a", "text": null}"#), "wrong_type");
        assert_eq!(reason(r#"{"id": [1], "text": "x"}"#), "wrong_type");
    }

    #[test]
    fn invalid_utf8_is_rejected_with_its_offset() {
        let line = b"{\"id\": \"a\", \"text\": \"caf\xe9\"}";
        let rejected = parse_line(line, &"t.jsonl".into(), 1, &ReadOptions::default())
            .unwrap()
            .unwrap_err();
        assert_eq!(rejected.reason, RejectReason::InvalidUtf8 { byte: 24 });
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_record() {
        let line = "\u{feff}{\"id\": \"a\", \"text\": \"x\"}\r";
        let doc = parse(line).unwrap().unwrap();
        assert_eq!(doc.id, "a");
    }

    #[test]
    fn integer_ids_of_any_size_are_read_as_written() {
        let id = |line: &str| {
            parse(line)
                .unwrap()
                .map(|d| d.id)
                .map_err(|r| r.reason.code())
        };
        for written in [
            "123456789012345678901234567890",
            "-123456789012345678901234567890",
            "18446744073709551616",
            "-9223372036854775809",
            "-5",
            "0",
        ] {
            let line = format!(r#"{{"text": "x", "id" : {written} , "n": 1e400}}"#);
            assert_eq!(id(&line), Ok(written.to_owned()), "{line}");
        }
        // The last of repeated keys counts, as in the first parse.
        assert_eq!(
            id(r#"{"id": 1.5, "text": "x", "id": 123456789012345678901234567890}"#),
            Ok("123456789012345678901234567890".to_owned())
        );
        assert_eq!(
            id(r#"{"a": {"id": 1}, "id": 123456789012345678901234567890, "text": "x"}"#),
            Ok("123456789012345678901234567890".to_owned())
        );
        for float in [
            "1.5",
            "1e3",
            "1E3",
            "-0.5",
            "123456789012345678901234567890.0",
            "12e30",
        ] {
            let line = format!(r#"{{"id": {float}, "text": "x"}}"#);
            assert_eq!(id(&line), Err("wrong_type"), "{line}");
        }
    }

    #[test]
    fn empty_text_is_a_document() {
        let doc = parse(r#"{"id": "a", "text": ""}"#).unwrap().unwrap();
        assert_eq!(doc.text, "");
    }
}
