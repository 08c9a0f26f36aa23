//! JSON values appended to a byte buffer by hand, for the few output lines
//! written by the hundred thousand (`pairs.jsonl` with its edits): a generic
//! serializer spends more time walking the structure than formatting it.
//!
//! Output is byte for byte what `serde_json`'s compact writer gives for the
//! same values (tested below), so hand-written and derived lines can sit in
//! one file.

/// What each byte of a string becomes: `0` for itself, otherwise the letter
/// of its short escape (`b`, `t`, `n`, `f`, `r`, `"`, `\`) or `u` for
/// `\u00XX`; as `serde_json` escapes.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Append `value` as a JSON string (quoted, escaped).
pub fn push_str(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Most strings (words of an edit, ids) need no escape: one copy.
    if bytes.iter().all(|&byte| ESCAPE[byte as usize] == 0) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[byte as usize];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..index]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(byte >> 4) as usize]);
            out.push(HEX[(byte & 0xF) as usize]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = index + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Append `value` in decimal.
pub fn push_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Append `value` as `serde_json` writes it (shortest round-trip form,
/// `null` when not finite).
pub fn push_f64(out: &mut Vec<u8>, value: f64) {
    // A Vec never fails to take bytes.
    let _ = serde_json::to_writer(&mut *out, &value);
}

/// Append `null`, or the string.
pub fn push_opt_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(value) => push_str(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn as_text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).expect("JSON output is UTF-8")
    }

    #[test]
    fn every_ascii_byte_is_escaped_as_serde_json_does() {
        let all: String = (0u8..0x80).map(char::from).collect();
        assert_eq!(
            as_text(|out| push_str(out, &all)),
            serde_json::to_string(&all).unwrap()
        );
        assert_eq!(as_text(|out| push_str(out, "")), "\"\"");
        assert_eq!(
            as_text(|out| push_str(out, "say \"hi\"\n\\ café — \u{1F600}")),
            serde_json::to_string("say \"hi\"\n\\ café — \u{1F600}").unwrap()
        );
    }

    #[test]
    fn numbers_as_serde_json_writes_them() {
        for value in [0, 7, 10, 99, 100, 4_294_967_295, 1_234_567] {
            assert_eq!(
                as_text(|out| push_u32(out, value)),
                serde_json::to_string(&value).unwrap()
            );
        }
        for value in [0.0, 1.0, 0.5, 0.9693, 0.0001, 1e-7, 123.456, f64::NAN] {
            assert_eq!(
                as_text(|out| push_f64(out, value)),
                serde_json::to_string(&value).unwrap()
            );
        }
        assert_eq!(as_text(|out| push_opt_str(out, None)), "null");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, rng_seed: proptest::test_runner::RngSeed::Fixed(5), ..ProptestConfig::default() })]

        #[test]
        fn any_string_is_escaped_as_serde_json_does(value in "\\PC*|[\\x00-\\x20\"\\\\a-z]*") {
            prop_assert_eq!(as_text(|out| push_str(out, &value)), serde_json::to_string(&value).unwrap());
        }

        #[test]
        fn any_integer_as_serde_json_writes_it(value: u32) {
            prop_assert_eq!(as_text(|out| push_u32(out, value)), value.to_string());
        }
    }
}
