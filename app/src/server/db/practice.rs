//! SQL for practice: attempts, scorecards and spaced-repetition state.
use super::scenarios::topics;
use crate::domain::practice::DimensionScore;
use crate::domain::practice::{Mark, ScenarioRef, Scorecard, ScorerKind};
use crate::server::db::{Conn, Flag, Pool};
use crate::server::schedule::ReviewState;
use sqlx::FromRow;

/// The SQL condition "attempt `a` is shown to its candidate": a practice attempt always; a mock
/// attempt only once its scenario has been on the candidate's screen (`shown_at`: the screen
/// loaded it, or the interviewer moved to it). Before that the candidate would learn what they
/// are going to be asked (and, for a built-in scenario, could read its answer key); a scenario
/// never shown was never part of their interview.
pub(crate) const SHOWN_TO_CANDIDATE: &str = "(a.mode = 'practice' OR EXISTS (
    SELECT 1 FROM mock_session_items si WHERE si.attempt_id = a.id AND si.shown_at IS NOT NULL))";

/// A scenario version a new attempt can answer.
#[derive(Debug, FromRow)]
pub struct StartTarget {
    pub version_id: i64,
    pub scenario_id: i64,
}

/// The version `version` of the (unarchived) scenario `slug`, if both exist and the viewer
/// may see the scenario (a team's scenarios are its members' only).
pub async fn start_target(
    pool: &Pool,
    viewer: super::scenarios::Viewer,
    slug: &str,
    version: i64,
) -> Result<Option<StartTarget>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT v.id AS version_id, s.id AS scenario_id
           FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id
          WHERE s.slug = $1 AND v.version = $2 AND s.archived_at IS NULL AND {}",
        super::scenarios::visible(3)
    ))
    .bind(slug)
    .bind(version)
    .bind(viewer.0)
    .fetch_optional(pool)
    .await
}

/// The candidate's unsubmitted attempt at this scenario, if there is one.
pub async fn open_draft(
    pool: &Pool,
    candidate_id: i64,
    scenario_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.id FROM attempts a JOIN scenario_versions v ON v.id = a.scenario_version_id
          WHERE a.candidate_id = $1 AND v.scenario_id = $2 AND a.submitted_at IS NULL
            AND a.mode = 'practice'
          ORDER BY a.id DESC LIMIT 1",
    )
    .bind(candidate_id)
    .bind(scenario_id)
    .fetch_optional(pool)
    .await
}

pub async fn create(
    pool: &Pool,
    candidate_id: i64,
    version_id: i64,
    time_limit_s: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO attempts (candidate_id, scenario_version_id, mode, time_limit_s, answer_md,
                               started_at, draft_saved_at)
         VALUES ($1, $2, 'practice', $3, '', $4, $4) RETURNING id",
    )
    .bind(candidate_id)
    .bind(version_id)
    .bind(time_limit_s)
    .bind(now)
    .fetch_one(pool)
    .await
}

/// An attempt's own row, with the scenario it answered.
#[derive(Clone, Debug, FromRow)]
pub struct AttemptCore {
    pub id: i64,
    /// None for a guest's attempt in a mock session.
    pub candidate_id: Option<i64>,
    /// 'practice' or 'mock'
    pub mode: String,
    pub version_id: i64,
    pub scenario_id: i64,
    #[sqlx(try_from = "Flag")]
    pub is_current: bool,
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub topics: Option<String>,
    pub prompt_html: String,
    pub time_limit_s: Option<i64>,
    pub answer_md: String,
    pub started_at: i64,
    pub draft_saved_at: i64,
    pub submitted_at: Option<i64>,
    pub duration_ms: Option<i64>,
    /// mock attempts: when the candidate agreed to calibration use, if they did
    pub calibration_consent_at: Option<i64>,
    /// practice, or a mock whose scenario the interviewer has put on screen
    #[sqlx(try_from = "Flag")]
    pub shown_to_candidate: bool,
    /// the candidate may see the scenario (built-in, or of a team they are on): only then are
    /// its key points and answer key theirs to read
    #[sqlx(try_from = "Flag")]
    pub answer_key_visible: bool,
}

impl AttemptCore {
    pub fn scenario(&self) -> ScenarioRef {
        ScenarioRef {
            slug: self.slug.clone(),
            title: self.title.clone(),
            version: self.version,
            topics: topics(self.topics.as_deref().unwrap_or_default()),
        }
    }
}

