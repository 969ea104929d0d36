//! SQL for the answer assessor's readings: one per submitted practice attempt, with the method
//! that made it, never edited; the marks kept apart so that history can compare them with the
//! candidate's own ticks in SQL.
use crate::domain::assess::Finding;
use crate::domain::library::KeyPoint;
use crate::server::db::{Conn, Pool};

/// What the assessor reads a version's answers against: its prompt (Markdown) and key points.
pub async fn inputs(
    pool: &Pool,
    version_id: i64,
) -> Result<Option<(String, Vec<KeyPoint>)>, sqlx::Error> {
    let prompt: Option<String> =
        sqlx::query_scalar("SELECT prompt_md FROM scenario_versions WHERE id = $1")
            .bind(version_id)
            .fetch_optional(pool)
            .await?;
    let Some(prompt) = prompt else {
        return Ok(None);
    };
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT key, label, synonyms FROM scenario_key_points WHERE version_id = $1 ORDER BY position",
    )
    .bind(version_id)
    .fetch_all(pool)
    .await?;
    Ok(Some((
        prompt,
        rows.into_iter()
            .map(|(key, label, synonyms)| KeyPoint {
                key,
                label,
                synonyms: serde_json::from_str(&synonyms).unwrap_or_default(),
            })
            .collect(),
    )))
}

/// Store the reading of `attempt`, in the caller's transaction.
pub async fn insert(
    conn: &mut Conn,
    attempt: i64,
    method: &str,
    findings: &[Finding],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO assessments (attempt_id, method, assessed_at, findings) VALUES ($1, $2, $3, $4)
         ON CONFLICT (attempt_id) DO NOTHING",
    )
    .bind(attempt)
    .bind(method)
    .bind(now)
    .bind(serde_json::to_string(findings).unwrap_or_else(|_| "[]".into()))
    .execute(&mut *conn)
    .await?;
    for f in findings {
        sqlx::query(
            "INSERT INTO assessment_marks (attempt_id, key_point_key, mark) VALUES ($1, $2, $3)
             ON CONFLICT (attempt_id, key_point_key) DO NOTHING",
        )
        .bind(attempt)
        .bind(&f.key)
        .bind(f.mark.key())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The stored reading of `attempt`: (method, findings), if there is one.
pub async fn get(pool: &Pool, attempt: i64) -> Result<Option<(String, Vec<Finding>)>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT method, findings FROM assessments WHERE attempt_id = $1")
            .bind(attempt)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(method, json)| (method, serde_json::from_str(&json).unwrap_or_default())))
}

/// For each of the candidate's self-scored attempts with a reading, oldest first: (attempt,
/// scored at, key points where their tick and the assessor agree, key points compared).
pub async fn agreement(
    pool: &Pool,
    candidate_id: i64,
) -> Result<Vec<(i64, i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, c.submitted_at,
                sum(CASE WHEN m.mark = am.mark THEN 1 ELSE 0 END), count(*)
           FROM attempts a
           JOIN scorecards c ON c.attempt_id = a.id AND c.kind = 'self'
           JOIN scorecard_marks m ON m.scorecard_id = c.id
           JOIN assessment_marks am ON am.attempt_id = a.id AND am.key_point_key = m.key_point_key
          WHERE a.candidate_id = $1
          GROUP BY a.id, c.submitted_at
          ORDER BY c.submitted_at, a.id",
    )
    .bind(candidate_id)
    .fetch_all(pool)
    .await
}
