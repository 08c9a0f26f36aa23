//! The quality checker on arbitrary UTF-8 text: every flag's span is in
//! bounds and on character boundaries, its text is the span's (cut to 200
//! bytes at a character boundary), its score is in (0, 1], flags come in
//! order, and the document scores are finite and in [0, 1]. The first byte
//! picks the evidence: none, a reference model, or corpus statistics
//! including the document (leave-one-out).
#![no_main]

use copydesk::quality::{Checker, Evidence, Lexicon, NgramModel, QualityConfig};
use copydesk::text::tokenize;
use copydesk_fuzz::{assert_span, assert_unit, text_of};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct Setup {
    checker: Checker,
    model: NgramModel,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let checker = Checker::new(QualityConfig::default(), &Lexicon::builtin()).unwrap();
        // A small reference model: the shipped fixture articles.
        let mut model = NgramModel::new();
        for corpus in [
            include_str!("../../fixtures/news.jsonl"),
            include_str!("../../fixtures/rewrite/corpus.jsonl"),
        ] {
            for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
                let record: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = record["text"].as_str().unwrap();
                model.add(text, &tokenize(text));
            }
        }
        Setup { checker, model }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let setup = setup();
    let text = text_of(rest);
    let tokens = tokenize(&text);
    let corpus;
    let evidence = match mode % 3 {
        0 => Evidence::None,
        1 => Evidence::Model(&setup.model),
        _ => {
            let mut with_doc = setup.model.clone();
            with_doc.add(&text, &tokens);
            corpus = with_doc;
            Evidence::CorpusLeaveOneOut(&corpus)
        }
    };
    let result = setup.checker.check_with(&text, &tokens, evidence);
    let mut previous_start = 0;
    for flag in &result.flags {
        let what = format!("flag {} {}..{}", flag.rule, flag.start, flag.end);
        assert_span(&text, flag.start, flag.end, &what);
        let mut shown_end = flag.end.min(flag.start + 200);
        while !text.is_char_boundary(shown_end) {
            shown_end -= 1;
        }
        assert_eq!(flag.text, text[flag.start..shown_end], "{what}: text");
        assert!(
            flag.score.is_finite() && flag.score > 0.0 && flag.score <= 1.0,
            "{what}: score {}",
            flag.score
        );
        assert!(flag.start >= previous_start, "{what}: flags out of order");
        previous_start = flag.start;
        assert!(
            !flag.rule.is_empty() && !flag.message.is_empty(),
            "{what}: no rule or message"
        );
    }
    assert_unit(result.scores.quality, "quality score");
    assert_unit(result.scores.spin, "spin score");
    assert_unit(result.scores.incoherence, "incoherence score");
});
