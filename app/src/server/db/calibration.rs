//! SQL for calibration: exercises, blind ratings, the expert key, the team's statistics' inputs.
use crate::domain::calibration::Rating;
use crate::server::db::{Conn, Flag, Pool};
use sqlx::FromRow;
use std::collections::BTreeMap;

/// Whether `user` is on `team`: None if not, Some(is_lead) if so.
pub async fn membership(pool: &Pool, team: i64, user: i64) -> Result<Option<bool>, sqlx::Error> {
    let lead: Option<Flag> =
        sqlx::query_scalar("SELECT is_lead FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team)
            .bind(user)
            .fetch_optional(pool)
            .await?;
    Ok(lead.map(bool::from))
}

/// The teams `user` is on: (id, name, is_lead), by name.
pub async fn teams_of(pool: &Pool, user: i64) -> Result<Vec<(i64, String, bool)>, sqlx::Error> {
    let rows: Vec<(i64, String, Flag)> = sqlx::query_as(
        "SELECT t.id, t.name, m.is_lead FROM team_members m JOIN teams t ON t.id = m.team_id
          WHERE m.user_id = $1 ORDER BY lower(t.name)",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, Flag(lead))| (id, name, lead))
        .collect())
}

/// Whether scenario `slug` may be used in `team`'s exercises: a built-in, or the team's own.
pub async fn usable_by_team(pool: &Pool, slug: &str, team: i64) -> Result<bool, sqlx::Error> {
    let Flag(usable) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM scenarios WHERE slug = $1 AND (team_id IS NULL OR team_id = $2))",
    )
    .bind(slug)
    .bind(team)
    .fetch_one(pool)
    .await?;
    Ok(usable)
}

pub struct NewExercise<'a> {
    pub team_id: i64,
    pub scenario_version_id: i64,
    pub rubric_version_id: i64,
    pub title: &'a str,
    pub reference_md: &'a str,
    pub source_attempt_id: Option<i64>,
    pub created_by: i64,
    pub expert: &'a BTreeMap<String, u8>,
    pub now: i64,
}

pub async fn create(conn: &mut Conn, e: &NewExercise<'_>) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO calibration_exercises (team_id, scenario_version_id, rubric_version_id, title,
                                            reference_md, source_attempt_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(e.team_id)
    .bind(e.scenario_version_id)
    .bind(e.rubric_version_id)
    .bind(e.title)
    .bind(e.reference_md)
    .bind(e.source_attempt_id)
    .bind(e.created_by)
    .bind(e.now)
    .fetch_one(&mut *conn)
    .await?;
    for (key, score) in e.expert {
        sqlx::query(
            "INSERT INTO calibration_expert_scores (exercise_id, dimension_key, score)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(key)
        .bind(i64::from(*score))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct Head {
    pub id: i64,
    pub team_id: i64,
    pub team: String,
    pub scenario_version_id: i64,
    pub rubric_version_id: i64,
    pub title: String,
    pub reference_md: String,
    pub created_at: i64,
    pub revealed_at: Option<i64>,
}

pub async fn head(pool: &Pool, id: i64) -> Result<Option<Head>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.team_id, t.name AS team, e.scenario_version_id, e.rubric_version_id,
                e.title, e.reference_md, e.created_at, e.revealed_at
           FROM calibration_exercises e JOIN teams t ON t.id = e.team_id
          WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The exercises of the teams `user` is on, newest first, with how many have rated each and
/// whether `user` has.
#[derive(Clone, Debug, FromRow)]
pub struct Row {
    pub id: i64,
    pub team_id: i64,
    pub team: String,
    pub title: String,
    pub scenario_title: String,
    pub created_at: i64,
    pub revealed_at: Option<i64>,
    pub rated: i64,
    pub members: i64,
    #[sqlx(try_from = "Flag")]
    pub mine: bool,
}

pub async fn list_for(pool: &Pool, user: i64) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.team_id, t.name AS team, e.title, v.title AS scenario_title, e.created_at,
                e.revealed_at,
                (SELECT count(*) FROM calibration_ratings r WHERE r.exercise_id = e.id) AS rated,
                (SELECT count(*) FROM team_members m2 WHERE m2.team_id = e.team_id) AS members,
                EXISTS (SELECT 1 FROM calibration_ratings r
                         WHERE r.exercise_id = e.id AND r.rater_id = $1) AS mine
           FROM calibration_exercises e
           JOIN teams t ON t.id = e.team_id
           JOIN scenario_versions v ON v.id = e.scenario_version_id
          WHERE e.team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)
          ORDER BY e.created_at DESC, e.id DESC",
    )
    .bind(user)
    .fetch_all(pool)
    .await
}

