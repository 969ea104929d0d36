//! Mock interview sessions, as sent to the interviewer's console and the candidate's screen.
//!
//! The two are different types on purpose: `CandidateScreen` has no field that could carry key
//! points, the answer key, the rubric, marks or notes, so the candidate's browser is never sent
//! them, whatever a view does.
use super::library::{KeyPoint, Recommendation, RubricDimension};
use super::practice::{Mark, ScenarioRef, Scorecard};
use serde::{Deserialize, Serialize};

/// Longest interviewer notes or feedback, in characters.
pub const MAX_NOTES_CHARS: usize = 20_000;
/// Most scenarios in one session.
pub const MAX_SESSION_SCENARIOS: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionStatus {
    Live,
    Ended,
}

impl SessionStatus {
    pub fn parse(key: &str) -> Self {
        if key == "ended" {
            Self::Ended
        } else {
            Self::Live
        }
    }
}

/// One line of the interviewer's list of sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    pub candidate: String,
    pub status: SessionStatus,
    pub created_at: i64,
    pub scenarios: i64,
    /// The asker shadows this session rather than running it.
    pub shadowing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleFollowUp {
    pub position: i64,
    pub html: String,
    pub probes: Vec<String>,
    pub revealed: bool,
}

/// One scenario of the session in the console's outline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineItem {
    pub position: i64,
    pub title: String,
    pub scored: bool,
}

/// A scorecard as the console shows it: who wrote it, and whether it amends another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleScorecard {
    pub id: i64,
    pub card: Scorecard,
    pub mine: bool,
    pub recommendation: Option<String>,
    pub target_level: Option<String>,
    pub feedback_html: String,
    pub notes_html: String,
    pub amends: Option<i64>,
    pub amend_reason: Option<String>,
    /// an amendment made after its author could read another scorer's scorecard
    pub saw_others: bool,
    /// what the rubric's rule gives for these scores at the chosen level (its key)
    pub suggested: Option<String>,
}

/// The interviewer's (or shadow's) console for one session, at its current scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Console {
    pub id: i64,
    /// The asker is a shadow: read-only, but scores independently.
    pub shadow: bool,
    pub join_path: Option<String>,
    pub candidate: String,
    pub candidate_has_account: bool,
    pub status: SessionStatus,
    pub planned_minutes: i64,
    pub created_at: i64,
    pub now: i64,
    pub notes_md: String,
    pub outline: Vec<OutlineItem>,
    pub position: i64,
    pub scenario: ScenarioRef,
    pub item_started_at: i64,
    pub prompt_html: String,
    pub key_points: Vec<(KeyPoint, Option<Mark>)>,
    pub follow_ups: Vec<ConsoleFollowUp>,
    /// the rubric dimensions this scenario exercises (its not-applicable ones left out)
    pub dimensions: Vec<RubricDimension>,
    pub recommendations: Vec<Recommendation>,
    /// how dimension scores combine into the recommendation, in words (sanitised HTML)
    pub rule_html: String,
    /// the assessor's reading of the saved notes: key points they seem to cover (covered or
    /// partly), a suggestion only, for the interviewer
    pub note_readings: Vec<(String, Mark)>,
    /// Scorecards of this scenario the asker may see: theirs, and the others' once the asker
    /// has submitted their own.
    pub scorecards: Vec<ConsoleScorecard>,
    /// How many scorecards this scenario has in all (to say "1 more hidden until you submit").
    pub scorecard_count: i64,
    pub shared: bool,
}

/// Everything the candidate's screen shows, and nothing more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateScreen {
    pub candidate: String,
    pub status: SessionStatus,
    pub revision: i64,
    pub position: i64,
    pub count: i64,
    pub title: String,
    pub prompt_html: String,
    /// Follow-up questions revealed so far, in the order they were asked.
    pub revealed: Vec<String>,
    pub item_started_at: i64,
    pub session_started_at: i64,
    pub planned_minutes: i64,
    pub now: i64,
}
