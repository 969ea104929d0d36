//! SQL for mock interview sessions: the session, its scenarios (one attempt each), the live
//! reveals and ticks, shadows, and the interviewers' scorecards.
use crate::domain::practice::{DimensionScore, Mark, Scorecard, ScorerKind};
use crate::domain::session::{SessionRow, SessionStatus};
use crate::server::db::{Conn, Flag, Pool};
use sqlx::FromRow;

pub struct NewSession<'a> {
    pub interviewer_id: i64,
    pub candidate_id: Option<i64>,
    pub guest_name: Option<&'a str>,
    pub guest_email: Option<&'a str>,
    pub token: &'a str,
    pub planned_minutes: i64,
    pub version_ids: &'a [i64],
    pub shadow_ids: &'a [i64],
    pub now: i64,
}

/// Create the session, one mock attempt per scenario, and its shadows, in one transaction.
pub async fn create(conn: &mut Conn, s: &NewSession<'_>) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO mock_sessions (interviewer_id, candidate_id, guest_name, guest_email, token,
                                    planned_minutes, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'live', $7) RETURNING id",
    )
    .bind(s.interviewer_id)
    .bind(s.candidate_id)
    .bind(s.guest_name)
    .bind(s.guest_email)
    .bind(s.token)
    .bind(s.planned_minutes)
    .bind(s.now)
    .fetch_one(&mut *conn)
    .await?;
    for (position, version) in s.version_ids.iter().enumerate() {
        let attempt: i64 = sqlx::query_scalar(
            "INSERT INTO attempts (candidate_id, scenario_version_id, mode, answer_md, started_at,
                                   draft_saved_at)
             VALUES ($1, $2, 'mock', '', $3, $3) RETURNING id",
        )
        .bind(s.candidate_id)
        .bind(version)
        .bind(s.now)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO mock_session_items (session_id, position, attempt_id, started_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(attempt)
        .bind((position == 0).then_some(s.now))
        .execute(&mut *conn)
        .await?;
    }
    for shadow in s.shadow_ids {
        sqlx::query("INSERT INTO mock_shadows (session_id, user_id, added_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(shadow)
            .bind(s.now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct SessionHead {
    pub id: i64,
    pub interviewer_id: i64,
    pub candidate_id: Option<i64>,
    /// the candidate's account name, or the guest's name
    pub candidate: String,
    pub token: String,
    pub planned_minutes: i64,
    pub current_position: i64,
    pub status: String,
    pub notes_md: String,
    pub revision: i64,
    pub created_at: i64,
}

impl SessionHead {
    pub fn status(&self) -> SessionStatus {
        SessionStatus::parse(&self.status)
    }
}

const HEAD: &str = "SELECT m.id, m.interviewer_id, m.candidate_id,
        coalesce(u.display_name, m.guest_name, 'Candidate') AS candidate, m.token,
        m.planned_minutes, m.current_position, m.status, m.notes_md, m.revision, m.created_at
   FROM mock_sessions m LEFT JOIN users u ON u.id = m.candidate_id";

pub async fn head(pool: &Pool, id: i64) -> Result<Option<SessionHead>, sqlx::Error> {
    sqlx::query_as(&format!("{HEAD} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn by_token(pool: &Pool, token: &str) -> Result<Option<SessionHead>, sqlx::Error> {
    sqlx::query_as(&format!("{HEAD} WHERE m.token = $1"))
        .bind(token)
        .fetch_optional(pool)
        .await
}

pub async fn is_shadow(pool: &Pool, session: i64, user: i64) -> Result<bool, sqlx::Error> {
    let Flag(shadow) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM mock_shadows WHERE session_id = $1 AND user_id = $2)",
    )
    .bind(session)
    .bind(user)
    .fetch_one(pool)
    .await?;
    Ok(shadow)
}

#[derive(Clone, Debug, FromRow)]
pub struct Item {
    pub id: i64,
    pub position: i64,
    pub attempt_id: i64,
    pub version_id: i64,
    pub title: String,
    pub started_at: Option<i64>,
    /// when the candidate's screen first showed it
    pub shown_at: Option<i64>,
    pub shared_at: Option<i64>,
    pub scorecards: i64,
}

pub async fn items(pool: &Pool, session: i64) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.position, i.attempt_id, v.id AS version_id, v.title, i.started_at,
                i.shown_at,
                i.shared_at,
                (SELECT count(*) FROM scorecards c WHERE c.attempt_id = i.attempt_id
                    AND c.kind = 'interviewer') AS scorecards
           FROM mock_session_items i
           JOIN attempts a ON a.id = i.attempt_id
           JOIN scenario_versions v ON v.id = a.scenario_version_id
          WHERE i.session_id = $1 ORDER BY i.position",
    )
    .bind(session)
    .fetch_all(pool)
    .await
}

/// Positions of the follow-ups revealed on an item, in the order they were revealed.
pub async fn reveals(pool: &Pool, item: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT follow_up FROM mock_reveals WHERE item_id = $1 ORDER BY revealed_at, follow_up",
    )
    .bind(item)
    .fetch_all(pool)
    .await
}

