//! Language resources of the quality pass: phrase lists, closed-class words,
//! page-furniture patterns and the furniture model's weights, read from
//! documented data files.
//!
//! The built-in files under `data/quality/` are embedded at compile time; a user
//! file given with `--lexicon` adds entries of any kind, and a
//! `substitutions.jsonl` mined by the rewrite wing adds spinner substitutions.
//! Every entry remembers the file and line it came from, so a bad pattern is
//! reported where it was written.

use super::furniture::FurnitureWeights;
use copydesk_common::{Error, Result};
use std::path::{Path, PathBuf};

const FORMAL_NAMES: &str = include_str!("../../../data/quality/formal_names.tsv");
const TORTURED_PHRASES: &str = include_str!("../../../data/quality/tortured_phrases.tsv");
const OUT_OF_REGISTER: &str = include_str!("../../../data/quality/out_of_register.tsv");
const CLOSED_CLASS: &str = include_str!("../../../data/quality/closed_class.tsv");
const FURNITURE: &str = include_str!("../../../data/quality/furniture.tsv");

/// What a phrase entry signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhraseKind {
    /// A formal state name used where news uses the common name.
    FormalName,
    /// A fixed expression rewritten word by word with synonyms.
    TorturedPhrase,
    /// A word far outside the news register.
    OutOfRegister,
    /// A substitution mined from spun copies (`to` side of a `substitutions.jsonl` line).
    Substitution,
}

/// Where an entry was written: file (`builtin:NAME` for embedded files) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The data file.
    pub path: PathBuf,
    /// 1-based line in it.
    pub line: u64,
}

/// One phrase to look for, and the plain wording it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct PhraseEntry {
    /// What the phrase signals.
    pub kind: PhraseKind,
    /// The phrase as it appears in spun text.
    pub phrase: String,
    /// The wording news copy would use instead.
    pub plain: String,
    /// How many times the substitution was seen (1 for hand-written entries).
    pub count: u64,
    /// Where the entry was written.
    pub source: Source,
}

/// Word classes of the closed-class lists (see `data/quality/closed_class.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordClass {
    /// Personal pronouns that open a clause as its subject.
    SubjectPronoun,
    /// Words that point back to something said before.
    Anaphor,
    /// Determiners that must be followed by a noun phrase.
    Article,
    /// Determiners that can also stand alone.
    Quantifier,
    /// Prepositions.
    Preposition,
    /// Conjunctions.
    Conjunction,
    /// Forms of be, have, do.
    Auxiliary,
    /// Modal verbs.
    Modal,
    /// Frequent finite verbs of news copy.
    FiniteVerb,
    /// Adjectives that need a copula between a subject and them.
    CopulaAdjective,
    /// Other function words.
    Function,
    /// Content words too frequent in news to tell paragraphs apart.
    GenericNews,
    /// Role nouns that name a person introduced before ("the spokesman").
    ReferentPerson,
    /// Nouns that stand for an organisation named before ("the company").
    ReferentOrganisation,
    /// Nouns for a thing or event introduced before ("the offer").
    ReferentThing,
}

impl WordClass {
    fn parse(name: &str) -> Option<WordClass> {
        Some(match name {
            "subject_pronoun" => WordClass::SubjectPronoun,
            "anaphor" => WordClass::Anaphor,
            "article" => WordClass::Article,
            "quantifier" => WordClass::Quantifier,
            "preposition" => WordClass::Preposition,
            "conjunction" => WordClass::Conjunction,
            "auxiliary" => WordClass::Auxiliary,
            "modal" => WordClass::Modal,
            "finite_verb" => WordClass::FiniteVerb,
            "copula_adjective" => WordClass::CopulaAdjective,
            "function" => WordClass::Function,
            "generic_news" => WordClass::GenericNews,
            "referent_person" => WordClass::ReferentPerson,
            "referent_organisation" => WordClass::ReferentOrganisation,
            "referent_thing" => WordClass::ReferentThing,
            _ => return None,
        })
    }

    /// The bit of this class in a word's class mask.
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Category of a page-furniture pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FurnitureCategory {
    /// Who/when/where of the page: datelines, bylines, timestamps.
    Metadata,
    /// Site chrome: links, captions, share buttons.
    Boilerplate,
}

/// One page-furniture regular expression.
#[derive(Debug, Clone, PartialEq)]
pub struct FurniturePattern {
    /// Rule name reported in flags.
    pub rule: String,
    /// Flag category.
    pub category: FurnitureCategory,
    /// The regular expression (Rust `regex` syntax), matched in multi-line mode.
    pub pattern: String,
    /// Where it was written.
    pub source: Source,
}

/// All language resources of the quality pass.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Phrases flagged as spin.
    pub phrases: Vec<PhraseEntry>,
    /// Closed-class words: (class, normalized word).
    pub closed_class: Vec<(WordClass, String)>,
    /// Page-furniture patterns.
    pub furniture: Vec<FurniturePattern>,
    /// Weights of the line-by-line furniture model; `None` turns it off.
    pub furniture_weights: Option<FurnitureWeights>,
}

