//! The answer assessor's pure parts: how words are compared, how an answer is cut into
//! sentences and fragments, negation, and the rules that turn evidence into a verdict per key
//! point (covered, partly, missed) with the spans of the answer that support it.
//!
//! The reading is lexical and explainable. Each key point's synonyms and label are phrases of
//! weighted words (a word that names this key point alone weighs more than one the drill's other
//! key points share); a sentence supports a key point as far as it holds a phrase's words close
//! together. From that evidence come a few measurements (how much of the best phrase, said in a
//! sentence of the answer's own or only in a run of keywords, rejected or not, how much of the
//! label, how substantial the sentence) and two models of boosted decision stumps, fitted on the
//! dev half of the labelled corpus (`scripts/fit_assessor.py`, written to `assess/model.rs`),
//! turn them into "covered", "partly" or "missed".
//! `make eval` measures the result on the held-out half (docs/ASSESSOR.md).
mod model;
pub mod negation;
pub mod text;
pub mod units;

use super::library::KeyPoint;
use super::practice::Mark;
use model::{COVERED, COVERED_AT, SEEN, SEEN_AT};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use text::{is_function_word, tokens};
use units::Unit;

/// The method and its version, stored with what it produced.
pub const METHOD: &str = "lexical-5";

/// Why a key point got its verdict, in words a candidate can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// said in a sentence of the answer
    Stated,
    /// only named (in a list of keywords), or only half-said
    Named,
    /// mentioned only to be rejected ("no need to roll back")
    Rejected,
    /// not found
    Absent,
}

impl Reason {
    pub fn text(self) -> &'static str {
        match self {
            Reason::Stated => "said in your answer",
            Reason::Named => "named, but not said with what or why",
            Reason::Rejected => "your answer argues against it",
            Reason::Absent => "not found in your answer",
        }
    }
}

/// The assessor's reading of one key point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub key: String,
    pub label: String,
    pub mark: Mark,
    pub reason: Reason,
    /// how sure the reading is, 0 to 1
    pub confidence: f32,
    /// byte ranges of the answer that support the verdict (for a rejection, where it was
    /// rejected), in order
    pub evidence: Vec<(usize, usize)>,
}

/// A piece of an answer as the page shows it: its text, and the key points (numbered from 1 in
/// the drill's order) whose evidence it is. No HTML travels in it: the page marks the pieces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub points: Vec<usize>,
}