pub async fn marks(pool: &Pool, item: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT key_point_key, mark FROM mock_marks WHERE item_id = $1")
        .bind(item)
        .fetch_all(pool)
        .await
}

pub async fn set_mark(
    pool: &Pool,
    item: i64,
    key: &str,
    mark: Option<Mark>,
    now: i64,
) -> Result<(), sqlx::Error> {
    match mark {
        Some(mark) => {
            sqlx::query(
                "INSERT INTO mock_marks (item_id, key_point_key, mark, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (item_id, key_point_key)
                 DO UPDATE SET mark = excluded.mark, updated_at = excluded.updated_at",
            )
            .bind(item)
            .bind(key)
            .bind(mark.key())
            .bind(now)
            .execute(pool)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM mock_marks WHERE item_id = $1 AND key_point_key = $2")
                .bind(item)
                .bind(key)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// Raise the revision the candidate screen follows; returns the new one.
async fn bump(conn: &mut Conn, session: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE mock_sessions SET revision = revision + 1 WHERE id = $1 RETURNING revision",
    )
    .bind(session)
    .fetch_one(conn)
    .await
}

/// Reveal a follow-up (again is a no-op); returns the session's new revision.
pub async fn reveal(
    pool: &Pool,
    session: i64,
    item: i64,
    follow_up: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO mock_reveals (item_id, follow_up, revealed_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(item)
    .bind(follow_up)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let revision = bump(&mut tx, session).await?;
    crate::server::db::commit(tx).await?;
    Ok(revision)
}

pub async fn set_notes(pool: &Pool, session: i64, notes: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE mock_sessions SET notes_md = $2 WHERE id = $1 AND status = 'live'")
            .bind(session)
            .bind(notes)
            .execute(pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Put scenario `position` on screen; its clock starts the first time.
pub async fn go_to(pool: &Pool, session: i64, position: i64, now: i64) -> Result<i64, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("UPDATE mock_sessions SET current_position = $2 WHERE id = $1")
        .bind(session)
        .bind(position)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE mock_session_items SET started_at = coalesce(started_at, $3),
                                       shown_at = coalesce(shown_at, $3)
          WHERE session_id = $1 AND position = $2",
    )
    .bind(session)
    .bind(position)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let revision = bump(&mut tx, session).await?;
    crate::server::db::commit(tx).await?;
    Ok(revision)
}

/// The candidate's screen has loaded scenario `item`, or an interviewer scored it: from now on
/// it is theirs to see (a no-op once recorded, so the screen's repeated loads write nothing).
pub async fn mark_shown(
    db: impl sqlx::any::AnyExecutor<'_>,
    item: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE mock_session_items SET shown_at = $2 WHERE id = $1 AND shown_at IS NULL")
        .bind(item)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// End the session: the join link stops working and each scenario's attempt is closed.
pub async fn end(pool: &Pool, session: i64, now: i64) -> Result<i64, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("UPDATE mock_sessions SET status = 'ended', ended_at = $2 WHERE id = $1")
        .bind(session)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE attempts SET submitted_at = $2,
                duration_ms = (SELECT CASE WHEN d > 0 THEN d ELSE 0 END FROM (SELECT $2 - coalesce(
                    (SELECT i.started_at FROM mock_session_items i WHERE i.attempt_id = attempts.id),
                    started_at) AS d) AS elapsed)
          WHERE submitted_at IS NULL
            AND id IN (SELECT attempt_id FROM mock_session_items WHERE session_id = $1)",
    )
    .bind(session)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let revision = bump(&mut tx, session).await?;
    crate::server::db::commit(tx).await?;
    Ok(revision)
}

/// Sessions the user runs or shadows, newest first.
pub async fn list_for(pool: &Pool, user: i64) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, i64, Flag)> = sqlx::query_as(
        "SELECT m.id, coalesce(u.display_name, m.guest_name, 'Candidate'), m.status, m.created_at,
                (SELECT count(*) FROM mock_session_items i WHERE i.session_id = m.id),
                m.interviewer_id <> $1
           FROM mock_sessions m LEFT JOIN users u ON u.id = m.candidate_id
          WHERE m.interviewer_id = $1
             OR EXISTS (SELECT 1 FROM mock_shadows s WHERE s.session_id = m.id AND s.user_id = $1)
          ORDER BY m.created_at DESC, m.id DESC",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, candidate, status, created_at, scenarios, Flag(shadowing))| SessionRow {
                id,
                candidate,
                status: SessionStatus::parse(&status),
                created_at,
                scenarios,
                shadowing,
            },
        )
        .collect())
}

