//! What the calibration pages are sent: the overview, one exercise as the asker may see it, and
//! the team dashboard.
use super::{Agreement, AgreementReport, Dimension, ExerciseResults, RaterTrend, Standing};
use crate::domain::library::RubricDimension;
use serde::{Deserialize, Serialize};

/// A team the asker is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRef {
    pub id: i64,
    pub name: String,
    pub is_lead: bool,
}

/// Where an exercise stands for the asker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExerciseStage {
    /// open, and the asker has not scored it yet
    ToScore,
    /// the asker has scored it; the results are not out yet
    Waiting,
    /// the lead revealed the results
    Revealed,
}

impl ExerciseStage {
    pub fn of(revealed: bool, rated: bool) -> Self {
        match (revealed, rated) {
            (true, _) => Self::Revealed,
            (false, true) => Self::Waiting,
            (false, false) => Self::ToScore,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ToScore => "To score",
            Self::Waiting => "Scored, waiting for reveal",
            Self::Revealed => "Results out",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseRow {
    pub id: i64,
    pub team: String,
    pub title: String,
    pub scenario_title: String,
    pub created_at: i64,
    pub stage: ExerciseStage,
    pub rated: i64,
    pub members: i64,
}

/// A finished mock attempt whose candidate agreed to it being a reference answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOption {
    pub attempt_id: i64,
    pub label: String,
}

/// The calibration page: the asker's teams, their exercises, and what the lead's form offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub teams: Vec<TeamRef>,
    pub exercises: Vec<ExerciseRow>,
    /// for the lead's form: scenarios (slug, title), the current rubric, consented attempts
    pub scenarios: Vec<(String, String)>,
    pub dimensions: Vec<Dimension>,
    pub sources: Vec<SourceOption>,
}

/// The asker's own submitted rating.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnRating {
    /// (dimension name, score)
    pub scores: Vec<(String, u8)>,
    pub notes: String,
    pub submitted_at: i64,
}

/// One exercise as the asker may see it: never anyone else's scores before the reveal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseView {
    pub id: i64,
    pub team_id: i64,
    pub team: String,
    pub title: String,
    pub scenario_title: String,
    pub scenario_slug: String,
    pub prompt_html: String,
    pub reference_html: String,
    pub created_at: i64,
    pub revealed_at: Option<i64>,
    pub stage: ExerciseStage,
    pub is_lead: bool,
    pub dimensions: Vec<RubricDimension>,
    pub own: Option<OwnRating>,
    /// every member's name and whether they have submitted
    pub progress: Vec<(String, bool)>,
    pub has_expert: bool,
    /// only once revealed
    pub results: Option<ExerciseResults>,
    /// only once revealed: each rater's reasoning (rater, text)
    pub notes: Vec<(String, String)>,
}

/// A member's path from shadow to qualified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberPath {
    pub user_id: i64,
    pub name: String,
    pub is_lead: bool,
    pub shadowed: i64,
    pub led: i64,
    pub exercises: usize,
    pub standing: Standing,
    pub recent_distance: Option<f64>,
    pub qualified_at: Option<i64>,
}

impl MemberPath {
    /// The lead may confirm a member whose calibration is within the thresholds.
    pub fn can_qualify(&self) -> bool {
        self.standing == Standing::Within
    }
}

/// The team dashboard (leads only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamDashboard {
    pub team_id: i64,
    pub team: String,
    pub exercises: usize,
    /// (exercise id, revealed at, title, its agreement), oldest first
    pub over_time: Vec<(i64, i64, String, Agreement)>,
    pub report: AgreementReport,
    pub mock_attempts: usize,
    pub mock_report: AgreementReport,
    pub trends: Vec<RaterTrend>,
    pub members: Vec<MemberPath>,
}
