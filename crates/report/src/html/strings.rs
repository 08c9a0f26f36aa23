//! Text for the page: HTML and script escaping, UTF-8 to UTF-16 offsets, and
//! where a long text is cut.

use copydesk_text as text;
/// Escape text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Make serialized JSON safe inside `<script type="application/json">`: no
/// `<`, `>` or `&` can close the element or open a comment, and U+2028/U+2029
/// (line terminators to older JavaScript parsers) are escaped too. Outside
/// strings JSON has none of these characters, so `\uXXXX` escapes keep the
/// document equal to the one serialized.
pub fn script_safe_json(json: &str) -> String {
    let mut safe = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            _ => safe.push(c),
        }
    }
    safe
}

/// Convert UTF-8 byte offsets into `text` to UTF-16 code-unit offsets (how
/// JavaScript indexes strings). An offset inside a multi-byte character maps
/// to the start of that character; one past the end maps to the end, so bad
/// spans never panic and never split a character.
pub fn utf16_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..byte_offsets.len()).collect();
    order.sort_by_key(|&i| byte_offsets[i]);
    let mut converted = vec![0; byte_offsets.len()];
    let mut chars = text.char_indices().peekable();
    let mut units = 0;
    for i in order {
        let target = byte_offsets[i];
        while let Some(&(start, c)) = chars.peek() {
            if start + c.len_utf8() > target {
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        converted[i] = units;
    }
    converted
}

/// The largest character boundary at or below `max_bytes`, moved back to the
/// last whitespace when one is near, so a cut text ends on a whole word.
pub(super) fn cut_point(text: &str, max_bytes: usize) -> usize {
    if text.len() <= max_bytes {
        return text.len();
    }
    let end = text::floor_char_boundary(text, max_bytes);
    const WORD_SLACK: usize = 80;
    // Both ends of the searched window on character boundaries: 80 bytes
    // back from a boundary is inside a character in most non-Latin text.
    let floor = text::floor_char_boundary(text, end.saturating_sub(WORD_SLACK));
    match text[floor..end].rfind(char::is_whitespace) {
        Some(space) if floor + space > 0 => floor + space,
        _ => end,
    }
}