/// One interviewer scorecard with everything the console shows.
#[derive(Clone, Debug)]
pub struct CardRow {
    pub id: i64,
    pub scorer_id: Option<i64>,
    pub card: Scorecard,
    pub recommendation: Option<String>,
    pub target_level: Option<String>,
    pub feedback_md: String,
    pub notes_md: String,
    pub amends_id: Option<i64>,
    pub amend_reason: Option<String>,
    /// an amendment written when another scorer's scorecard was readable to its author
    pub saw_others: bool,
}

#[derive(FromRow)]
struct CardHead {
    id: i64,
    scorer_id: Option<i64>,
    scorer: Option<String>,
    recommendation: Option<String>,
    target_level: Option<String>,
    feedback_md: String,
    notes_md: String,
    amends_id: Option<i64>,
    amend_reason: Option<String>,
    #[sqlx(try_from = "Flag")]
    saw_others: bool,
    submitted_at: i64,
}

/// The interviewer scorecards of an attempt, oldest first (amendments after what they amend).
pub async fn interviewer_cards(pool: &Pool, attempt: i64) -> Result<Vec<CardRow>, sqlx::Error> {
    let heads: Vec<CardHead> = sqlx::query_as(
        "SELECT c.id, c.scorer_id, u.display_name AS scorer, c.recommendation, c.target_level,
                c.feedback_md, c.notes_md, c.amends_id, c.amend_reason, c.saw_others,
                c.submitted_at
           FROM scorecards c LEFT JOIN users u ON u.id = c.scorer_id
          WHERE c.attempt_id = $1 AND c.kind = 'interviewer'
          ORDER BY c.submitted_at, c.id",
    )
    .bind(attempt)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(heads.len());
    for h in heads {
        let scores: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT ss.dimension_key, coalesce(d.name, ss.dimension_key), ss.score
               FROM scorecard_scores ss
               JOIN scorecards c ON c.id = ss.scorecard_id
               LEFT JOIN rubric_dimensions d
                      ON d.rubric_version_id = c.rubric_version_id AND d.key = ss.dimension_key
              WHERE ss.scorecard_id = $1
              ORDER BY d.position IS NULL DESC, d.position, ss.dimension_key",
        )
        .bind(h.id)
        .fetch_all(pool)
        .await?;
        let marks: Vec<(String, String)> = sqlx::query_as(
            "SELECT key_point_key, mark FROM scorecard_marks WHERE scorecard_id = $1",
        )
        .bind(h.id)
        .fetch_all(pool)
        .await?;
        out.push(CardRow {
            id: h.id,
            scorer_id: h.scorer_id,
            card: Scorecard {
                kind: ScorerKind::Interviewer,
                scorer: h.scorer,
                scores: scores
                    .into_iter()
                    .map(|(key, name, score)| DimensionScore { key, name, score })
                    .collect(),
                marks: marks
                    .into_iter()
                    .filter_map(|(k, m)| Mark::parse(&m).map(|m| (k, m)))
                    .collect(),
                submitted_at: h.submitted_at,
            },
            recommendation: h.recommendation,
            target_level: h.target_level,
            feedback_md: h.feedback_md,
            notes_md: h.notes_md,
            amends_id: h.amends_id,
            amend_reason: h.amend_reason,
            saw_others: h.saw_others,
        });
    }
    Ok(out)
}

