//! Practice: attempts, scorecards, history and what to practise next, as sent to the views; and
//! the rules for what a candidate may submit.
use super::error::Invalid;
use super::library::{KeyPoint, RubricDimension, Section};
use super::number::fixed;
use super::taxonomy::Topic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest answer accepted, in characters: a long 30-minute written answer is a third of this.
pub const MAX_ANSWER_CHARS: usize = 40_000;
/// Time limits offered when starting an attempt, in minutes.
pub const TIME_LIMITS_MIN: [i64; 5] = [5, 10, 15, 20, 30];

/// How a scorer marked one key point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    Covered,
    Partly,
    Missed,
}

impl Mark {
    pub const ALL: [Mark; 3] = [Mark::Covered, Mark::Partly, Mark::Missed];

    pub fn key(self) -> &'static str {
        match self {
            Mark::Covered => "covered",
            Mark::Partly => "partly",
            Mark::Missed => "missed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::Covered => "Covered",
            Mark::Partly => "Partly",
            Mark::Missed => "Missed",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// Who wrote a scorecard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScorerKind {
    /// The candidate, about their own attempt.
    SelfScore,
    Interviewer,
    Calibration,
}

impl ScorerKind {
    pub fn key(self) -> &'static str {
        match self {
            ScorerKind::SelfScore => "self",
            ScorerKind::Interviewer => "interviewer",
            ScorerKind::Calibration => "calibration",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [Self::SelfScore, Self::Interviewer, Self::Calibration]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// Where an attempt is in the loop: answering, then self-scoring, then the answer key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Answering,
    Scoring,
    Reviewed,
}

/// The scenario an attempt answered, as a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub topics: Vec<Topic>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub key: String,
    pub name: String,
    pub score: i64,
}

/// One submitted scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub kind: ScorerKind,
    /// The scorer's name; None for the candidate's own or a deleted account.
    pub scorer: Option<String>,
    pub scores: Vec<DimensionScore>,
    pub marks: Vec<(String, Mark)>,
    pub submitted_at: i64,
}

impl Scorecard {
    pub fn mean(&self) -> f64 {
        mean(self.scores.iter().map(|s| s.score as f64))
    }

    pub fn mark(&self, key_point: &str) -> Option<Mark> {
        self.marks
            .iter()
            .find(|(k, _)| k == key_point)
            .map(|(_, m)| *m)
    }

    pub fn score(&self, dimension: &str) -> Option<i64> {
        self.scores
            .iter()
            .find(|s| s.key == dimension)
            .map(|s| s.score)
    }
}

/// The mean of some scores, 0 when there are none.
pub fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / f64::from(n)
    }
}

/// What the automatic check found for one key point in an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    pub key: String,
    pub label: String,
    /// The key point's signals that the answer contains (after stemming); empty: none found.
    pub found: Vec<String>,
}

/// One attempt, with what its stage needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: i64,
    pub scenario: ScenarioRef,
    /// The version answered is no longer the scenario's current one.
    pub outdated: bool,
    pub prompt_html: String,
    pub time_limit_s: Option<i64>,
    pub started_at: i64,
    /// The server's clock when this was read, so a browser with a wrong clock still times right.
    pub now: i64,
    pub answer_md: String,
    pub draft_saved_at: i64,
    pub submitted_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub stage: Stage,
    /// Answered out loud in a mock interview: there is no written answer.
    pub mock: bool,
    /// Mock only: when the candidate agreed to the interviewer's team using it for calibration.
    pub calibration_consent_at: Option<i64>,
    pub key_points: Vec<KeyPoint>,
    /// The rubric to score with (scoring) or that was scored with (reviewed).
    pub dimensions: Vec<RubricDimension>,
    /// Reviewed only: the answer rendered, the answer key, the scorecards and the assessor's
    /// reading of the answer (per key point, with its evidence), and the method that read it.
    pub answer_html: String,
    pub sections: Vec<Section>,
    pub self_card: Option<Scorecard>,
    pub other_cards: Vec<Scorecard>,
    pub assessment: Vec<crate::domain::assess::Finding>,
    pub assessment_method: String,
    /// When this scenario is next due for this candidate.
    pub next_due: Option<i64>,
}

/// One line of the attempts list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub id: i64,
    pub scenario: ScenarioRef,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub self_mean: Option<f64>,
    /// Mean over interviewer scorecards, once mock sessions exist.
    pub interviewer_mean: Option<f64>,
}