pub async fn expert(pool: &Pool, exercise: i64) -> Result<BTreeMap<String, u8>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT dimension_key, score FROM calibration_expert_scores WHERE exercise_id = $1",
    )
    .bind(exercise)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(k, s)| (k, s as u8)).collect())
}

/// Shown for a rating whose rater deleted their account.
pub const FORMER_MEMBER: &str = "Former member";

/// Every rating of an exercise, in the order submitted.
pub async fn ratings(pool: &Pool, exercise: i64) -> Result<Vec<Rating>, sqlx::Error> {
    let heads: Vec<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT r.id, r.rater_id, u.display_name FROM calibration_ratings r
           LEFT JOIN users u ON u.id = r.rater_id
          WHERE r.exercise_id = $1 ORDER BY r.submitted_at, r.id",
    )
    .bind(exercise)
    .fetch_all(pool)
    .await?;
    let scores: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT s.rating_id, s.dimension_key, s.score FROM calibration_rating_scores s
           JOIN calibration_ratings r ON r.id = s.rating_id WHERE r.exercise_id = $1",
    )
    .bind(exercise)
    .fetch_all(pool)
    .await?;
    Ok(heads
        .into_iter()
        .map(|(id, rater_id, name)| Rating {
            rater_id,
            rater: name.unwrap_or_else(|| FORMER_MEMBER.into()),
            scores: scores
                .iter()
                .filter(|(r, _, _)| *r == id)
                .map(|(_, k, s)| (k.clone(), *s as u8))
                .collect(),
        })
        .collect())
}

/// Every rater's reasoning that is not empty, in the order submitted (shown after the reveal).
pub async fn notes(pool: &Pool, exercise: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows: Vec<(Option<String>, String)> = sqlx::query_as(
        "SELECT u.display_name, r.notes_md FROM calibration_ratings r
           LEFT JOIN users u ON u.id = r.rater_id
          WHERE r.exercise_id = $1 AND r.notes_md <> '' ORDER BY r.submitted_at, r.id",
    )
    .bind(exercise)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, notes)| (name.unwrap_or_else(|| FORMER_MEMBER.into()), notes))
        .collect())
}

/// The asker's own rating: its scores, notes and when it was submitted.
pub async fn own_rating(
    pool: &Pool,
    exercise: i64,
    rater: i64,
) -> Result<Option<(BTreeMap<String, u8>, String, i64)>, sqlx::Error> {
    let head: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, notes_md, submitted_at FROM calibration_ratings
          WHERE exercise_id = $1 AND rater_id = $2",
    )
    .bind(exercise)
    .bind(rater)
    .fetch_optional(pool)
    .await?;
    let Some((id, notes, at)) = head else {
        return Ok(None);
    };
    let scores: Vec<(String, i64)> = sqlx::query_as(
        "SELECT dimension_key, score FROM calibration_rating_scores WHERE rating_id = $1",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some((
        scores.into_iter().map(|(k, s)| (k, s as u8)).collect(),
        notes,
        at,
    )))
}

/// Team members' names and whether each has submitted (never their scores).
pub async fn progress(pool: &Pool, exercise: i64) -> Result<Vec<(String, bool)>, sqlx::Error> {
    let rows: Vec<(String, Flag)> = sqlx::query_as(
        "SELECT u.display_name,
                EXISTS (SELECT 1 FROM calibration_ratings r
                         WHERE r.exercise_id = e.id AND r.rater_id = u.id)
           FROM calibration_exercises e
           JOIN team_members m ON m.team_id = e.team_id
           JOIN users u ON u.id = m.user_id
          WHERE e.id = $1
          ORDER BY lower(u.display_name)",
    )
    .bind(exercise)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, Flag(done))| (name, done))
        .collect())
}

pub enum Submitted {
    Stored,
    AlreadyRated,
    AlreadyRevealed,
}