/// `answer` cut at the edges of the findings' evidence, each piece with the key points it
/// supports (most pieces: none).
pub fn pieces(answer: &str, findings: &[Finding]) -> Vec<Piece> {
    let mut edges: Vec<usize> = vec![0, answer.len()];
    for f in findings {
        for &(s, e) in &f.evidence {
            if s < e
                && e <= answer.len()
                && answer.is_char_boundary(s)
                && answer.is_char_boundary(e)
            {
                edges.push(s);
                edges.push(e);
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    edges
        .windows(2)
        .map(|w| {
            let (s, e) = (w[0], w[1]);
            let points = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.evidence.iter().any(|&(fs, fe)| fs <= s && e <= fe))
                .map(|(i, _)| i + 1)
                .collect();
            Piece {
                text: answer[s..e].to_string(),
                points,
            }
        })
        .filter(|p| !p.text.is_empty())
        .collect()
}

/// Words that say little about which key point is meant: they weigh half.
const GENERIC: &[&str] = &[
    "check", "look", "monitor", "model", "data", "version", "metric", "log", "issu", "problem",
    "chang", "system", "servic", "team", "use", "run", "set", "make", "time", "new", "old",
    "first", "good", "bad", "rat", "high", "low", "incident", "track",
];

/// Share of a unit's words the prompt already has, above which the unit restates the question.
const RESTATES: f32 = 0.7;
/// A unit of this many content words or fewer is a fragment, whatever its punctuation.
const THIN: usize = 4;
/// How far apart (in words) a phrase's words may be, beyond the phrase's own length.
const SLACK: usize = 4;

/// A phrase of a key point: its content words.
struct Phrase {
    words: Vec<String>,
}

fn phrase(text: &str) -> Option<Phrase> {
    let words: Vec<String> = tokens(text)
        .into_iter()
        .map(|t| t.norm)
        .filter(|w| !is_function_word(w))
        .collect();
    (!words.is_empty()).then_some(Phrase { words })
}

/// The best match of a phrase in a unit.
#[derive(Clone, Copy, Debug)]
struct Match {
    /// share of the phrase's weight found close together, 0 to 1
    score: f32,
    /// most of the matched words are in a negated scope
    negated: bool,
}

/// How strongly `unit` supports `phrase`.
fn support(
    phrase: &Phrase,
    unit: &Unit,
    negated: &[bool],
    weight: &dyn Fn(&str) -> f32,
) -> Option<Match> {
    let toks = &unit.tokens;
    // Where each phrase word occurs: as a word, or as two words written together or apart
    // ("rollback" / "roll back").
    let positions: Vec<Vec<usize>> = phrase
        .words
        .iter()
        .map(|w| {
            (0..toks.len())
                .filter(|&i| {
                    toks[i].norm == *w
                        || toks.get(i + 1).is_some_and(|n| {
                            w.len() == toks[i].norm.len() + n.norm.len()
                                && w.starts_with(toks[i].norm.as_str())
                                && w.ends_with(n.norm.as_str())
                        })
                })
                .collect()
        })
        .collect();
    let total: f32 = phrase.words.iter().map(|w| weight(w)).sum();
    let window = phrase.words.len() + SLACK;
    let mut best: Option<Match> = None;
    for anchor in positions.iter().flatten().copied() {
        let (lo, hi) = (anchor.saturating_sub(window), anchor + window);
        let (mut found, mut hits, mut negated_hits) = (0.0, 0, 0);
        let (mut first, mut last) = (anchor, anchor);
        for (w, pos) in phrase.words.iter().zip(&positions) {
            // Positions are in order: the first at or after `lo`, if it is within reach.
            if let Some(&p) = pos
                .get(pos.partition_point(|&p| p < lo))
                .filter(|&&p| p <= hi)
            {
                found += weight(w);
                first = first.min(p);
                last = last.max(p);
                hits += 1;
                negated_hits += usize::from(negated.get(p).copied().unwrap_or(false));
            }
        }
        if last - first > window {
            continue;
        }
        let score = if total > 0.0 { found / total } else { 0.0 };
        if best.is_none_or(|b| score > b.score) {
            best = Some(Match {
                score,
                negated: negated_hits * 2 > hits,
            });
        }
    }
    best
}

/// The measurements a verdict is made from, for one key point in one answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Features {
    /// best phrase score in a sentence of the answer's own (not a fragment), not rejected
    pub stated: f32,
    /// best phrase score in a fragment (a run of keywords, a few words alone)
    pub fragment: f32,
    /// best phrase score where the answer rejects it
    pub rejected: f32,
    /// share of the label's weight found in one sentence
    pub label: f32,
    /// synonyms matched whole anywhere (not rejected), capped at 3
    pub synonyms: f32,
    /// sentences with some support (score at least a half), capped at 3
    pub sentences: f32,
    /// content words of the best supporting sentence, over 20 (capped at 1)
    pub substance: f32,
    /// share of the answer's units that are fragments
    pub stuffed: f32,
    /// the answer's content words, log-scaled to about 0-1
    pub length: f32,
    /// the best supporting sentence rejects something (a negation anywhere in it)
    pub doubt: f32,
    /// share of the answer's sentences that reject something: an answer that argues against
    /// the usual moves
    pub contrary: f32,
    /// share of the drill's key points the answer states in full somewhere: how thorough the
    /// whole answer is
    pub breadth: f32,
}

impl Features {
    pub fn vector(&self) -> [f32; FEATURES] {
        [
            self.stated,
            self.fragment,
            self.rejected,
            self.label,
            self.synonyms,
            self.sentences,
            self.substance,
            self.stuffed,
            self.length,
            self.doubt,
            self.contrary,
            self.breadth,
        ]
    }
}

/// How many measurements [`Features::vector`] has.
pub const FEATURES: usize = 12;

/// A verdict model, fitted on the dev half by `scripts/fit_assessor.py` (`assess/model.rs`):
/// gradient-boosted decision stumps. The log-odds are `base` plus, for each stump
/// `(feature, threshold, low, high)`, `low` when measurement `feature` of
/// [`Features::vector`] is at most `threshold`, else `high`: a sum of step functions of single
/// measurements. `COVERED` says how likely the expert ticks the point covered, `SEEN` how likely
/// at least partly.
struct Boosted {
    base: f32,
    stumps: &'static [(u8, f32, f32, f32)],
}

impl Boosted {
    fn probability(&self, x: &[f32; FEATURES]) -> f32 {
        let z = self.base
            + self
                .stumps
                .iter()
                .map(|&(f, t, low, high)| if x[usize::from(f)] <= t { low } else { high })
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Stated plainly: two of the key point's synonyms whole, the best in a sentence of eight or more
/// content words that rejects nothing. Covered whatever else the answer says or how long it is
/// (the models lean on the whole answer's length and breadth; this keeps a short answer that
/// says the point from being read as only naming it).
fn stated_plainly(f: &Features) -> bool {
    f.stated >= 0.999 && f.substance >= 0.4 && f.doubt == 0.0 && f.synonyms >= 2.0
}

/// Everything the verdicts need, gathered once per answer.
struct Reading {
    units: Vec<(Unit, Vec<bool>)>,
    stuffed: f32,
    length: f32,
    contrary: f32,
}

fn read(answer: &str, prompt_words: &HashSet<String>) -> Reading {
    const MAX_WORDS: usize = 6_000;
    let mut budget = MAX_WORDS;
    let mut read_so_far: Vec<Unit> = Vec::new();
    for mut u in units::units(answer) {
        if budget == 0 {
            break;
        }
        // The budget counts words: the unit that reaches it is cut there.
        if u.tokens.len() > budget {
            u.tokens.truncate(budget);
            u.end = u.tokens[u.tokens.len() - 1].end;
        }
        budget -= u.tokens.len();
        read_so_far.push(u);
    }
    let all: Vec<Unit> = read_so_far
        .into_iter()
        .map(|mut u| {
            u.fragment |= u.content_words() <= THIN;
            u
        })
        .collect();
    let words: usize = all.iter().map(Unit::content_words).sum();
    let fragments = all.iter().filter(|u| u.fragment).count();
    let stuffed = if all.is_empty() {
        0.0
    } else {
        fragments as f32 / all.len() as f32
    };
    let units: Vec<(Unit, Vec<bool>)> = all
        .into_iter()
        .filter(|u| {
            // A unit that mostly says what the prompt said is no evidence of anything.
            let content: Vec<&str> = u
                .tokens
                .iter()
                .map(|t| t.norm.as_str())
                .filter(|w| !is_function_word(w))
                .collect();
            let restated = content
                .iter()
                .filter(|w| prompt_words.contains(**w))
                .count();
            content.len() < 3 || (restated as f32) < RESTATES * content.len() as f32
        })
        .map(|u| {
            let breaks = negation::clause_breaks(answer, &u.tokens);
            let neg = negation::negated(&u.tokens, &breaks);
            (u, neg)
        })
        .collect();
    let contrary = if units.is_empty() {
        0.0
    } else {
        units.iter().filter(|(_, neg)| neg.contains(&true)).count() as f32 / units.len() as f32
    };
    Reading {
        units,
        stuffed,
        length: ((words as f32 + 1.0).ln() / 6.0).min(1.5),
        contrary,
    }
}

/// The evidence on one key point, and where in the answer it stands.
struct Evidence {
    features: Features,
    stated_at: Vec<(usize, usize)>,
    named_at: Vec<(usize, usize)>,
    rejected_at: Vec<(usize, usize)>,
}

fn gather(
    synonyms: &[Phrase],
    label: Option<&Phrase>,
    reading: &Reading,
    weight: &dyn Fn(&str) -> f32,
) -> Evidence {
    let mut f = Features {
        stuffed: reading.stuffed,
        length: reading.length,
        contrary: reading.contrary,
        ..Features::default()
    };
    let (mut stated_at, mut named_at, mut rejected_at) = (vec![], vec![], vec![]);
    let mut whole: HashSet<usize> = HashSet::new();
    let mut best_substance = (0.0_f32, 0usize);
    for (unit, neg) in &reading.units {
        let span = (unit.start, unit.end);
        let mut unit_best = 0.0_f32;
        for (i, p) in synonyms.iter().enumerate() {
            let Some(m) = support(p, unit, neg, weight) else {
                continue;
            };
            if m.negated {
                f.rejected = f.rejected.max(m.score);
                if m.score >= 0.6 {
                    rejected_at.push(span);
                }
                continue;
            }
            if m.score >= 0.999 {
                whole.insert(i);
            }
            unit_best = unit_best.max(m.score);
            if unit.fragment {
                f.fragment = f.fragment.max(m.score);
            } else {
                f.stated = f.stated.max(m.score);
            }
        }
        if let Some(m) = label.and_then(|p| support(p, unit, neg, weight)) {
            if !m.negated {
                f.label = f.label.max(m.score);
                unit_best = unit_best.max(m.score * 0.8);
            }
        }
        if unit_best >= 0.5 {
            f.sentences += 1.0;
            if unit.fragment {
                named_at.push(span);
            } else {
                stated_at.push(span);
            }
            if unit_best > best_substance.0 {
                best_substance = (unit_best, unit.content_words());
                f.doubt = if neg.contains(&true) { 1.0 } else { 0.0 };
            }
        }
    }
    f.synonyms = (whole.len() as f32).min(3.0);
    f.sentences = f.sentences.min(3.0);
    f.substance = (best_substance.1 as f32 / 20.0).min(1.0);
    Evidence {
        features: f,
        stated_at,
        named_at,
        rejected_at,
    }
}

/// Read `answer` against `key_points` and return the measurements, for the verdicts or for
/// fitting the models. `prompt` is the question as asked: a sentence that only restates it is
/// no evidence. Bounded work whatever the input: words beyond the first 6,000 are not read.
pub fn features(answer: &str, prompt: &str, key_points: &[KeyPoint]) -> Vec<Features> {
    assess_with(answer, prompt, key_points)
        .into_iter()
        .map(|(_, e)| e.features)
        .collect()
}

fn assess_with<'k>(
    answer: &str,
    prompt: &str,
    key_points: &'k [KeyPoint],
) -> Vec<(&'k KeyPoint, Evidence)> {
    let prompt_words: HashSet<String> = tokens(prompt)
        .into_iter()
        .map(|t| t.norm)
        .filter(|w| !is_function_word(w))
        .collect();
    let reading = read(answer, &prompt_words);
    let phrases: Vec<(Vec<Phrase>, Option<Phrase>)> = key_points
        .iter()
        .map(|k| {
            (
                k.synonyms.iter().filter_map(|s| phrase(s)).collect(),
                phrase(&k.label),
            )
        })
        .collect();
    // How many key points use each word: a word of one key point alone says the most.
    let mut df: HashMap<&str, usize> = HashMap::new();
    for (syn, label) in &phrases {
        let vocabulary: HashSet<&str> = syn
            .iter()
            .chain(label)
            .flat_map(|p| p.words.iter().map(String::as_str))
            .collect();
        for w in vocabulary {
            *df.entry(w).or_default() += 1;
        }
    }
    let k = key_points.len().max(1) as f32;
    let weight = |w: &str| {
        let idf = ((k + 1.0) / *df.get(w).unwrap_or(&1) as f32).ln() + 0.2;
        if GENERIC.contains(&w) || prompt_words.contains(w) {
            idf * 0.5
        } else {
            idf
        }
    };
    let mut gathered: Vec<(&KeyPoint, Evidence)> = key_points
        .iter()
        .zip(&phrases)
        .map(|(kp, (syn, label))| (kp, gather(syn, label.as_ref(), &reading, &weight)))
        .collect();
    let stated = gathered
        .iter()
        .filter(|(_, e)| e.features.stated >= 0.999)
        .count() as f32;
    for (_, e) in &mut gathered {
        e.features.breadth = stated / k;
    }
    gathered
}

/// Read `answer` against `key_points`: a finding per key point, in their order.
pub fn assess(answer: &str, prompt: &str, key_points: &[KeyPoint]) -> Vec<Finding> {
    assess_with(answer, prompt, key_points)
        .into_iter()
        .map(|(kp, e)| {
            let x = e.features.vector();
            let covered = if stated_plainly(&e.features) {
                1.0
            } else {
                COVERED.probability(&x)
            };
            let seen = SEEN.probability(&x);
            let keep = |mut v: Vec<(usize, usize)>| {
                v.sort_unstable();
                v.dedup();
                v.truncate(3);
                v
            };
            let (mark, reason, evidence, confidence) = if covered >= COVERED_AT {
                (Mark::Covered, Reason::Stated, keep(e.stated_at), covered)
            } else if seen >= SEEN_AT {
                let at = if e.named_at.is_empty() {
                    e.stated_at
                } else {
                    e.named_at
                };
                (
                    Mark::Partly,
                    Reason::Named,
                    keep(at),
                    seen.min(1.0 - covered),
                )
            } else if !e.rejected_at.is_empty() {
                (
                    Mark::Missed,
                    Reason::Rejected,
                    keep(e.rejected_at),
                    1.0 - seen,
                )
            } else {
                (Mark::Missed, Reason::Absent, Vec::new(), 1.0 - seen)
            };
            Finding {
                key: kp.key.clone(),
                label: kp.label.clone(),
                mark,
                reason,
                confidence,
                evidence,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