impl AttemptRow {
    pub fn status(&self) -> &'static str {
        match (self.submitted_at, self.self_mean) {
            (None, _) => "Draft",
            (Some(_), None) => "Awaiting self-score",
            (Some(_), Some(_)) => "Scored",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueScenario {
    pub slug: String,
    pub title: String,
    pub due_at: i64,
}

/// The scenario "Practise next" starts, and why it was picked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextPick {
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionMean {
    pub key: String,
    pub name: String,
    pub mean: f64,
    pub count: i64,
}

/// The practice dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub now: i64,
    pub due: Vec<DueScenario>,
    pub next: Option<NextPick>,
    pub in_progress: Vec<AttemptRow>,
    pub weakest: Vec<DimensionMean>,
    pub attempted: i64,
    pub total: i64,
    pub recent: Vec<AttemptRow>,
}

/// One dimension's self-scores over time, oldest first: (attempt id, submitted at, score).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionSeries {
    pub key: String,
    pub name: String,
    pub points: Vec<(i64, i64, i64)>,
    /// The same dimension in interviewers' scorecards shared with the candidate.
    pub interviewer_points: Vec<(i64, i64, i64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicProgress {
    pub topic: Topic,
    pub attempted: i64,
    pub total: i64,
    /// Mean self-score of the latest scored attempt of each scenario in the topic.
    pub mastery: Option<f64>,
}

/// Filters of the attempts list, as read from the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    pub topic: Option<Topic>,
    pub scenario: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub series: Vec<DimensionSeries>,
    pub progress: Vec<TopicProgress>,
    pub attempted: i64,
    pub total: i64,
    pub attempts: Vec<AttemptRow>,
    /// Scenarios with at least one attempt, for the filter: (slug, title).
    pub scenarios: Vec<(String, String)>,
    pub filter: HistoryFilter,
    /// Your ticks against the assessor's reading, per self-scored answer, oldest first:
    /// (attempt, scored at, key points you agreed on, key points compared).
    pub assessor_agreement: Vec<(i64, i64, i64, i64)>,
}

/// Two attempts of the same scenario, side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub scenario: ScenarioRef,
    pub dimensions: Vec<RubricDimension>,
    pub key_points: Vec<KeyPoint>,
    pub sides: [Attempt; 2],
    /// All attempts of the scenario, to pick others.
    pub choices: Vec<AttemptRow>,
}

/// A scorecard's scores, (dimension key, 1 to 4), in rubric order.
pub type Scores = Vec<(String, i64)>;
/// A scorecard's key-point marks, (key point key, mark), in key-point order.
pub type Marks = Vec<(String, Mark)>;

/// Read the `scores[key]` and `marks[key]` fields of a scorecard form against the rubric's
/// dimensions and the scenario's key points: every dimension a whole number 1 to 4, every key
/// point covered / partly / missed. What was chosen is kept in `invalid` (to show the form again)
/// and each problem is added to it, named by its field.
pub fn read_scorecard(
    dimensions: &[RubricDimension],
    key_points: &[KeyPoint],
    scores: &BTreeMap<String, String>,
    marks: &BTreeMap<String, String>,
    mut invalid: Invalid,
) -> (Scores, Marks, Invalid) {
    for (k, v) in scores {
        invalid = invalid.keep(&format!("scores[{k}]"), v);
    }
    for (k, v) in marks {
        invalid = invalid.keep(&format!("marks[{k}]"), v);
    }
    let mut chosen = Vec::new();
    for d in dimensions {
        let field = format!("scores[{}]", d.key);
        match scores.get(&d.key).map(|v| v.trim().parse::<i64>()) {
            Some(Ok(s)) if (1..=4).contains(&s) => chosen.push((d.key.clone(), s)),
            None => invalid = invalid.field(&field, format!("Score {} from 1 to 4.", d.name)),
            Some(_) => {
                invalid = invalid.field(
                    &field,
                    format!("{}: a score is a whole number from 1 to 4.", d.name),
                )
            }
        }
    }
    let mut ticked = Vec::new();
    for k in key_points {
        match marks.get(&k.key).map(|m| Mark::parse(m.trim())) {
            Some(Some(m)) => ticked.push((k.key.clone(), m)),
            _ => {
                invalid = invalid.field(
                    &format!("marks[{}]", k.key),
                    format!(
                        "Mark \u{201c}{}\u{201d} as covered, partly or missed.",
                        k.label
                    ),
                )
            }
        }
    }
    (chosen, ticked, invalid)
}

/// The FSRS rating (1 Again, 2 Hard, 3 Good, 4 Easy) a rubric mean stands for: the nearest.
pub fn rating_for_mean(mean: f64) -> u8 {
    mean.round().clamp(1.0, 4.0) as u8
}

/// "12:05" style duration.
pub fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// "26 Nov 2026", in UTC (the server renders pages; it does not know the reader's zone).
pub fn date(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil(ms.div_euclid(86_400_000));
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

/// "26 Nov 2026, 14:03 UTC".
pub fn date_time(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{}, {:02}:{:02} UTC", date(ms), minutes / 60, minutes % 60)
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's civil_from_days.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// "3.25" style score.
pub fn score_text(mean: f64) -> String {
    fixed(mean, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates_in_utc() {
        assert_eq!(date(0), "1 Jan 1970");
        // 2026-11-26T14:03:00Z
        assert_eq!(date_time(1_795_701_780_000), "26 Nov 2026, 14:03 UTC");
        // 2024-02-29, a leap day
        assert_eq!(date(1_709_164_800_000), "29 Feb 2024");
    }

    #[test]
    fn a_rubric_mean_maps_to_the_nearest_rating() {
        assert_eq!(rating_for_mean(1.0), 1);
        assert_eq!(rating_for_mean(1.4), 1);
        assert_eq!(rating_for_mean(1.5), 2);
        assert_eq!(rating_for_mean(2.9), 3);
        assert_eq!(rating_for_mean(3.6), 4);
        assert_eq!(rating_for_mean(0.0), 1, "no scores never schedules as Easy");
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(65_000), "1:05");
        assert_eq!(clock(3_725_000), "1:02:05");
        assert_eq!(clock(-5), "0:00");
    }

    #[test]
    fn a_scorecard_mean_is_over_its_dimensions() {
        let card = Scorecard {
            kind: ScorerKind::SelfScore,
            scorer: None,
            scores: [2, 3, 4]
                .map(|score| DimensionScore {
                    key: format!("d{score}"),
                    name: String::new(),
                    score,
                })
                .to_vec(),
            marks: vec![],
            submitted_at: 0,
        };
        assert!((card.mean() - 3.0).abs() < 1e-9);
        assert_eq!(card.score("d4"), Some(4));
    }
}