pub async fn core(pool: &Pool, id: i64) -> Result<Option<AttemptCore>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT a.id, a.candidate_id, a.mode, v.id AS version_id, s.id AS scenario_id,
                (s.current_version_id = v.id) AS is_current, s.slug, v.title, v.version,
                (SELECT string_agg(t.topic, ',') FROM scenario_version_topics t
                  WHERE t.version_id = v.id) AS topics,
                v.prompt_html, a.time_limit_s, a.answer_md, a.started_at, a.draft_saved_at,
                a.submitted_at, a.duration_ms, a.calibration_consent_at,
                {SHOWN_TO_CANDIDATE} AS shown_to_candidate,
                {} AS answer_key_visible
           FROM attempts a
           JOIN scenario_versions v ON v.id = a.scenario_version_id
           JOIN scenarios s ON s.id = v.scenario_id
          WHERE a.id = $1",
        super::scenarios::visible_to("a.candidate_id")
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Save the draft of an unsubmitted attempt; false when it was already submitted.
pub async fn save_draft(pool: &Pool, id: i64, answer: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE attempts SET answer_md = $2, draft_saved_at = $3
          WHERE id = $1 AND submitted_at IS NULL",
    )
    .bind(id)
    .bind(answer)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Submit the answer: from now on it never changes. False when it was already submitted.
/// Submit the answer for good, with the assessor's reading of it, in one transaction; false when
/// it was already submitted.
pub async fn submit(
    pool: &Pool,
    id: i64,
    answer: &str,
    now: i64,
    reading: Option<(&str, &[crate::domain::assess::Finding])>,
) -> Result<bool, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE attempts SET answer_md = $2, draft_saved_at = $3, submitted_at = $3,
                duration_ms = CASE WHEN $3 > started_at THEN $3 - started_at ELSE 0 END
          WHERE id = $1 AND submitted_at IS NULL",
    )
    .bind(id)
    .bind(answer)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    if let Some((method, findings)) = reading {
        super::assessments::insert(&mut tx, id, method, findings, now).await?;
    }
    super::commit(tx).await?;
    Ok(true)
}

/// A scorecard about to be stored.
pub struct NewScorecard<'a> {
    pub attempt_id: i64,
    pub scorer_id: i64,
    pub kind: ScorerKind,
    pub rubric_version_id: i64,
    pub scores: &'a [(String, i64)],
    pub marks: &'a [(String, Mark)],
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ScorecardError {
    #[error("this attempt already has a self-score")]
    AlreadyScored,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn insert_scorecard(
    conn: &mut Conn,
    card: &NewScorecard<'_>,
) -> Result<i64, ScorecardError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO scorecards (attempt_id, scorer_id, kind, rubric_version_id, notes_md,
                                 submitted_at)
         VALUES ($1, $2, $3, $4, '', $5) RETURNING id",
    )
    .bind(card.attempt_id)
    .bind(card.scorer_id)
    .bind(card.kind.key())
    .bind(card.rubric_version_id)
    .bind(card.now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(ref d) if d.is_unique_violation() => ScorecardError::AlreadyScored,
        e => ScorecardError::Db(e),
    })?;
    insert_scores_and_marks(conn, id, card).await?;
    Ok(id)
}