/// Store a rating, unless the rater has one or the results are out (checked in the same write
/// transaction, so two tabs submitting at once store one).
pub async fn submit(
    pool: &Pool,
    exercise: i64,
    rater: i64,
    scores: &BTreeMap<String, u8>,
    notes: &str,
    now: i64,
) -> Result<Submitted, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    let (Flag(revealed), Flag(rated)) = sqlx::query_as(
        "SELECT revealed_at IS NOT NULL,
                EXISTS (SELECT 1 FROM calibration_ratings WHERE exercise_id = $1 AND rater_id = $2)
           FROM calibration_exercises WHERE id = $1",
    )
    .bind(exercise)
    .bind(rater)
    .fetch_one(&mut *tx)
    .await?;
    if rated {
        return Ok(Submitted::AlreadyRated);
    }
    if revealed {
        return Ok(Submitted::AlreadyRevealed);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO calibration_ratings (exercise_id, rater_id, notes_md, submitted_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(exercise)
    .bind(rater)
    .bind(notes)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (key, score) in scores {
        sqlx::query(
            "INSERT INTO calibration_rating_scores (rating_id, dimension_key, score)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(key)
        .bind(i64::from(*score))
        .execute(&mut *tx)
        .await?;
    }
    crate::server::db::commit(tx).await?;
    Ok(Submitted::Stored)
}

/// Reveal the results; false if they already were.
pub async fn reveal(pool: &Pool, exercise: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE calibration_exercises SET revealed_at = $2 WHERE id = $1 AND revealed_at IS NULL",
    )
    .bind(exercise)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Mock attempts a lead of `team` may take a reference answer from: run by a team member,
/// finished, and agreed to by their candidate: (attempt id, label, finished at, scenario version).
pub async fn sources(pool: &Pool, team: i64) -> Result<Vec<(i64, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, v.title || ' — ' || coalesce(cu.display_name, s.guest_name, 'Candidate'),
                a.submitted_at, a.scenario_version_id
           FROM attempts a
           JOIN scenario_versions v ON v.id = a.scenario_version_id
           JOIN mock_session_items i ON i.attempt_id = a.id
           JOIN mock_sessions s ON s.id = i.session_id
           LEFT JOIN users cu ON cu.id = s.candidate_id
          WHERE a.mode = 'mock' AND a.submitted_at IS NOT NULL
            AND a.calibration_consent_at IS NOT NULL
            AND s.interviewer_id IN (SELECT user_id FROM team_members WHERE team_id = $1)
          ORDER BY a.submitted_at DESC",
    )
    .bind(team)
    .fetch_all(pool)
    .await
}

/// The transcript a mock attempt gives as a reference answer: the candidate's written answer
/// if any, then the interviewers' evidence notes (what the candidate said).
pub async fn source_transcript(pool: &Pool, attempt: i64) -> Result<String, sqlx::Error> {
    let answer: String = sqlx::query_scalar("SELECT answer_md FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(pool)
        .await?;
    let notes: Vec<String> = sqlx::query_scalar(
        "SELECT notes_md FROM scorecards
          WHERE attempt_id = $1 AND kind = 'interviewer' AND amends_id IS NULL AND notes_md <> ''
          ORDER BY submitted_at, id",
    )
    .bind(attempt)
    .fetch_all(pool)
    .await?;
    let mut parts = Vec::new();
    if !answer.trim().is_empty() {
        parts.push(answer);
    }
    parts.extend(notes);
    Ok(parts.join("\n\n---\n\n"))
}

/// Record or withdraw the candidate's consent; only their own, submitted, mock attempts.
pub async fn set_consent(
    pool: &Pool,
    attempt: i64,
    candidate: i64,
    at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE attempts SET calibration_consent_at = $3
          WHERE id = $1 AND candidate_id = $2 AND mode = 'mock' AND submitted_at IS NOT NULL",
    )
    .bind(attempt)
    .bind(candidate)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One of a rater's own ratings, for their data export.
pub struct OwnRatingRow {
    pub exercise: String,
    pub team: String,
    pub submitted_at: i64,
    pub notes: String,
    pub scores: BTreeMap<String, u8>,
}

/// Every rating `rater` submitted, oldest first.
pub async fn ratings_by(pool: &Pool, rater: i64) -> Result<Vec<OwnRatingRow>, sqlx::Error> {
    let heads: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT r.id, e.title, t.name, r.submitted_at, r.notes_md
           FROM calibration_ratings r
           JOIN calibration_exercises e ON e.id = r.exercise_id
           JOIN teams t ON t.id = e.team_id
          WHERE r.rater_id = $1 ORDER BY r.submitted_at, r.id",
    )
    .bind(rater)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(heads.len());
    for (id, exercise, team, submitted_at, notes) in heads {
        let scores: Vec<(String, i64)> = sqlx::query_as(
            "SELECT dimension_key, score FROM calibration_rating_scores WHERE rating_id = $1",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        out.push(OwnRatingRow {
            exercise,
            team,
            submitted_at,
            notes,
            scores: scores.into_iter().map(|(k, s)| (k, s as u8)).collect(),
        });
    }
    Ok(out)
}
