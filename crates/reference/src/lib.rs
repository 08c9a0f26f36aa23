//! Shipped reference resources: English word frequencies, WordNet synonym
//! sets (single words and multi-word expressions), antonyms, and hand-written
//! lists of value words, opposites and irregular inflections.
//!
//! They let a single document, or a single mined swap, be judged with no
//! corpus and no network. The derived file `data/reference/english.tsv.gz` is
//! built by `scripts/build_resources.py` (WordNet licence and CC BY-SA 4.0
//! data, see `data/reference/ATTRIBUTION.md`) and embedded; it is parsed once,
//! on first use. [`Reference::load`] reads another file of the same format in
//! its place; the hand-written lists (`opposites.tsv`, `irregular.tsv`) are
//! always the built-in ones.

use copydesk_common::{Error, Result};
use copydesk_text::{normalize, HashKeyed, HashKeyedSet};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

/// Which word of a two-word collocation a candidate stands for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum CollocationSide {
    First,
    Second,
}

/// Words whose walked synonyms one thread keeps (about a news vocabulary).
const WALK_CACHE_ENTRIES: usize = 1 << 16;

type WalkKey = (u64, CollocationSide, u64);

/// One side's walked candidates: (hash, form) in the order of the walk.
type Walked = Rc<[(u64, Rc<str>)]>;

thread_local! {
    static WALK_CACHE: RefCell<HashMap<WalkKey, (Box<str>, Walked)>> =
        RefCell::new(HashMap::new());
}

const ENGLISH: &[u8] = include_bytes!("../../../data/reference/english.tsv.gz");
const OPPOSITES: &str = include_str!("../../../data/reference/opposites.tsv");
const IRREGULAR: &str = include_str!("../../../data/reference/irregular.tsv");

/// Word frequencies, synonym sets, antonyms and value words.
#[derive(Default)]
pub struct Reference {
    /// Zipf frequency × 10 by word hash.
    zipf: HashKeyed<u8>,
    /// Lemma texts; a lemma's id is its index.
    lemmas: Vec<Box<str>>,
    /// Lemma id by hash of its text.
    lemma_ids: HashKeyed<u32>,
    /// Synsets of each lemma: `lemma_synsets[lemma_starts[id]..lemma_starts[id + 1]]`.
    lemma_starts: Vec<u32>,
    lemma_synsets: Vec<u32>,
    /// Lemmas of each synset, the same way.
    synset_starts: Vec<u32>,
    synset_lemmas: Vec<u32>,
    /// Near-synonym links between synsets, both directions.
    links: HashKeyed<Vec<u32>>,
    /// Antonym and opposite pairs of lemmas, by [`pair_key`] of their hashes.
    opposites: HashKeyedSet,
    /// Value groups of a lemma, as a bit set over the groups of `opposites.tsv`.
    values: HashKeyed<u32>,
    /// Lemmas of irregular forms by form hash.
    irregular: HashKeyed<Vec<Box<str>>>,
    /// Irregular forms of a lemma by lemma hash.
    irregular_forms: HashKeyed<Vec<Box<str>>>,
    /// Ten times log10 of the count of a frequent two-word sequence (the
    /// `b` records), by [`sequence_key`] of its words' hashes.
    sequences: HashKeyed<u8>,
    /// The words of the sequences counted [`COLLOCATION_MIN_LOG10`] or more.
    frequent_sequences: Vec<(Box<str>, Box<str>)>,
    /// Number of multi-word lemmas (for [`Reference::stats`]).
    expressions: usize,
    /// Words that could be a spinner's rewrite of a two-word expression,
    /// built on first use by [`Reference::tortured_original`].
    rewrites: OnceLock<RewriteIndex>,
}

/// Hashes of the rarer words that are a synonym of the first or of the
/// second word of a common two-word expression: a document pair
/// outside these sets cannot be a rewritten expression, which spares the
/// synonym walk for nearly every pair of words.
#[derive(Default)]
struct RewriteIndex {
    /// Unique to this index in the process: the key of its walks in
    /// [`WALK_CACHE`], which outlive any one reference.
    id: u64,
    first: HashKeyedSet,
    second: HashKeyedSet,
    /// The same for collocations listed in the `b` records, the original
    /// words included (a spinner may swap one word of two: "core bank").
    collocation_first: HashKeyedSet,
    collocation_second: HashKeyedSet,
    /// First and second words of those collocations as they are written.
    /// Only expression words get in ([`Reference::collocations`]), so a
    /// word found here needs no [`Reference::expression_word`] test, which
    /// costs a lemma lookup and allocations.
    collocation_first_words: HashKeyedSet,
    collocation_second_words: HashKeyedSet,
    /// By lemma id, [`Reach`] bits: which forms of the lemma's synonyms can
    /// be a word of those sets, so that the collocation rule's synonym walk
    /// passes over the lemmas whose synonyms cannot.
    collocation_first_reach: Vec<u8>,
    collocation_second_reach: Vec<u8>,
    /// The six sets above as [`InSet`] bits by word hash: every pair of
    /// words of a document is tested, and one lookup a word costs less
    /// than up to three a word in sets too large for the cache.
    membership: HashKeyed<u8>,
}

/// Bits of [`RewriteIndex::membership`].
struct InSet;

impl InSet {
    const FIRST: u8 = 1;
    const SECOND: u8 = 2;
    const COLLOCATION_FIRST: u8 = 4;
    const COLLOCATION_SECOND: u8 = 8;
    const COLLOCATION_FIRST_WORD: u8 = 16;
    const COLLOCATION_SECOND_WORD: u8 = 32;
}

/// Bits of [`RewriteIndex::collocation_first_reach`]: how the synonym walk
/// of [`Reference::for_each_surface_synonym`] writes a synonym (as it is,
/// with a regular ending, or in an irregular form).
struct Reach;

impl Reach {
    const PLAIN: u8 = 1;
    /// "s" and "es" are spelled alike by [`with_ending_into`].
    const S: u8 = 2;
    const ED: u8 = 4;
    const ING: u8 = 8;
    const IRREGULAR: u8 = 16;

    fn of(ending: Option<&str>) -> u8 {
        match ending {
            None => Reach::PLAIN,
            Some("ed") => Reach::ED,
            Some("ing") => Reach::ING,
            Some(_) => Reach::S,
        }
    }
}

/// Least count (as ten times its log10) of a listed word sequence that the
/// tortured-phrase rule takes for a fixed collocation when both its words
/// were swapped (20 million in the Google Books counts).
const COLLOCATION_MIN_LOG10: u8 = 73;

/// The same when only one word was swapped: the kept word, beside the
/// spinner's, is itself evidence, so the original must be a stronger
/// collocation (60 million: "central bank", "interest rates").
const COLLOCATION_ONE_SWAP_MIN_LOG10: u8 = 78;

/// [`REWRITE_MAX_SPUN_ZIPF`] for the words of a listed collocation: the
/// collocation's count, not the word's rarity alone, carries the evidence
/// ("commerce" for "trade").
const COLLOCATION_MAX_SPUN_ZIPF: f32 = 4.6;

