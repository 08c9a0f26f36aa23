//! Thresholds of the training-data heuristics, with datatrove's published
//! defaults and copydesk's defaults for wire copy.

/// Thresholds of the training-data heuristics; `None` turns a rule off.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeuristicsConfig {
    /// Gopher: fewest words (`gopher_short_doc`).
    pub min_doc_words: Option<usize>,
    /// Gopher: most words (`gopher_long_doc`).
    pub max_doc_words: Option<usize>,
    /// Gopher: shortest mean word length (`gopher_below_avg_threshold`).
    pub min_avg_word_length: Option<f64>,
    /// Gopher: longest mean word length (`gopher_above_avg_threshold`).
    pub max_avg_word_length: Option<f64>,
    /// Gopher: most `#` or ellipses per word (`gopher_too_many_hashes`, `gopher_too_many_ellipsis`).
    pub max_symbol_word_ratio: Option<f64>,
    /// Gopher: most lines starting with a bullet (`gopher_too_many_bullets`).
    pub max_bullet_lines_ratio: Option<f64>,
    /// Gopher: most lines ending with an ellipsis (`gopher_too_many_end_ellipsis`).
    pub max_ellipsis_lines_ratio: Option<f64>,
    /// Gopher: least share of words with a letter (`gopher_below_alpha_threshold`).
    pub max_non_alpha_words_ratio: Option<f64>,
    /// Gopher: fewest stop words (`gopher_enough_stop_words`).
    pub min_stop_words: Option<usize>,
    /// Gopher's stop words.
    pub stop_words: Vec<String>,
    /// Gopher repetition: duplicate line share (`dup_line_frac`).
    pub dup_line_frac: Option<f64>,
    /// Gopher repetition: duplicate paragraph share (`dup_para_frac`).
    pub dup_para_frac: Option<f64>,
    /// Gopher repetition: characters in duplicate lines (`dup_line_char_frac`).
    pub dup_line_char_frac: Option<f64>,
    /// Gopher repetition: characters in duplicate paragraphs (`dup_para_char_frac`).
    pub dup_para_char_frac: Option<f64>,
    /// Gopher repetition: (n, max share of characters in the most frequent n-gram) (`top_{n}_gram`).
    pub top_n_grams: Vec<(usize, f64)>,
    /// Gopher repetition: (n, max share of characters in repeated n-grams) (`duplicated_{n}_n_grams`).
    pub dup_n_grams: Vec<(usize, f64)>,
    /// C4: fewest sentences in kept lines (`too_few_sentences`).
    pub c4_min_num_sentences: Option<usize>,
    /// C4: a line needs this many words to be kept when counting sentences.
    pub c4_min_words_per_line: usize,
    /// C4: "lorem ipsum" anywhere (`lorem_ipsum`).
    pub c4_filter_lorem_ipsum: bool,
    /// C4: a curly bracket anywhere (`curly_bracket`).
    pub c4_filter_curly_bracket: bool,
    /// C4: lines mentioning javascript (`line-filter-javascript`).
    pub c4_filter_javascript: bool,
    /// C4: lines with cookie or terms-of-use wording (`line-filter-policy`).
    pub c4_filter_policy: bool,
    /// FineWeb: least share of lines ending in punctuation (`line_punct_ratio`).
    pub line_punct_thr: Option<f64>,
    /// FineWeb: do not fail documents where no line ends in punctuation.
    pub line_punct_exclude_zero: bool,
    /// FineWeb: most share of short lines (`short_line_ratio`).
    pub short_line_thr: Option<f64>,
    /// FineWeb: a line of at most this many characters is short.
    pub short_line_length: usize,
    /// FineWeb: most share of characters in duplicated lines (`char_dup_ratio`).
    pub char_duplicates_ratio: Option<f64>,
    /// FineWeb: most newlines per word (`list_ratio`).
    pub new_line_ratio: Option<f64>,
    /// Decide document for document as datatrove's filters do (its words,
    /// line splitting and comparisons; one reason per filter) rather than
    /// with copydesk's words and every failing rule.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub decide_as_datatrove: bool,
}

impl HeuristicsConfig {
    /// The published defaults, as in datatrove.
    pub fn datatrove() -> HeuristicsConfig {
        HeuristicsConfig {
            min_doc_words: Some(50),
            max_doc_words: Some(100_000),
            min_avg_word_length: Some(3.0),
            max_avg_word_length: Some(10.0),
            max_symbol_word_ratio: Some(0.1),
            max_bullet_lines_ratio: Some(0.9),
            max_ellipsis_lines_ratio: Some(0.3),
            max_non_alpha_words_ratio: Some(0.8),
            min_stop_words: Some(2),
            stop_words: ["the", "be", "to", "of", "and", "that", "have", "with"]
                .map(String::from)
                .to_vec(),
            dup_line_frac: Some(0.3),
            dup_para_frac: Some(0.3),
            dup_line_char_frac: Some(0.2),
            dup_para_char_frac: Some(0.2),
            top_n_grams: vec![(2, 0.2), (3, 0.18), (4, 0.16)],
            dup_n_grams: vec![
                (5, 0.15),
                (6, 0.14),
                (7, 0.13),
                (8, 0.12),
                (9, 0.11),
                (10, 0.10),
            ],
            c4_min_num_sentences: Some(5),
            c4_min_words_per_line: 3,
            c4_filter_lorem_ipsum: true,
            c4_filter_curly_bracket: true,
            c4_filter_javascript: true,
            c4_filter_policy: true,
            line_punct_thr: Some(0.12),
            line_punct_exclude_zero: false,
            short_line_thr: Some(0.67),
            short_line_length: 30,
            char_duplicates_ratio: Some(0.01),
            new_line_ratio: Some(0.3),
            decide_as_datatrove: true,
        }
    }

    /// Defaults tuned on wire copy (see docs/quality.md for the measurements):
    /// news briefs are short and earnings tables are lists of figures, which
    /// the web-text defaults would flag on every other wire story.
    pub fn news() -> HeuristicsConfig {
        HeuristicsConfig {
            // Results briefs ("Shr 10 cts vs 5 cts / Net ...") run 20-50 words.
            min_doc_words: Some(20),
            // Tables of figures: short tokens and many numbers.
            min_avg_word_length: Some(2.4),
            max_non_alpha_words_ratio: Some(0.4),
            // Tables and one-line briefs have no stop words, no sentence
            // ending a line, and mostly short lines: all normal on a wire.
            min_stop_words: None,
            c4_min_num_sentences: None,
            line_punct_thr: None,
            short_line_thr: None,
            decide_as_datatrove: false,
            ..HeuristicsConfig::datatrove()
        }
    }
}