fn content_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i as u64 + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

fn data_error(path: &Path, line: u64, message: impl Into<String>) -> Error {
    Error::DataFile {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

fn parse_furniture_category(name: &str) -> Option<FurnitureCategory> {
    match name {
        "metadata" => Some(FurnitureCategory::Metadata),
        "boilerplate" => Some(FurnitureCategory::Boilerplate),
        _ => None,
    }
}

impl Lexicon {
    /// The lexicon written for copydesk, embedded from `data/quality/`.
    pub fn builtin() -> Lexicon {
        let mut lexicon = Lexicon::default();
        // The embedded files are part of the build and covered by tests: a parse
        // error here is a bug in the repository, not bad user input.
        let parts: [(&str, &str, Option<PhraseKind>); 3] = [
            (
                "formal_names.tsv",
                FORMAL_NAMES,
                Some(PhraseKind::FormalName),
            ),
            (
                "tortured_phrases.tsv",
                TORTURED_PHRASES,
                Some(PhraseKind::TorturedPhrase),
            ),
            (
                "out_of_register.tsv",
                OUT_OF_REGISTER,
                Some(PhraseKind::OutOfRegister),
            ),
        ];
        for (name, text, kind) in parts {
            let path = PathBuf::from(format!("builtin:{name}"));
            lexicon
                .add_phrase_file(&path, text, kind.unwrap_or(PhraseKind::OutOfRegister))
                .expect("built-in phrase list parses");
        }
        lexicon
            .add_closed_class_file(Path::new("builtin:closed_class.tsv"), CLOSED_CLASS)
            .expect("built-in closed-class list parses");
        lexicon
            .add_furniture_file(Path::new("builtin:furniture.tsv"), FURNITURE)
            .expect("built-in furniture list parses");
        lexicon.furniture_weights = Some(FurnitureWeights::builtin());
        lexicon
    }

    fn add_phrase_file(&mut self, path: &Path, text: &str, kind: PhraseKind) -> Result<()> {
        for (line, content) in content_lines(text) {
            let mut fields = content.split('\t');
            let phrase = fields.next().unwrap_or("").trim();
            let plain = fields.next().unwrap_or("").trim();
            if phrase.is_empty() || plain.is_empty() {
                return Err(data_error(path, line, "expected PHRASE<TAB>PLAIN WORDING"));
            }
            self.phrases.push(PhraseEntry {
                kind,
                phrase: phrase.to_owned(),
                plain: plain.to_owned(),
                count: 1,
                source: Source {
                    path: path.to_path_buf(),
                    line,
                },
            });
        }
        Ok(())
    }

    fn add_closed_class_file(&mut self, path: &Path, text: &str) -> Result<()> {
        for (line, content) in content_lines(text) {
            let (class, words) = content
                .split_once('\t')
                .ok_or_else(|| data_error(path, line, "expected CLASS<TAB>words"))?;
            let class = WordClass::parse(class.trim()).ok_or_else(|| {
                data_error(path, line, format!("unknown word class {:?}", class.trim()))
            })?;
            for word in words.split_whitespace() {
                self.closed_class
                    .push((class, copydesk_text::normalize(word)));
            }
        }
        Ok(())
    }

    fn add_furniture_file(&mut self, path: &Path, text: &str) -> Result<()> {
        for (line, content) in content_lines(text) {
            let mut fields = content.splitn(3, '\t');
            let (Some(rule), Some(category), Some(pattern)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(data_error(
                    path,
                    line,
                    "expected RULE<TAB>CATEGORY<TAB>REGEX",
                ));
            };
            let category = parse_furniture_category(category.trim()).ok_or_else(|| {
                data_error(path, line, "category must be `metadata` or `boilerplate`")
            })?;
            self.push_furniture(path, line, rule.trim(), category, pattern)?;
        }
        Ok(())
    }

    fn push_furniture(
        &mut self,
        path: &Path,
        line: u64,
        rule: &str,
        category: FurnitureCategory,
        pattern: &str,
    ) -> Result<()> {
        if rule.is_empty() {
            return Err(data_error(path, line, "empty rule name"));
        }
        // Compile once here so that the error names the file and line.
        regex::RegexBuilder::new(pattern)
            .multi_line(true)
            .build()
            .map_err(|e| data_error(path, line, format!("bad regular expression: {e}")))?;
        self.furniture.push(FurniturePattern {
            rule: rule.to_owned(),
            category,
            pattern: pattern.to_owned(),
            source: Source {
                path: path.to_path_buf(),
                line,
            },
        });
        Ok(())
    }

    /// Add the entries of a user lexicon file (`--lexicon FILE`).
    ///
    /// Format: one entry a line, fields separated by TABs, `#` comments:
    /// `formal_name<TAB>PHRASE<TAB>COMMON NAME`,
    /// `tortured_phrase<TAB>PHRASE<TAB>EXPECTED`,
    /// `out_of_register<TAB>WORD<TAB>PLAIN WORD`,
    /// `closed_class:CLASS<TAB>word word ...`,
    /// `furniture:CATEGORY:RULE<TAB>REGEX`,
    /// `furniture_weight<TAB>FEATURE<TAB>FIRST STAGE<TAB>SECOND STAGE` or
    /// `furniture_weight<TAB>threshold<TAB>VALUE` (replaces one weight of
    /// the line-by-line furniture model, `data/quality/furniture_weights.tsv`).
    /// Errors name the file and line.
    pub fn load_extra(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_extra(path, &text)
    }

    /// [`Lexicon::load_extra`] on text already read; `path` names it in errors.
    pub fn add_extra(&mut self, path: &Path, text: &str) -> Result<()> {
        for (line, content) in content_lines(text) {
            let (kind, rest) = content
                .split_once('\t')
                .ok_or_else(|| data_error(path, line, "expected KIND<TAB>..."))?;
            let kind = kind.trim();
            let phrase_kind = match kind {
                "formal_name" => Some(PhraseKind::FormalName),
                "tortured_phrase" => Some(PhraseKind::TorturedPhrase),
                "out_of_register" => Some(PhraseKind::OutOfRegister),
                _ => None,
            };
            if let Some(phrase_kind) = phrase_kind {
                let (phrase, plain) = rest.split_once('\t').ok_or_else(|| {
                    data_error(path, line, "expected KIND<TAB>PHRASE<TAB>PLAIN WORDING")
                })?;
                if phrase.trim().is_empty() || plain.trim().is_empty() {
                    return Err(data_error(path, line, "empty phrase or plain wording"));
                }
                self.phrases.push(PhraseEntry {
                    kind: phrase_kind,
                    phrase: phrase.trim().to_owned(),
                    plain: plain.trim().to_owned(),
                    count: 1,
                    source: Source {
                        path: path.to_path_buf(),
                        line,
                    },
                });
            } else if let Some(class) = kind.strip_prefix("closed_class:") {
                let class = WordClass::parse(class).ok_or_else(|| {
                    data_error(path, line, format!("unknown word class {class:?}"))
                })?;
                for word in rest.split_whitespace() {
                    self.closed_class
                        .push((class, copydesk_text::normalize(word)));
                }
            } else if kind == "furniture_weight" {
                let fields: Vec<&str> = rest.split('\t').map(str::trim).collect();
                self.furniture_weights
                    .get_or_insert_with(FurnitureWeights::builtin)
                    .set(path, line, &fields)?;
            } else if let Some(spec) = kind.strip_prefix("furniture:") {
                let (category, rule) = spec
                    .split_once(':')
                    .ok_or_else(|| data_error(path, line, "expected furniture:CATEGORY:RULE"))?;
                let category = parse_furniture_category(category).ok_or_else(|| {
                    data_error(path, line, "category must be `metadata` or `boilerplate`")
                })?;
                self.push_furniture(path, line, rule, category, rest)?;
            } else {
                return Err(data_error(
                    path,
                    line,
                    format!("unknown entry kind {kind:?}"),
                ));
            }
        }
        Ok(())
    }

    /// Add the substitutions mined by the rewrite wing (`substitutions.jsonl`:
    /// one JSON object a line with `from`, `to`, `count`, `examples`). The `to`
    /// side is what a spinner writes, so that is what gets flagged.
    pub fn load_substitutions(&mut self, path: &Path, min_count: u64) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_substitutions(path, &text, min_count)
    }

    /// [`Lexicon::load_substitutions`] on text already read.
    pub fn add_substitutions(&mut self, path: &Path, text: &str, min_count: u64) -> Result<()> {
        #[derive(serde::Deserialize)]
        struct Line {
            from: String,
            to: String,
            #[serde(default = "one")]
            count: u64,
            #[serde(default)]
            kind: Option<String>,
        }
        fn one() -> u64 {
            1
        }
        // Looked up once per line: a mined list has tens of thousands.
        let function_words: std::collections::HashSet<&str> = self
            .closed_class
            .iter()
            .filter(|(class, _)| {
                !matches!(
                    class,
                    WordClass::GenericNews
                        | WordClass::ReferentPerson
                        | WordClass::ReferentOrganisation
                        | WordClass::ReferentThing
                )
            })
            .map(|(_, word)| word.as_str())
            .collect();
        for (index, content) in text.lines().enumerate() {
            let line = index as u64 + 1;
            if content.trim().is_empty() {
                continue;
            }
            let parsed: Line = serde_json::from_str(content)
                .map_err(|e| data_error(path, line, format!("bad substitution line: {e}")))?;
            if parsed.count < min_count || parsed.to.trim().is_empty() {
                continue;
            }
            // Only the kinds a spinner makes: a file written with
            // `--all-substitutions` also lists typos, changed values and
            // opposites, which are no sign of spin. A line without a kind is
            // taken as one.
            if let Some(kind) = &parsed.kind {
                match copydesk_reference::SubstitutionKind::parse(kind) {
                    Some(kind) if kind.is_spin() => {}
                    Some(_) => continue,
                    None => {
                        return Err(data_error(
                            path,
                            line,
                            format!("unknown substitution kind {kind:?}"),
                        ))
                    }
                }
            }
            // A substitution whose spun side is itself a function word would
            // flag every document.
            if parsed.to.split_whitespace().count() == 1
                && function_words.contains(copydesk_text::normalize(&parsed.to).as_str())
            {
                continue;
            }
            self.phrases.push(PhraseEntry {
                kind: PhraseKind::Substitution,
                phrase: parsed.to.trim().to_owned(),
                plain: parsed.from.trim().to_owned(),
                count: parsed.count,
                source: Source {
                    path: path.to_path_buf(),
                    line,
                },
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_has_every_kind() {
        let lexicon = Lexicon::builtin();
        for kind in [
            PhraseKind::FormalName,
            PhraseKind::TorturedPhrase,
            PhraseKind::OutOfRegister,
        ] {
            assert!(lexicon.phrases.iter().any(|p| p.kind == kind), "{kind:?}");
        }
        assert!(lexicon
            .closed_class
            .iter()
            .any(|(c, w)| *c == WordClass::SubjectPronoun && w == "she"));
        assert!(lexicon.furniture.iter().any(|f| f.rule == "byline"));
    }

    #[test]
    fn extra_lexicon_errors_name_file_and_line() {
        let mut lexicon = Lexicon::builtin();
        let err = lexicon
            .add_extra(
                Path::new("extra.tsv"),
                "# comment\nformal_name\tKingdom of Fife\tFife\nbogus\tx\n",
            )
            .unwrap_err();
        assert_eq!(err.to_string(), "extra.tsv:3: unknown entry kind \"bogus\"");
        let err = lexicon
            .add_extra(
                Path::new("extra.tsv"),
                "furniture:metadata:bad\t(unclosed\n",
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("extra.tsv:1: bad regular expression"),
            "{err}"
        );
    }

    #[test]
    fn substitutions_add_the_spun_side() {
        let mut lexicon = Lexicon::default();
        lexicon
            .add_substitutions(
                Path::new("substitutions.jsonl"),
                "{\"from\":\"worried\",\"to\":\"apprehensive\",\"count\":4,\"examples\":[]}\n",
                1,
            )
            .unwrap();
        assert_eq!(lexicon.phrases[0].phrase, "apprehensive");
        assert_eq!(lexicon.phrases[0].plain, "worried");
        let err = lexicon
            .add_substitutions(Path::new("s.jsonl"), "\n{oops\n", 1)
            .unwrap_err();
        assert!(err.to_string().starts_with("s.jsonl:2:"), "{err}");
    }

    #[test]
    fn substitutions_of_other_kinds_than_spin_are_ignored() {
        let mut lexicon = Lexicon::default();
        let lines = [
            r#"{"from":"worried","to":"apprehensive","kind":"synonym","count":4}"#,
            r#"{"from":"the","to":"tbe","kind":"typo","count":90}"#,
            r#"{"from":"rose","to":"fell","kind":"opposite","count":9}"#,
            r#"{"from":"russia","to":"russian federation","kind":"formal_name","count":3}"#,
            r#"{"from":"lucre","to":"boodle","kind":"unknown","count":3}"#,
        ];
        lexicon
            .add_substitutions(Path::new("s.jsonl"), &lines.join("\n"), 1)
            .unwrap();
        let kept: Vec<&str> = lexicon.phrases.iter().map(|p| p.phrase.as_str()).collect();
        assert_eq!(kept, ["apprehensive", "russian federation", "boodle"]);
        let err = lexicon
            .add_substitutions(
                Path::new("s.jsonl"),
                r#"{"from":"a","to":"b","kind":"bogus"}"#,
                1,
            )
            .unwrap_err();
        assert!(err.to_string().starts_with("s.jsonl:1:"), "{err}");
    }
}