/// Most Zipf frequency of the one swapped word when the other was kept:
/// "modest amount" and "acquire control" are plain wording of their own,
/// a kept word beside a common synonym is weak evidence of a swap.
const COLLOCATION_ONE_SWAP_MAX_SPUN_ZIPF: f32 = 3.9;

/// Least Zipf frequency of each word of an expression the derived
/// tortured-phrase rule looks for: it wants fixed expressions of everyday
/// words ("artificial intelligence", "stock market"), not a botanist's.
const EXPRESSION_MIN_ZIPF: f32 = 3.0;

/// Most Zipf frequency of each word of such an expression: particles and
/// light verbs ("hold up", "take back") have senses enough to reach from
/// anywhere.
const EXPRESSION_MAX_ZIPF: f32 = 6.0;

/// Second words of phrasal verbs ("break loose", "check off"): a verb and
/// an adverb of news prose reach one through some sense far too often.
const PARTICLES: &[&str] = &[
    "about", "along", "apart", "around", "aside", "away", "back", "by", "down", "forth", "in",
    "loose", "off", "on", "out", "over", "through", "together", "up",
];

/// How much more frequent (in Zipf units, log10) a replaced word must be than
/// the document's word, and the whole expression's words than the run's:
/// spinners pick rarer synonyms ("counterfeit" for "artificial": 3.2 against
/// 4.4).
const REWRITE_MIN_WORD_GAIN: f32 = 0.5;
const REWRITE_MIN_GAIN: f32 = 1.2;

/// Most Zipf frequency of a word the rule takes for a spinner's pick: an
/// everyday word ("larger", "pay") has senses enough to reach some
/// expression through a rare one.
const REWRITE_MAX_SPUN_ZIPF: f32 = 4.0;

impl std::fmt::Debug for Reference {
    // The tables run to hundreds of thousands of entries: a configuration
    // printed for debugging shows their sizes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Reference").field(&self.stats()).finish()
    }
}

/// Sizes of a loaded reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceStats {
    /// Words with a frequency.
    pub words: usize,
    /// Distinct lemmas (single words and expressions).
    pub lemmas: usize,
    /// Lemmas of two words or more.
    pub expressions: usize,
    /// Synonym sets.
    pub synsets: usize,
    /// Opposite pairs (WordNet antonyms and the hand list).
    pub opposites: usize,
    /// Frequent two-word sequences with a count.
    pub word_pairs: usize,
}

/// An ordered key for two word hashes (`first` then `second`).
fn sequence_key(first: u64, second: u64) -> u64 {
    first.wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(31) ^ second
}

/// Simple inflections of a lemma (plural, past, participle), for matching
/// surface word sequences: the lemma itself first, then its forms, each
/// handed to `form` from one buffer (the reference index visits millions).
fn for_each_inflection(lemma: &str, buffer: &mut String, mut form: impl FnMut(&str)) {
    form(lemma);
    let mut with = |stem: &str, ending: &str| {
        buffer.clear();
        buffer.push_str(stem);
        buffer.push_str(ending);
        form(buffer);
    };
    if let Some(stem) = lemma.strip_suffix('y') {
        with(stem, "ies");
        with(stem, "ied");
    }
    if let Some(stem) = lemma.strip_suffix('e') {
        with(lemma, "s");
        with(lemma, "d");
        with(stem, "ing");
    } else {
        with(lemma, "s");
        with(lemma, "es");
        with(lemma, "ed");
        with(lemma, "ing");
    }
}

/// `synonym` in the inflection `word` has over `lemma` ("charges" for
/// "rates", "rate", "charge"), by copying its ending; the synonym itself
/// when `word` is the lemma or the ending cannot be told.
/// What a mined swap is, judged against the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstitutionKind {
    /// The reference lists the two sides as synonyms (or near-synonyms).
    Synonym,
    /// A common name swapped for a formal one ("russia" → "russian federation").
    FormalName,
    /// Not judged: the reference does not know one of the sides.
    Unknown,
    /// Within a small edit distance (OCR noise, typos), kept only with
    /// `all_substitutions`.
    Typo,
    /// The same word in another form ("rise" → "rose"), kept only with `all_substitutions`.
    Inflection,
    /// A number, date or other value word changed, kept only with `all_substitutions`.
    Value,
    /// Opposites ("rose" → "fell"), kept only with `all_substitutions`.
    Opposite,
    /// Both words known and not related as synonyms, kept only with `all_substitutions`.
    Unrelated,
    /// Words dropped or added beside unchanged ones ("get the" → "get"), kept
    /// only with `all_substitutions`.
    Deletion,
}

impl SubstitutionKind {
    /// The kinds a spinner makes, kept in `substitutions.jsonl` by default and
    /// used by `check --substitutions`.
    pub fn is_spin(self) -> bool {
        matches!(
            self,
            SubstitutionKind::Synonym | SubstitutionKind::FormalName | SubstitutionKind::Unknown
        )
    }

    /// The name written in `substitutions.jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubstitutionKind::Synonym => "synonym",
            SubstitutionKind::FormalName => "formal_name",
            SubstitutionKind::Unknown => "unknown",
            SubstitutionKind::Typo => "typo",
            SubstitutionKind::Inflection => "inflection",
            SubstitutionKind::Value => "value",
            SubstitutionKind::Opposite => "opposite",
            SubstitutionKind::Unrelated => "unrelated",
            SubstitutionKind::Deletion => "deletion",
        }
    }

    /// Parse a name written by [`SubstitutionKind::as_str`].
    pub fn parse(name: &str) -> Option<SubstitutionKind> {
        use SubstitutionKind::*;
        [
            Synonym, FormalName, Unknown, Typo, Inflection, Value, Opposite, Unrelated, Deletion,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

#[cfg(test)]
fn inflect_like(word: &str, lemma: &str, synonym: &str) -> String {
    match ending_of(word, lemma) {
        Some(ending) => {
            let mut out = String::new();
            with_ending_into(synonym, ending, &mut out);
            out
        }
        None => synonym.to_owned(),
    }
}

/// Which regular ending turned `lemma` into `word` ("cities" from "city"
/// and "towns" from "town" both carry "s"); `None` when `word` is the lemma
/// or the ending cannot be told. It depends on the word and the lemma only,
/// so a synonym walk asks once per lemma, not once per synonym.
fn ending_of(word: &str, lemma: &str) -> Option<&'static str> {
    if word == lemma {
        return None;
    }
    let y_stem = lemma.strip_suffix('y');
    let ending = if y_stem.is_some() && word.strip_suffix("ies") == y_stem {
        "s"
    } else if y_stem.is_some() && word.strip_suffix("ied") == y_stem {
        "ed"
    } else if lemma
        .strip_suffix('e')
        .is_some_and(|stem| word.strip_suffix("ing") == Some(stem))
    {
        "ing"
    } else if lemma.ends_with('e') && word.strip_suffix('d') == Some(lemma) {
        "ed"
    } else {
        match word.strip_prefix(lemma) {
            Some("s") => "s",
            Some("es") => "es",
            Some("ed") => "ed",
            Some("ing") => "ing",
            _ => return None,
        }
    };
    Some(ending)
}

/// `word` with a regular ending ("s", "es", "ed", "ing") spelled the way
/// English spells it after the word's last letters, written into `out`
/// (cleared first): the synonym walks build thousands of forms per
/// document, and one buffer spares an allocation for each.
fn with_ending_into(word: &str, ending: &str, out: &mut String) {
    out.clear();
    let bytes = word.as_bytes();
    let consonant_y = bytes.len() >= 2
        && bytes[bytes.len() - 1] == b'y'
        && !b"aeiou".contains(&bytes[bytes.len() - 2]);
    let ends_in_e = word.ends_with('e');
    let (stem, tail) = match ending {
        "s" | "es" if consonant_y => (&word[..word.len() - 1], "ies"),
        "s" | "es"
            if ["s", "x", "z", "ch", "sh"]
                .iter()
                .any(|tail| word.ends_with(tail)) =>
        {
            (word, "es")
        }
        "s" | "es" => (word, "s"),
        "ed" if consonant_y => (&word[..word.len() - 1], "ied"),
        "ed" if ends_in_e => (word, "d"),
        "ing" if ends_in_e && !word.ends_with("ee") => (&word[..word.len() - 1], "ing"),
        _ => (word, ending),
    };
    out.push_str(stem);
    out.push_str(tail);
}

/// An order-free key for two hashes.
fn pair_key(a: u64, b: u64) -> u64 {
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    low.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29) ^ high
}