/// The extra fields of an interviewer's scorecard, stored with the scores and marks.
pub struct InterviewerCard<'a> {
    pub recommendation: &'a str,
    pub target_level: &'a str,
    pub feedback_md: &'a str,
    pub notes_md: &'a str,
    pub amends: Option<(i64, &'a str)>,
}

/// Store an interviewer scorecard (new, or an amendment) with its scores and marks.
pub async fn insert_interviewer_card(
    conn: &mut Conn,
    card: &super::practice::NewScorecard<'_>,
    extra: &InterviewerCard<'_>,
) -> Result<i64, sqlx::Error> {
    // An amendment "saw others" when another scorer's scorecard of the attempt was in: its
    // author, having submitted, could read it.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO scorecards (attempt_id, scorer_id, kind, rubric_version_id, notes_md,
                                 feedback_md, recommendation, target_level, amends_id,
                                 amend_reason, saw_others, submitted_at)
         VALUES ($1, $2, 'interviewer', $3, $4, $5, $6, $7, $8, $9,
                 CASE WHEN $8 IS NOT NULL AND EXISTS (
                        SELECT 1 FROM scorecards o
                         WHERE o.attempt_id = $1 AND o.kind = 'interviewer'
                           AND o.scorer_id IS DISTINCT FROM $2)
                      THEN 1 ELSE 0 END,
                 $10) RETURNING id",
    )
    .bind(card.attempt_id)
    .bind(card.scorer_id)
    .bind(card.rubric_version_id)
    .bind(extra.notes_md)
    .bind(extra.feedback_md)
    .bind(extra.recommendation)
    .bind(extra.target_level)
    .bind(extra.amends.map(|a| a.0))
    .bind(extra.amends.map(|a| a.1))
    .bind(card.now)
    .fetch_one(&mut *conn)
    .await?;
    super::practice::insert_scores_and_marks(conn, id, card).await?;
    Ok(id)
}

/// Is `id` an interviewer scorecard of `scorer` on `attempt` (one they may amend).
pub async fn is_own_card(
    conn: &mut Conn,
    id: i64,
    attempt: i64,
    scorer: i64,
) -> Result<bool, sqlx::Error> {
    let Flag(own) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM scorecards WHERE id = $1 AND attempt_id = $2
                           AND scorer_id = $3 AND kind = 'interviewer')",
    )
    .bind(id)
    .bind(attempt)
    .bind(scorer)
    .fetch_one(conn)
    .await?;
    Ok(own)
}

/// Mark scenario item `item` as shared with the candidate at `now`.
pub async fn mark_shared(conn: &mut Conn, item: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE mock_session_items SET shared_at = $2 WHERE id = $1")
        .bind(item)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `scorer` has submitted a scorecard (not counting amendments) for `attempt`.
pub async fn has_scored(conn: &mut Conn, attempt: i64, scorer: i64) -> Result<bool, sqlx::Error> {
    let Flag(scored) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM scorecards WHERE attempt_id = $1 AND scorer_id = $2
                           AND kind = 'interviewer' AND amends_id IS NULL)",
    )
    .bind(attempt)
    .bind(scorer)
    .fetch_one(conn)
    .await?;
    Ok(scored)
}

/// PostgreSQL only: tell every instance listening on `channel` (`LISTEN`) about `payload`, at
/// once (outside a transaction) — how a live session's change reaches the other instances.
pub async fn notify(pool: &Pool, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(pool)
        .await
        .map(|_| ())
}