/// The scores and marks of scorecard `id`, as the new card holds them.
pub async fn insert_scores_and_marks(
    conn: &mut Conn,
    id: i64,
    card: &NewScorecard<'_>,
) -> Result<(), sqlx::Error> {
    for (key, score) in card.scores {
        sqlx::query(
            "INSERT INTO scorecard_scores (scorecard_id, dimension_key, score) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(key)
        .bind(score)
        .execute(&mut *conn)
        .await?;
    }
    for (key, mark) in card.marks {
        sqlx::query(
            "INSERT INTO scorecard_marks (scorecard_id, key_point_key, mark) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(key)
        .bind(mark.key())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The scorecards of an attempt as its candidate sees them (`for_candidate`), or all of them,
/// oldest first, with dimension names from the rubric version each was scored with.
pub async fn scorecards(
    pool: &Pool,
    attempt_id: i64,
    for_candidate: bool,
) -> Result<Vec<Scorecard>, sqlx::Error> {
    let cards: Vec<(i64, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.kind, u.display_name, c.submitted_at, c.rubric_version_id
           FROM scorecards c LEFT JOIN users u ON u.id = c.scorer_id
          WHERE c.attempt_id = $1 AND ($2 = 0 OR ((c.kind = 'self' OR (c.kind = 'interviewer'
                AND EXISTS (SELECT 1 FROM mock_session_items i
                  JOIN mock_sessions m ON m.id = i.session_id
                 WHERE i.attempt_id = c.attempt_id AND i.shared_at IS NOT NULL
                   AND m.interviewer_id = c.scorer_id)))
                AND NOT EXISTS (SELECT 1 FROM scorecards x WHERE x.amends_id = c.id)))
          ORDER BY c.submitted_at, c.id",
    )
    .bind(attempt_id)
    .bind(i64::from(for_candidate))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(cards.len());
    for (id, kind, scorer, submitted_at, _rubric) in cards {
        let kind = ScorerKind::parse(&kind).unwrap_or(ScorerKind::Interviewer);
        let scores: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT ss.dimension_key, coalesce(d.name, ss.dimension_key), ss.score
               FROM scorecard_scores ss
               JOIN scorecards c ON c.id = ss.scorecard_id
               LEFT JOIN rubric_dimensions d
                      ON d.rubric_version_id = c.rubric_version_id AND d.key = ss.dimension_key
              WHERE ss.scorecard_id = $1
              ORDER BY d.position IS NULL DESC, d.position, ss.dimension_key",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let marks: Vec<(String, String)> = sqlx::query_as(
            "SELECT key_point_key, mark FROM scorecard_marks WHERE scorecard_id = $1",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        out.push(Scorecard {
            scorer: if kind == ScorerKind::SelfScore {
                None
            } else {
                scorer
            },
            kind,
            scores: scores
                .into_iter()
                .map(|(key, name, score)| DimensionScore { key, name, score })
                .collect(),
            marks: marks
                .into_iter()
                .filter_map(|(k, m)| Mark::parse(&m).map(|m| (k, m)))
                .collect(),
            submitted_at,
        });
    }
    Ok(out)
}

pub async fn review_state(
    conn: &mut Conn,
    user_id: i64,
    scenario_id: i64,
) -> Result<Option<ReviewState>, sqlx::Error> {
    sqlx::query_as(
        "SELECT due_at, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, state,
                last_review_at
           FROM review_states WHERE user_id = $1 AND scenario_id = $2",
    )
    .bind(user_id)
    .bind(scenario_id)
    .fetch_optional(conn)
    .await
}

pub async fn due_at(
    pool: &Pool,
    user_id: i64,
    scenario_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT due_at FROM review_states WHERE user_id = $1 AND scenario_id = $2")
        .bind(user_id)
        .bind(scenario_id)
        .fetch_optional(pool)
        .await
}

pub async fn put_review_state(
    conn: &mut Conn,
    user_id: i64,
    scenario_id: i64,
    attempt_id: i64,
    s: &ReviewState,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO review_states (user_id, scenario_id, due_at, stability, difficulty,
                                    elapsed_days, scheduled_days, reps, lapses, state,
                                    last_review_at, last_attempt_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (user_id, scenario_id) DO UPDATE SET
             due_at = excluded.due_at, stability = excluded.stability,
             difficulty = excluded.difficulty, elapsed_days = excluded.elapsed_days,
             scheduled_days = excluded.scheduled_days, reps = excluded.reps,
             lapses = excluded.lapses, state = excluded.state,
             last_review_at = excluded.last_review_at, last_attempt_id = excluded.last_attempt_id",
    )
    .bind(user_id)
    .bind(scenario_id)
    .bind(s.due_at)
    .bind(s.stability)
    .bind(s.difficulty)
    .bind(s.elapsed_days)
    .bind(s.scheduled_days)
    .bind(s.reps)
    .bind(s.lapses)
    .bind(s.state)
    .bind(s.last_review_at)
    .bind(attempt_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A scenario as the scheduler sees it: current version, and the candidate's due date if any.
#[derive(Clone, Debug, FromRow)]
pub struct Schedulable {
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub topics: Option<String>,
    pub due_at: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub attempted: bool,
}

/// Every unarchived scenario the candidate may see, in library order, with their review state.
pub async fn schedulable(pool: &Pool, candidate_id: i64) -> Result<Vec<Schedulable>, sqlx::Error> {
    sqlx::query_as(&format!(
        // The candidate's tried scenarios are read once (the subquery is not correlated),
        // not once per scenario: 6 ms to well under 1 on a candidate with a hundred attempts.
        "SELECT s.slug, v.title, v.version,
                (SELECT string_agg(t.topic, ',') FROM scenario_version_topics t
                  WHERE t.version_id = v.id) AS topics,
                r.due_at,
                s.id IN (SELECT av.scenario_id FROM attempts a JOIN scenario_versions av
                                   ON av.id = a.scenario_version_id
                         WHERE a.candidate_id = $1 AND {SHOWN_TO_CANDIDATE}) AS attempted
           FROM scenarios s
           JOIN scenario_versions v ON v.id = s.current_version_id
           LEFT JOIN review_states r ON r.scenario_id = s.id AND r.user_id = $1
          WHERE s.archived_at IS NULL AND {}
          ORDER BY s.slug",
        super::scenarios::visible(1)
    ))
    .bind(candidate_id)
    .fetch_all(pool)
    .await
}

/// Everything exported about the candidate's attempts, oldest first.
#[derive(Debug, FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub mode: String,
    pub time_limit_s: Option<i64>,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub answer_md: String,
}

pub async fn export_rows(pool: &Pool, candidate_id: i64) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT a.id, s.slug, v.title, v.version, a.mode, a.time_limit_s, a.started_at,
                a.submitted_at, a.duration_ms, a.answer_md
           FROM attempts a
           JOIN scenario_versions v ON v.id = a.scenario_version_id
           JOIN scenarios s ON s.id = v.scenario_id
          WHERE a.candidate_id = $1 AND {SHOWN_TO_CANDIDATE}
          ORDER BY a.started_at, a.id"
    ))
    .bind(candidate_id)
    .fetch_all(pool)
    .await
}