fn hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

fn data_error(path: &Path, line: u64, message: impl Into<String>) -> Error {
    Error::DataFile {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Regular inflection endings and what replaces them, WordNet's "morphy"
/// rules for nouns, verbs and adjectives (a candidate counts only if it is a
/// lemma).
const ENDINGS: &[(&str, &str)] = &[
    ("s", ""),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ies", "y"),
    ("es", "e"),
    ("es", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("est", ""),
    ("er", "e"),
    ("est", "e"),
    ("ied", "y"),
    ("ier", "y"),
    ("iest", "y"),
];

impl Reference {
    /// The built-in reference, parsed on first use and shared.
    pub fn builtin() -> &'static Reference {
        static BUILTIN: OnceLock<Reference> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded file is part of the build and tested to parse.
            Reference::from_bytes(ENGLISH, Path::new("builtin:data/reference/english.tsv.gz"))
                .expect("the built-in reference parses")
        })
    }

    /// Read a reference file in the format of `data/reference/english.tsv.gz`
    /// (gzip-compressed or plain), in place of the built-in one.
    pub fn load(path: &Path) -> Result<Reference> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Reference::from_bytes(&bytes, path)
    }

    /// [`Reference::load`] on bytes already read; `path` names them in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Reference> {
        let text = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut text = String::new();
            flate2::read::GzDecoder::new(bytes)
                .read_to_string(&mut text)
                .map_err(|e| data_error(path, 0, format!("cannot decompress: {e}")))?;
            text
        } else {
            String::from_utf8(bytes.to_vec())
                .map_err(|e| data_error(path, 0, format!("not UTF-8: {e}")))?
        };
        let mut reference = Reference::default();
        reference.parse(&text, path)?;
        reference.add_hand_lists();
        Ok(reference)
    }

    fn lemma_id(&mut self, text: &str) -> u32 {
        // Keyed as copydesk's tokenizer gives the words ("twenty-five
        // percent" is read "twenty five percent").
        let tokenized;
        let text = if text.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
            text
        } else {
            tokenized = copydesk_text::tokenize(text)
                .words()
                .collect::<Vec<_>>()
                .join(" ");
            if tokenized.is_empty() {
                text
            } else {
                &tokenized
            }
        };
        let key = hash(text);
        if let Some(&id) = self.lemma_ids.get(&key) {
            return id;
        }
        let id = self.lemmas.len() as u32;
        self.lemmas.push(text.into());
        self.lemma_ids.insert(key, id);
        if text.contains(' ') {
            self.expressions += 1;
        }
        id
    }

    fn parse(&mut self, text: &str, path: &Path) -> Result<()> {
        let mut memberships: Vec<(u32, u32)> = Vec::new();
        self.synset_starts.push(0);
        let mut antonyms: Vec<(String, String)> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index as u64 + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let kind = fields.next().unwrap_or_default();
            let mut field = |what: &str| {
                fields
                    .next()
                    .ok_or_else(|| data_error(path, number, format!("missing {what}")))
            };
            match kind {
                "z" => {
                    let word = field("word")?;
                    let value = field("frequency")?;
                    let zipf: u8 = value.parse().map_err(|_| {
                        data_error(path, number, format!("bad frequency {value:?}"))
                    })?;
                    self.zipf.insert(hash(&normalize(word)), zipf);
                }
                "s" => {
                    let synset = (self.synset_starts.len() - 1) as u32;
                    for lemma in field("lemmas")?.split('|') {
                        let lemma = normalize(lemma.trim());
                        if lemma.is_empty() {
                            continue;
                        }
                        let id = self.lemma_id(&lemma);
                        self.synset_lemmas.push(id);
                        memberships.push((id, synset));
                    }
                    self.synset_starts.push(self.synset_lemmas.len() as u32);
                }
                "l" => {
                    let mut synset = || -> Result<u32> {
                        let value = field("synset")?;
                        value
                            .parse()
                            .map_err(|_| data_error(path, number, format!("bad synset {value:?}")))
                    };
                    let (a, b) = (synset()?, synset()?);
                    self.links.entry(u64::from(a)).or_default().push(b);
                    self.links.entry(u64::from(b)).or_default().push(a);
                }
                "a" => {
                    let a = normalize(field("lemma")?);
                    let b = normalize(field("lemma")?);
                    antonyms.push((a, b));
                }
                "b" => {
                    let first = normalize(field("word")?);
                    let second = normalize(field("word")?);
                    let value = field("count")?;
                    let log10: u8 = value
                        .parse()
                        .map_err(|_| data_error(path, number, format!("bad count {value:?}")))?;
                    self.sequences
                        .insert(sequence_key(hash(&first), hash(&second)), log10);
                    if log10 >= COLLOCATION_MIN_LOG10 {
                        self.frequent_sequences.push((first.into(), second.into()));
                    }
                }
                other => {
                    return Err(data_error(
                        path,
                        number,
                        format!("unknown record kind {other:?}"),
                    ))
                }
            }
        }
        let synsets = self.synset_starts.len() as u32 - 1;
        if let Some((&a, _)) = self
            .links
            .iter()
            .find(|(&a, b)| a >= u64::from(synsets) || b.iter().any(|&b| b >= synsets))
        {
            return Err(data_error(
                path,
                0,
                format!("link to a missing synset near {a}"),
            ));
        }
        memberships.sort_unstable();
        self.lemma_starts = Vec::with_capacity(self.lemmas.len() + 1);
        let mut at = 0;
        for id in 0..self.lemmas.len() as u32 {
            self.lemma_starts.push(at as u32);
            while at < memberships.len() && memberships[at].0 == id {
                self.lemma_synsets.push(memberships[at].1);
                at += 1;
            }
        }
        self.lemma_starts.push(at as u32);
        for (a, b) in antonyms {
            self.opposites.insert(pair_key(hash(&a), hash(&b)));
        }
        Ok(())
    }

    fn add_hand_lists(&mut self) {
        let mut group = 0;
        for line in OPPOSITES.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["value", _, words] => {
                    for word in words.split_whitespace() {
                        *self.values.entry(hash(word)).or_default() |= 1 << group;
                    }
                    group += 1;
                }
                ["opposite", a, b] => {
                    self.opposites.insert(pair_key(hash(a), hash(b)));
                }
                _ => {}
            }
        }
        for line in IRREGULAR.lines() {
            if let Some((lemma, forms)) = line.split_once('\t') {
                if lemma.starts_with('#') {
                    continue;
                }
                for form in forms.split_whitespace() {
                    self.irregular
                        .entry(hash(form))
                        .or_default()
                        .push(lemma.into());
                    self.irregular_forms
                        .entry(hash(lemma))
                        .or_default()
                        .push(form.into());
                }
            }
        }
    }

    /// Sizes of what was loaded.
    pub fn stats(&self) -> ReferenceStats {
        ReferenceStats {
            words: self.zipf.len(),
            lemmas: self.lemmas.len(),
            expressions: self.expressions,
            synsets: self.synset_starts.len().saturating_sub(1),
            opposites: self.opposites.len(),
            word_pairs: self.sequences.len(),
        }
    }

    /// Ten times log10 of how often the reference's texts write the word
    /// with hash `first` followed by the word with hash `second`, when that
    /// is listed (frequent pairs only: a pair not listed is rarer than every
    /// listed one).
    pub fn sequence_count_log10(&self, first: u64, second: u64) -> Option<u8> {
        self.sequences.get(&sequence_key(first, second)).copied()
    }

    /// Zipf frequency (log10 of occurrences per billion words) of a
    /// normalized word, `None` when it is not among the listed words.
    pub fn zipf(&self, word: &str) -> Option<f32> {
        self.zipf_of_hash(hash(word))
    }

    /// [`Reference::zipf`] for the word with this xxh3 hash (a token's hash).
    pub fn zipf_of_hash(&self, word_hash: u64) -> Option<f32> {
        self.zipf.get(&word_hash).map(|&z| f32::from(z) / 10.0)
    }

    /// Lemma ids of a normalized word or expression: the text itself when it
    /// is a lemma, its irregular lemmas, and what the regular endings give
    /// (on the last word of an expression, and on the first, which is where
    /// a phrasal verb inflects: "went up" → "go up").
    fn lemmas_of(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let text = text.strip_suffix("'s").unwrap_or(text);
        let text = text.strip_suffix('\'').unwrap_or(text);
        match text.split_once(' ') {
            None => self.word_lemmas(text, &mut out),
            Some((first, rest)) => {
                if let Some(&id) = self.lemma_ids.get(&hash(text)) {
                    out.push(id);
                }
                let mut heads = Vec::new();
                self.word_stems(first, &mut heads);
                for head in heads {
                    self.push_lemma(&format!("{head} {rest}"), &mut out);
                }
                let (start, last) = text.rsplit_once(' ').unwrap_or(("", text));
                let mut tails = Vec::new();
                self.word_stems(last, &mut tails);
                for tail in tails {
                    self.push_lemma(&format!("{start} {tail}"), &mut out);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn push_lemma(&self, text: &str, out: &mut Vec<u32>) {
        if let Some(&id) = self.lemma_ids.get(&hash(text)) {
            out.push(id);
        }
    }

    fn word_lemmas(&self, word: &str, out: &mut Vec<u32>) {
        let mut texts = Vec::new();
        self.word_lemma_texts(word, &mut texts);
        for text in texts {
            self.push_lemma(&text, out);
        }
    }

    /// Every stem the irregular list and the regular endings give for a word
    /// of an expression, unchecked: "publicas" is no lemma, "res publica" is.
    fn word_stems(&self, word: &str, out: &mut Vec<String>) {
        out.push(word.to_owned());
        if let Some(lemmas) = self.irregular.get(&hash(word)) {
            out.extend(lemmas.iter().map(|l| l.to_string()));
        }
        for &(ending, replacement) in ENDINGS {
            if let Some(stem) = word.strip_suffix(ending) {
                if !stem.is_empty() {
                    out.push(format!("{stem}{replacement}"));
                }
            }
        }
    }

    /// Candidate lemma texts of one word (not checked against the lemma list
    /// except for the regular endings, which overgenerate).
    fn word_lemma_texts(&self, word: &str, out: &mut Vec<String>) {
        out.push(word.to_owned());
        let mut candidate = String::new();
        if let Some(lemmas) = self.irregular.get(&hash(word)) {
            out.extend(lemmas.iter().map(|l| l.to_string()));
        }
        for &(ending, replacement) in ENDINGS {
            let Some(stem) = word.strip_suffix(ending) else {
                continue;
            };
            // One-letter stems only for a plural: "ts" (tonnes) → "t".
            if stem.len() < 2 && (ending != "s" || stem.is_empty()) {
                continue;
            }
            // Most endings give no lemma: the candidate is copied only
            // once it is one.
            candidate.clear();
            candidate.push_str(stem);
            candidate.push_str(replacement);
            if self.lemma_ids.contains_key(&hash(&candidate)) {
                out.push(candidate.clone());
            }
            // A doubled final consonant: "stopped" → "stop", "bigger" → "big".
            let bytes = stem.as_bytes();
            if replacement.is_empty()
                && bytes.len() >= 3
                && bytes[bytes.len() - 1] == bytes[bytes.len() - 2]
                && !b"aeiou".contains(&bytes[bytes.len() - 1])
            {
                let undoubled = &stem[..stem.len() - 1];
                if self.lemma_ids.contains_key(&hash(undoubled)) {
                    out.push(undoubled.to_owned());
                }
            }
        }
    }

    fn lemma_hashes(&self, text: &str) -> Vec<u64> {
        let mut texts = Vec::new();
        if text.contains(' ') {
            texts.push(text.to_owned());
        } else {
            self.word_lemma_texts(text, &mut texts);
        }
        let mut out: Vec<u64> = texts.iter().map(|t| hash(t)).collect();
        out.extend(
            self.lemmas_of(text)
                .iter()
                .map(|&id| hash(&self.lemmas[id as usize])),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    fn synsets_of(&self, lemma: u32) -> &[u32] {
        let id = lemma as usize;
        &self.lemma_synsets[self.lemma_starts[id] as usize..self.lemma_starts[id + 1] as usize]
    }

    fn synset_members(&self, synset: u32) -> &[u32] {
        let id = synset as usize;
        &self.synset_lemmas[self.synset_starts[id] as usize..self.synset_starts[id + 1] as usize]
    }

    /// Whether a normalized word is an English word to the reference: among
    /// the listed frequencies, or a lemma (or an inflection of one).
    pub fn is_word(&self, word: &str) -> bool {
        self.zipf.contains_key(&hash(word)) || self.knows(word)
    }

    /// Whether the reference knows a normalized word or expression (it, or
    /// its lemma, is a WordNet lemma).
    pub fn knows(&self, text: &str) -> bool {
        !self.lemmas_of(text).is_empty()
    }

    /// Whether a sequence of normalized words is a multi-word expression of
    /// the reference ("artificial intelligence", "central banks").
    pub fn is_expression(&self, words: &[&str]) -> bool {
        words.len() >= 2 && !self.lemmas_of(&words.join(" ")).is_empty()
    }

    /// Synonyms of a normalized word or expression: the other lemmas of its
    /// synsets and of the synsets WordNet links to them as near-synonyms, in
    /// lemma order (lemmas, not inflected like the word).
    pub fn synonyms(&self, text: &str) -> Vec<&str> {
        let own = self.lemmas_of(text);
        let mut ids: Vec<u32> = Vec::new();
        for &lemma in &own {
            for synset in self.related_synsets(lemma) {
                ids.extend_from_slice(self.synset_members(synset));
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids.retain(|id| !own.contains(id));
        ids.iter().map(|&id| &*self.lemmas[id as usize]).collect()
    }

    fn related_synsets(&self, lemma: u32) -> Vec<u32> {
        let mut out = self.synsets_of(lemma).to_vec();
        for &synset in self.synsets_of(lemma) {
            if let Some(linked) = self.links.get(&u64::from(synset)) {
                out.extend_from_slice(linked);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether two normalized words or expressions share a lemma ("rose",
    /// "rising"): the same word in another form.
    pub fn same_lemma(&self, a: &str, b: &str) -> bool {
        let (a, b) = (self.lemmas_of(a), self.lemmas_of(b));
        a.iter().any(|id| b.contains(id))
    }

    /// Whether the reference gives two normalized words or expressions as
    /// synonyms: a synset in common, or synsets WordNet links as
    /// near-synonyms ("similar to", "verb group").
    pub fn are_synonyms(&self, a: &str, b: &str) -> bool {
        let b_lemmas = self.lemmas_of(b);
        if b_lemmas.is_empty() {
            return false;
        }
        let mut b_synsets: Vec<u32> = Vec::new();
        for &lemma in &b_lemmas {
            b_synsets.extend_from_slice(self.synsets_of(lemma));
        }
        self.lemmas_of(a).iter().any(|&lemma| {
            self.related_synsets(lemma)
                .iter()
                .any(|synset| b_synsets.contains(synset))
        })
    }

    /// Whether two normalized words or expressions, as written, are both
    /// lemmas of one synset or of linked ones ("group" and "grouping"): a
    /// synonym even where one could also be read as an inflection of the other.
    pub fn are_lemma_synonyms(&self, a: &str, b: &str) -> bool {
        let (Some(&a), Some(&b)) = (self.lemma_ids.get(&hash(a)), self.lemma_ids.get(&hash(b)))
        else {
            return false;
        };
        let b_synsets = self.synsets_of(b);
        a != b
            && self
                .related_synsets(a)
                .iter()
                .any(|synset| b_synsets.contains(synset))
    }

    /// Whether `part` (a word, in any inflection) is the first or last word
    /// of a multi-word synonym of `word` ("income" of "net income" for
    /// "profit").
    pub fn is_part_of_synonym(&self, word: &str, part: &str) -> bool {
        if part.contains(' ') {
            return false;
        }
        let mut parts = vec![part.to_owned()];
        parts.extend(
            self.lemmas_of(part)
                .iter()
                .map(|&id| self.lemmas[id as usize].to_string()),
        );
        self.synonyms(word).iter().any(|synonym| {
            synonym
                .split_once(' ')
                .is_some_and(|(first, _)| parts.iter().any(|p| p == first))
                || synonym
                    .rsplit_once(' ')
                    .is_some_and(|(_, last)| parts.iter().any(|p| p == last))
        })
    }

    /// Build the index [`Reference::tortured_original`] uses now rather
    /// than at its first call.
    pub fn prepare_rewrites(&self) {
        self.rewrite_index();
    }

    /// Whether a word can be a word of an expression the tortured-phrase
    /// rule looks for.
    fn expression_word(&self, word: &str) -> bool {
        word.bytes().all(|b| b.is_ascii_lowercase())
            && (EXPRESSION_MIN_ZIPF..=EXPRESSION_MAX_ZIPF).contains(&self.zipf(word).unwrap_or(0.0))
            && !PARTICLES.contains(&word)
            && !self.is_value(word)
    }

    /// Put into `set` every inflection of every synonym of `word` rarer than
    /// [`COLLOCATION_MAX_SPUN_ZIPF`]: the words a spinner's pick can be.
    /// `done` holds the words already added to `set` (a word recurs in many
    /// collocations); `buffer` is scratch for the inflections.
    fn add_rare_synonyms(
        &self,
        word: &str,
        set: &mut HashKeyedSet,
        done: &mut HashKeyedSet,
        buffer: &mut String,
    ) {
        if !done.insert(hash(word)) {
            return;
        }
        let mut ids = Vec::new();
        self.word_lemmas(word, &mut ids);
        for word_id in ids {
            for synset in self.related_synsets(word_id) {
                for &member in self.synset_members(synset) {
                    let member = &self.lemmas[member as usize];
                    if member.as_ref() != word
                        && !member.contains(' ')
                        && self.zipf(member).unwrap_or(0.0) < COLLOCATION_MAX_SPUN_ZIPF
                    {
                        for_each_inflection(member, buffer, |form| {
                            set.insert(hash(form));
                        });
                    }
                }
            }
        }
    }

    fn rewrite_index(&self) -> &RewriteIndex {
        self.rewrites.get_or_init(|| {
            static NEXT_INDEX_ID: std::sync::atomic::AtomicU64 =
                std::sync::atomic::AtomicU64::new(0);
            let mut index = RewriteIndex {
                id: NEXT_INDEX_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                ..RewriteIndex::default()
            };
            let (mut first_done, mut second_done) =
                (HashKeyedSet::default(), HashKeyedSet::default());
            for lemma in &self.lemmas {
                let Some((first, second)) = lemma.split_once(' ') else {
                    continue;
                };
                if second.contains(' ')
                    || PARTICLES.contains(&second)
                    || !first
                        .bytes()
                        .chain(second.bytes())
                        .all(|b| b.is_ascii_lowercase())
                    || [first, second]
                        .iter()
                        .any(|w| self.zipf(w).unwrap_or(0.0) < EXPRESSION_MIN_ZIPF)
                {
                    continue;
                }
                // Only the words a spinner's pick can be (rarer than
                // REWRITE_MAX_SPUN_ZIPF): the sets stay small, and nearly
                // every pair of a document misses them on the first lookup.
                for (word, set, done) in [
                    (first, &mut index.first, &mut first_done),
                    (second, &mut index.second, &mut second_done),
                ] {
                    // A word starts or ends many expressions: its synonyms
                    // are added once.
                    if !done.insert(hash(word)) {
                        continue;
                    }
                    if let Some(&word_id) = self.lemma_ids.get(&hash(word)) {
                        for synset in self.related_synsets(word_id) {
                            for &member in self.synset_members(synset) {
                                let member = &self.lemmas[member as usize];
                                if member.as_ref() != word
                                    && self.zipf(member).unwrap_or(0.0) < REWRITE_MAX_SPUN_ZIPF
                                {
                                    set.insert(hash(member));
                                }
                            }
                        }
                    }
                }
            }
            let (mut first_done, mut second_done) =
                (HashKeyedSet::default(), HashKeyedSet::default());
            let mut buffer = String::new();
            for (first, second) in self.collocations() {
                index.collocation_first_words.insert(hash(first));
                index.collocation_second_words.insert(hash(second));
                self.add_rare_synonyms(
                    first,
                    &mut index.collocation_first,
                    &mut first_done,
                    &mut buffer,
                );
                self.add_rare_synonyms(
                    second,
                    &mut index.collocation_second,
                    &mut second_done,
                    &mut buffer,
                );
            }
            index.collocation_first_reach = self.reaching_lemmas(&index.collocation_first_words);
            index.collocation_second_reach = self.reaching_lemmas(&index.collocation_second_words);
            for (set, bit) in [
                (&index.first, InSet::FIRST),
                (&index.second, InSet::SECOND),
                (&index.collocation_first, InSet::COLLOCATION_FIRST),
                (&index.collocation_second, InSet::COLLOCATION_SECOND),
                (
                    &index.collocation_first_words,
                    InSet::COLLOCATION_FIRST_WORD,
                ),
                (
                    &index.collocation_second_words,
                    InSet::COLLOCATION_SECOND_WORD,
                ),
            ] {
                for &word in set {
                    *index.membership.entry(word).or_default() |= bit;
                }
            }
            index
        })
    }

    /// [`Reach`] bits by lemma id for the words of `words`: a lemma gets a
    /// bit when some single-word synonym it reaches, written that way, is in
    /// `words`. Built from the synonym's side, which is the same relation:
    /// synsets list their lemmas both ways and near-synonym links are
    /// stored in both directions, so `a` reaches `b` exactly when `b`
    /// reaches `a`.
    fn reaching_lemmas(&self, words: &HashKeyedSet) -> Vec<u8> {
        let mut reach = vec![0u8; self.lemmas.len()];
        let mut form = String::new();
        for (id, member) in self.lemmas.iter().enumerate() {
            if member.contains(' ') {
                continue;
            }
            let mut bits = 0;
            if words.contains(&hash(member)) {
                bits |= Reach::PLAIN;
            }
            for (ending, bit) in [("s", Reach::S), ("ed", Reach::ED), ("ing", Reach::ING)] {
                with_ending_into(member, ending, &mut form);
                if words.contains(&hash(&form)) {
                    bits |= bit;
                }
            }
            if self
                .irregular_forms
                .get(&hash(member))
                .into_iter()
                .flatten()
                .any(|form| words.contains(&hash(form)))
            {
                bits |= Reach::IRREGULAR;
            }
            if bits == 0 {
                continue;
            }
            for synset in self.related_synsets(id as u32) {
                for &lemma in self.synset_members(synset) {
                    reach[lemma as usize] |= bits;
                }
            }
        }
        reach
    }

    /// The listed word sequences frequent enough to be fixed collocations
    /// and made of words a spinner swaps.
    fn collocations(&self) -> impl Iterator<Item = (&str, &str)> {
        // A word recurs in many sequences: each is judged once.
        let judged: std::cell::RefCell<HashKeyed<bool>> = Default::default();
        let expression_word = move |word: &str| {
            let key = hash(word);
            if let Some(&known) = judged.borrow().get(&key) {
                return known;
            }
            let verdict = self.expression_word(word);
            judged.borrow_mut().insert(key, verdict);
            verdict
        };
        self.frequent_sequences
            .iter()
            .map(|(first, second)| (&**first, &**second))
            .filter(move |(first, second)| expression_word(first) && expression_word(second))
    }

    /// The common two-word expression that two adjacent normalized words
    /// (`first_hash`, `second_hash` their xxh3 hashes, as tokens carry them)
    /// likely rewrite with synonyms, when they are not an expression
    /// themselves: "artificial intelligence" for "counterfeit
    /// consciousness". Each replaced word must be rarer than the
    /// expression's, and the run as a whole much rarer.
    pub fn tortured_original(
        &self,
        first: &str,
        first_hash: u64,
        second: &str,
        second_hash: u64,
    ) -> Option<String> {
        let index = self.rewrite_index();
        let first_in = *index.membership.get(&first_hash)?;
        let second_in = index.membership.get(&second_hash).copied().unwrap_or(0);
        let expression = first_in & InSet::FIRST != 0 && second_in & InSet::SECOND != 0;
        let spun_first = first_in & InSet::COLLOCATION_FIRST != 0;
        let spun_second = second_in & InSet::COLLOCATION_SECOND != 0;
        // At least one word swapped; a word left as it was must be a word of
        // some collocation on its side.
        let first_fits = spun_first || first_in & InSet::COLLOCATION_FIRST_WORD != 0;
        let second_fits = spun_second || second_in & InSet::COLLOCATION_SECOND_WORD != 0;
        let collocation = (spun_first || spun_second) && first_fits && second_fits;
        if !expression && !collocation {
            return None;
        }
        if self
            .lemma_ids
            .contains_key(&hash(&format!("{first} {second}")))
            || self.sequence_count_log10(first_hash, second_hash).is_some()
        {
            return None;
        }
        if expression {
            if let Some(phrase) = self.tortured_expression(first, second) {
                return Some(phrase);
            }
        }
        if collocation {
            return self.tortured_collocation(first, second);
        }
        None
    }

    /// Synonyms of a normalized word, each in the word's inflection, with
    /// the word itself first.
    pub fn surface_synonyms(&self, word: &str) -> Vec<String> {
        let mut out = vec![word.to_owned()];
        self.for_each_surface_synonym(word, None, |form| {
            if !out.iter().any(|o| o == form) {
                out.push(form.to_owned());
            }
        });
        out
    }

    /// Every form [`Reference::surface_synonyms`] gives after the word
    /// itself, in its order, repeats included: a caller that keeps only a
    /// few of them (the tortured-phrase rule) tests each before copying it.
    /// With `reach` ([`Reach`] bits by lemma id), a lemma whose synonyms
    /// cannot give a wanted form the way the word inflects is not walked.
    fn for_each_surface_synonym(
        &self,
        word: &str,
        reach: Option<&[u8]>,
        mut visit: impl FnMut(&str),
    ) {
        let mut lemma_texts = Vec::new();
        self.word_lemma_texts(word, &mut lemma_texts);
        let mut form = String::new();
        for lemma_text in &lemma_texts {
            let Some(&lemma) = self.lemma_ids.get(&hash(lemma_text)) else {
                continue;
            };
            let ending = ending_of(word, lemma_text);
            if let Some(reach) = reach {
                let mut wanted = Reach::of(ending);
                if word != lemma_text {
                    wanted |= Reach::IRREGULAR;
                }
                if reach[lemma as usize] & wanted == 0 {
                    continue;
                }
            }
            for synset in self.related_synsets(lemma) {
                for &member in self.synset_members(synset) {
                    let member = &self.lemmas[member as usize];
                    if member.contains(' ') || member.as_ref() == lemma_text {
                        continue;
                    }
                    match ending {
                        Some(ending) => {
                            with_ending_into(member, ending, &mut form);
                            visit(&form);
                        }
                        None => visit(member),
                    }
                    // The inflection of an irregular synonym cannot be
                    // copied ("stated" for "said"): every irregular form
                    // is a candidate.
                    if word != lemma_text {
                        for form in self
                            .irregular_forms
                            .get(&hash(member))
                            .into_iter()
                            .flatten()
                        {
                            visit(form);
                        }
                    }
                }
            }
        }
    }

    /// The synonyms of `word`, in its inflection, that can stand on `side`
    /// of a listed collocation and are more common than `word` by
    /// [`REWRITE_MIN_WORD_GAIN`], in the order of the walk.
    ///
    /// A pure function of the word, asked again for every pair a word is in
    /// and every document it recurs in, so each thread keeps the answers
    /// (a bounded cache: it starts afresh past [`WALK_CACHE_ENTRIES`]).
    fn walked_candidates(&self, word: &str, side: CollocationSide, index: &RewriteIndex) -> Walked {
        let key = (index.id, side, hash(word));
        let cached = WALK_CACHE.with_borrow(|cache| {
            cache
                .get(&key)
                .filter(|(cached_word, _)| &**cached_word == word)
                .map(|(_, walked)| Rc::clone(walked))
        });
        if let Some(walked) = cached {
            return walked;
        }
        let (words, reach) = match side {
            CollocationSide::First => (
                &index.collocation_first_words,
                &index.collocation_first_reach,
            ),
            CollocationSide::Second => (
                &index.collocation_second_words,
                &index.collocation_second_reach,
            ),
        };
        let zipf = |word: &str| self.zipf(word).unwrap_or(0.0);
        let z_word = zipf(word);
        let mut out: Vec<(u64, Rc<str>)> = Vec::new();
        self.for_each_surface_synonym(word, Some(reach), |form| {
            let form_hash = hash(form);
            if !words.contains(&form_hash)
                || form == word
                || out.iter().any(|(h, o)| *h == form_hash && &**o == form)
                || zipf(form) - z_word < REWRITE_MIN_WORD_GAIN
            {
                return;
            }
            out.push((form_hash, Rc::from(form)));
        });
        let walked: Walked = out.into();
        WALK_CACHE.with_borrow_mut(|cache| {
            if cache.len() >= WALK_CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, (Box::from(word), Rc::clone(&walked)));
        });
        walked
    }

    /// [`Reference::tortured_original`] for a frequent collocation of the
    /// `b` records: one or both words swapped for a rarer synonym, the
    /// original collocation listed often ([`COLLOCATION_MIN_LOG10`], or
    /// [`COLLOCATION_ONE_SWAP_MIN_LOG10`] when one word was kept).
    ///
    /// The pairs of the synonym walks are the same as a plain double loop
    /// over [`Reference::surface_synonyms`] of both words would try, in the
    /// same order, but each side is cut first to the candidates that can
    /// still win: a side whose word is too common to be a spinner's pick
    /// is not walked at all, and a candidate must be a word of some listed
    /// collocation on its side (a pair listed often enough, of expression
    /// words, is one of [`Reference::collocations`]), a set lookup that
    /// rejects nearly every synonym and stands in for the expression-word
    /// test of those it lets through.
    fn tortured_collocation(&self, first: &str, second: &str) -> Option<String> {
        let index = self.rewrite_index();
        let zipf = |word: &str| self.zipf(word).unwrap_or(0.0);
        let (z_first, z_second) = (zipf(first), zipf(second));
        // A word may be swapped when rare enough; kept when the other one,
        // swapped alone, is rare enough for a one-swap rewrite.
        let swap_first = z_first < COLLOCATION_MAX_SPUN_ZIPF;
        let swap_second = z_second < COLLOCATION_MAX_SPUN_ZIPF;
        let keep = |word: &str, words: &HashKeyedSet, other_zipf: f32| {
            other_zipf < COLLOCATION_ONE_SWAP_MAX_SPUN_ZIPF && words.contains(&hash(word))
        };
        let keep_first = swap_second && keep(first, &index.collocation_first_words, z_second);
        let keep_second = swap_first && keep(second, &index.collocation_second_words, z_first);
        let walk_first = swap_first && (swap_second || keep_second);
        let walk_second = swap_second && (swap_first || keep_first);
        if !walk_first && !walk_second {
            return None;
        }
        // (kept as written, hash, text), in the order of the walk.
        let candidates = |word: &str, kept: bool, walk: bool, side: CollocationSide| {
            let mut out: Vec<(bool, u64, Rc<str>)> = Vec::new();
            if kept {
                out.push((true, hash(word), Rc::from(word)));
            }
            if walk {
                let walked = self.walked_candidates(word, side, index);
                out.extend(walked.iter().map(|(h, form)| (false, *h, Rc::clone(form))));
            }
            out
        };
        let firsts = candidates(first, keep_first, walk_first, CollocationSide::First);
        if firsts.is_empty() {
            return None;
        }
        let seconds = candidates(second, keep_second, walk_second, CollocationSide::Second);
        let mut best: Option<(u8, &str, &str)> = None;
        for (x_kept, x_hash, x) in &firsts {
            for (y_kept, y_hash, y) in &seconds {
                if *x_kept && *y_kept {
                    continue;
                }
                let Some(count) = self.sequence_count_log10(*x_hash, *y_hash) else {
                    continue;
                };
                let least = if *x_kept || *y_kept {
                    COLLOCATION_ONE_SWAP_MIN_LOG10
                } else {
                    COLLOCATION_MIN_LOG10
                };
                if count < least || best.is_some_and(|(c, _, _)| c >= count) {
                    continue;
                }
                best = Some((count, x, y));
            }
        }
        best.map(|(_, x, y)| format!("{x} {y}"))
    }

    /// [`Reference::tortured_original`] for a WordNet expression.
    fn tortured_expression(&self, first: &str, second: &str) -> Option<String> {
        let options = |word: &str| -> Vec<&str> {
            let mut out: Vec<&str> = vec![];
            if let Some(&id) = self.lemma_ids.get(&hash(word)) {
                out.push(&self.lemmas[id as usize]);
            }
            out.extend(self.synonyms(word).into_iter().filter(|s| !s.contains(' ')));
            out
        };
        let zipf = |word: &str| self.zipf(word).unwrap_or(0.0);
        let (z_first, z_second) = (zipf(first), zipf(second));
        let mut best: Option<(f32, String)> = None;
        for x in options(first) {
            let gain_x = if x == first { 0.0 } else { zipf(x) - z_first };
            if x != first && (gain_x < REWRITE_MIN_WORD_GAIN || z_first >= REWRITE_MAX_SPUN_ZIPF) {
                continue;
            }
            // Both words swapped: one swapped word beside its original
            // neighbour ("tax refund" for "tax return") is as often plain
            // wording, which only phrase statistics could tell apart.
            if x == first {
                continue;
            }
            for y in options(second) {
                if y == second {
                    continue;
                }
                let gain_y = if y == second { 0.0 } else { zipf(y) - z_second };
                if y != second
                    && (gain_y < REWRITE_MIN_WORD_GAIN || z_second >= REWRITE_MAX_SPUN_ZIPF)
                {
                    continue;
                }
                let gain = gain_x + gain_y;
                if gain < REWRITE_MIN_GAIN || best.as_ref().is_some_and(|(g, _)| *g >= gain) {
                    continue;
                }
                let phrase = format!("{x} {y}");
                if self.lemma_ids.contains_key(&hash(&phrase))
                    && zipf(x) >= EXPRESSION_MIN_ZIPF
                    && zipf(y) >= EXPRESSION_MIN_ZIPF
                    && !PARTICLES.contains(&y)
                    && !self.is_value(x)
                    && !self.is_value(y)
                    && zipf(x) <= EXPRESSION_MAX_ZIPF
                    && zipf(y) <= EXPRESSION_MAX_ZIPF
                {
                    best = Some((gain, phrase));
                }
            }
        }
        best.map(|(_, phrase)| phrase)
    }

    /// Whether two normalized words (in any inflection) are opposites:
    /// WordNet antonyms or a pair of `data/reference/opposites.tsv`.
    pub fn are_opposites(&self, a: &str, b: &str) -> bool {
        let (a, b) = (self.lemma_hashes(a), self.lemma_hashes(b));
        a.iter()
            .any(|&x| b.iter().any(|&y| self.opposites.contains(&pair_key(x, y))))
    }

    /// Whether a normalized word (in any inflection) is a value word of
    /// `data/reference/opposites.tsv`: a month, weekday, number, direction,
    /// unit, ...
    pub fn is_value(&self, word: &str) -> bool {
        self.value_groups(word) != 0
    }

    fn value_groups(&self, word: &str) -> u32 {
        self.lemma_hashes(word)
            .iter()
            .map(|h| self.values.get(h).copied().unwrap_or(0))
            .fold(0, |a, b| a | b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_take_the_inflection_of_the_word() {
        assert_eq!(inflect_like("rates", "rate", "charge"), "charges");
        assert_eq!(inflect_like("stated", "state", "declare"), "declared");
        assert_eq!(inflect_like("stated", "state", "say"), "sayed");
        assert_eq!(inflect_like("rising", "rise", "climb"), "climbing");
        assert_eq!(inflect_like("cities", "city", "town"), "towns");
        assert_eq!(inflect_like("bank", "bank", "depository"), "depository");
        assert_eq!(inflect_like("towns", "town", "city"), "cities");
        assert_eq!(inflect_like("taxes", "tax", "levy"), "levies");
        assert_eq!(inflect_like("fees", "fee", "tax"), "taxes");
        assert_eq!(inflect_like("hoping", "hope", "agree"), "agreeing");
        let reference = Reference::builtin();
        // An irregular synonym is offered in its irregular forms too.
        assert!(reference
            .surface_synonyms("stated")
            .iter()
            .any(|s| s == "said"));
    }

    #[test]
    fn collocations_rewritten_word_by_word_are_traced_back() {
        let reference = Reference::builtin();
        let original = |a: &str, b: &str| reference.tortured_original(a, hash(a), b, hash(b));
        assert_eq!(
            original("stock", "marketplace").as_deref(),
            Some("stock market")
        );
        assert_eq!(
            original("prime", "curate").as_deref(),
            Some("prime minister")
        );
        // The collocation itself, and ordinary pairs, are not rewrites.
        assert_eq!(original("stock", "market"), None);
        assert_eq!(original("budget", "shortfall"), None);
        assert_eq!(original("quarterly", "results"), None);
        let stats = reference.stats();
        assert!(stats.word_pairs > 200_000, "{stats:?}");
        assert!(reference
            .sequence_count_log10(hash("central"), hash("bank"))
            .is_some());
        assert!(reference
            .sequence_count_log10(hash("bank"), hash("central"))
            .is_none());
    }

    #[test]
    fn builtin_reference_holds_words_expressions_and_synonyms() {
        let reference = Reference::builtin();
        let stats = reference.stats();
        assert!(stats.words > 90_000, "{stats:?}");
        assert!(stats.synsets > 100_000, "{stats:?}");
        assert!(stats.expressions > 50_000, "{stats:?}");
        let the = reference.zipf("the").unwrap();
        assert!(the > 7.0, "{the}");
        assert!(reference.zipf("said").unwrap() > reference.zipf("stated").unwrap());
        assert_eq!(reference.zipf("qqqzzx"), None);
        for phrase in [
            ["artificial", "intelligence"],
            ["prime", "minister"],
            ["central", "bank"],
            ["central", "banks"],
        ] {
            assert!(reference.is_expression(&phrase), "{phrase:?}");
        }
        assert!(!reference.is_expression(&["counterfeit", "consciousness"]));
        let original = |a: &str, b: &str| reference.tortured_original(a, hash(a), b, hash(b));
        assert_eq!(
            original("toil", "brotherhood").as_deref(),
            Some("labor union")
        );
        assert_eq!(original("gratis", "barter").as_deref(), Some("free trade"));
        // One word swapped beside its original is left to statistics.
        assert_eq!(original("toil", "union"), None);
        assert_eq!(original("artificial", "intelligence"), None);
        assert_eq!(original("central", "bank"), None);
        assert_eq!(original("the", "company"), None);
        assert!(reference
            .synonyms("artificial intelligence")
            .contains(&"ai"));
        assert!(reference.synonyms("purchase").contains(&"buy"));
    }

    #[test]
    fn inflected_words_are_judged_by_lemma() {
        let reference = Reference::builtin();
        assert!(reference.are_synonyms("stated", "said"));
        assert!(reference.are_synonyms("purchased", "bought"));
        assert!(reference.are_synonyms("rose", "went up"));
        assert!(reference.are_synonyms("bigger", "larger"));
        assert!(reference.are_synonyms("quarter", "twenty five percent"));
        assert!(reference.are_lemma_synonyms("group", "grouping"));
        assert!(!reference.are_lemma_synonyms("company", "companies"));
        assert!(reference.same_lemma("rising", "rose"));
        assert!(!reference.are_synonyms("rose", "fell"));
        assert!(reference.are_opposites("rose", "fell"));
        assert!(reference.are_opposites("higher", "lower"));
        assert!(reference.are_opposites("increased", "decreased"));
        assert!(reference.are_opposites("bought", "sold"));
        assert!(!reference.are_opposites("said", "stated"));
        assert!(reference.is_value("tuesday"));
        assert!(reference.is_value("twelve"));
        assert!(!reference.is_value("company"));
        assert!(reference.knows("companies"));
        assert!(!reference.knows("tbe"));
        assert!(reference.is_word("arrivals"));
        assert!(!reference.is_word("prediict"));
    }

    #[test]
    fn another_file_replaces_the_builtin_one_and_errors_name_the_line() {
        let text = "# test\nz\tcat\t45\ns\tcat|true cat\ns\tdog\nl\t0\t1\na\tcat\tdog\n";
        let reference = Reference::from_bytes(text.as_bytes(), Path::new("t.tsv")).unwrap();
        assert_eq!(reference.zipf("cat"), Some(4.5));
        assert!(reference.are_synonyms("cats", "true cat"));
        assert!(reference.are_synonyms("cat", "dog"));
        assert!(reference.are_opposites("cat", "dog"));
        assert!(reference.is_expression(&["true", "cats"]));
        let error = Reference::from_bytes(b"z\tcat\tmany\n", Path::new("t.tsv")).unwrap_err();
        assert!(error.to_string().contains("t.tsv"), "{error}");
        assert!(error.to_string().contains('1'), "{error}");
        assert!(Reference::from_bytes(b"l\t0\t9\n", Path::new("t.tsv")).is_err());
    }
}
