//! spaCy's sentencizer, as datatrove's `split_into_sentences` runs it: only
//! the count of sentences is needed, so no sentence is built.

use super::tokenize;

/// How many sentences datatrove's `split_into_sentences` finds in `text`
/// (spaCy's sentencizer: a sentence ends after `.`, `!`, `?` or a like mark,
/// once a token that is not punctuation follows).
pub fn sentence_count(text: &str) -> usize {
    let mut sentences = 0usize;
    let mut seen_end_mark = false;
    tokenize(text, &mut |token| {
        let is_end_mark = is_sentence_end_mark(token.text);
        if sentences == 0 {
            sentences = 1;
            seen_end_mark = is_end_mark;
        } else if seen_end_mark && !is_end_mark && !is_punctuation_token(token.text) {
            sentences += 1;
            seen_end_mark = false;
        } else if is_end_mark {
            seen_end_mark = true;
        }
    });
    sentences
}

/// The sentencizer's end marks (spaCy's `Sentencizer.default_punct_chars`, the
/// ones news text meets).
fn is_sentence_end_mark(token: &str) -> bool {
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => "!.?։؟۔܀܁܂߹।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅‼‽⁇⁈⁉⸮⸼﹒﹖﹗！．？｡。".contains(c),
        _ => false,
    }
}

/// spaCy's `is_punct`: every character is Unicode punctuation (category P).
fn is_punctuation_token(token: &str) -> bool {
    !token.is_empty() && token.chars().all(is_unicode_punctuation)
}

fn is_unicode_punctuation(c: char) -> bool {
    if c.is_ascii() {
        // ASCII punctuation less the symbols (categories Sc, Sk, Sm).
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c,
        '¡' | '§' | '«' | '¶' | '·' | '»' | '¿' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}'
        | '\u{2045}'..='\u{2051}' | '\u{2053}'..='\u{205E}' | '\u{2E00}'..='\u{2E4F}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
        | '\u{FF01}'..='\u{FF03}' | '\u{FF05}'..='\u{FF0A}' | '\u{FF0C}'..='\u{FF0F}'
        | '\u{FF1A}' | '\u{FF1B}' | '\u{FF1F}' | '\u{FF20}' | '\u{FF3B}'..='\u{FF3D}' | '\u{FF3F}'
        | '\u{FF5B}' | '\u{FF5D}' | '\u{FF5F}'..='\u{FF65}' | '؟' | '،' | '۔' | '؛' | '٪' | '।' | '॥')
        && c != '\u{2044}'
}
