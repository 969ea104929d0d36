//! SQL for a team's calibration statistics: the revealed exercises' ratings and the mock
//! sessions two interviewers scored (the dashboard's inputs), the members' interviewer paths,
//! and the scores export.
use super::calibration::FORMER_MEMBER;
use crate::domain::calibration::{Rating, Scored};
use crate::server::db::{Backend, Flag, Pool};
use sqlx::FromRow;
use std::collections::{BTreeMap, HashMap};

/// The team's revealed exercises with their ratings, oldest first.
pub async fn revealed(pool: &Pool, team: i64) -> Result<Vec<Scored>, sqlx::Error> {
    let heads: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, title, revealed_at FROM calibration_exercises
          WHERE team_id = $1 AND revealed_at IS NOT NULL ORDER BY revealed_at, id",
    )
    .bind(team)
    .fetch_all(pool)
    .await?;
    // One query for the whole team, not two per exercise (the dashboard reads every one), and
    // one row per rating with its scores packed.
    /// (exercise, rater, rater's name, packed scores)
    type RaterRow = (i64, Option<i64>, Option<String>, Option<String>);
    let raters: Vec<RaterRow> = sqlx::query_as(
        "SELECT r.exercise_id, r.rater_id, u.display_name,
                (SELECT string_agg(s.dimension_key || '=' || s.score, ',')
                   FROM calibration_rating_scores s WHERE s.rating_id = r.id)
           FROM calibration_exercises e
           JOIN calibration_ratings r ON r.exercise_id = e.id
           LEFT JOIN users u ON u.id = r.rater_id
          WHERE e.team_id = $1 AND e.revealed_at IS NOT NULL
          ORDER BY r.submitted_at, r.id",
    )
    .bind(team)
    .fetch_all(pool)
    .await?;
    let mut by_exercise: HashMap<i64, Vec<Rating>> = HashMap::new();
    for (exercise, rater_id, name, packed) in raters {
        by_exercise.entry(exercise).or_default().push(Rating {
            rater_id,
            rater: name.unwrap_or_else(|| FORMER_MEMBER.into()),
            scores: super::unpack_scores(packed.as_deref())
                .into_iter()
                .map(|(k, s)| (k, s as u8))
                .collect(),
        });
    }
    Ok(heads
        .into_iter()
        .map(|(id, title, at)| Scored {
            id,
            title,
            at,
            ratings: by_exercise.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// Mock-session attempts run by a member of `team` that two or more interviewers scored: each
/// scorer's first submitted scorecard, made before they could see anyone else's (an amendment
/// may follow from reading the others', which is no longer independent scoring). Oldest first.
pub async fn mock_scored(pool: &Pool, team: i64) -> Result<Vec<Scored>, sqlx::Error> {
    #[derive(FromRow)]
    struct Card {
        attempt_id: i64,
        scenario: String,
        submitted_at: i64,
        scorer_id: Option<i64>,
        scorer: Option<String>,
        card_id: i64,
    }
    let cards: Vec<Card> = sqlx::query_as(
        "SELECT c.attempt_id, v.title AS scenario, a.submitted_at AS submitted_at, c.scorer_id,
                u.display_name AS scorer, c.id AS card_id
           FROM scorecards c
           JOIN attempts a ON a.id = c.attempt_id
           JOIN scenario_versions v ON v.id = a.scenario_version_id
           JOIN mock_session_items i ON i.attempt_id = a.id
           JOIN mock_sessions s ON s.id = i.session_id
           LEFT JOIN users u ON u.id = c.scorer_id
          WHERE c.kind = 'interviewer' AND c.amends_id IS NULL AND a.submitted_at IS NOT NULL
            AND s.interviewer_id IN (SELECT user_id FROM team_members WHERE team_id = $1)
          ORDER BY a.submitted_at, a.id, c.id",
    )
    .bind(team)
    .fetch_all(pool)
    .await?;
    // Every card's scores in one query, not one per card.
    let ids = serde_json::to_string(&cards.iter().map(|c| c.card_id).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "SELECT scorecard_id, dimension_key, score FROM scorecard_scores
          WHERE scorecard_id IN ({})",
        Backend::of(pool).ids_in_json(1)
    );
    let scores: Vec<(i64, String, i64)> = sqlx::query_as(&sql).bind(ids).fetch_all(pool).await?;
    let mut by_card: HashMap<i64, BTreeMap<String, u8>> = HashMap::new();
    for (card, key, score) in scores {
        by_card.entry(card).or_default().insert(key, score as u8);
    }
    let mut out: Vec<Scored> = Vec::new();
    for c in cards {
        let rating = Rating {
            rater_id: c.scorer_id,
            rater: c.scorer.unwrap_or_else(|| FORMER_MEMBER.into()),
            scores: by_card.remove(&c.card_id).unwrap_or_default(),
        };
        match out.last_mut() {
            Some(last) if last.id == c.attempt_id => last.ratings.push(rating),
            _ => out.push(Scored {
                id: c.attempt_id,
                title: c.scenario,
                at: c.submitted_at,
                ratings: vec![rating],
            }),
        }
    }
    out.retain(|s| s.ratings.len() >= 2);
    Ok(out)
}

/// A team member's path: their part in sessions and whether the lead has confirmed them.
#[derive(Clone, Debug, FromRow)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub role: String,
    #[sqlx(try_from = "Flag")]
    pub is_lead: bool,
    pub qualified_at: Option<i64>,
    pub shadowed: i64,
    pub led: i64,
}

pub async fn members(pool: &Pool, team: i64) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.display_name AS name, u.role, m.is_lead, m.qualified_at,
                (SELECT count(*) FROM mock_shadows s WHERE s.user_id = u.id) AS shadowed,
                (SELECT count(*) FROM mock_sessions s WHERE s.interviewer_id = u.id) AS led
           FROM team_members m JOIN users u ON u.id = m.user_id
          WHERE m.team_id = $1
          ORDER BY lower(u.display_name)",
    )
    .bind(team)
    .fetch_all(pool)
    .await
}

/// Confirm (`Some(now)`) or withdraw (`None`) a member's qualification.
pub async fn set_qualified(
    pool: &Pool,
    team: i64,
    user: i64,
    by: i64,
    at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE team_members SET qualified_at = $3, qualified_by = CASE WHEN $3 IS NULL THEN NULL ELSE $4 END
          WHERE team_id = $1 AND user_id = $2",
    )
    .bind(team)
    .bind(user)
    .bind(at)
    .bind(by)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every calibration score of the team's revealed exercises (blind ones stay blind), one row per rater x dimension x exercise.
#[derive(Clone, Debug, FromRow)]
pub struct ExportRow {
    pub exercise_id: i64,
    pub title: String,
    pub scenario: String,
    pub revealed_at: Option<i64>,
    pub rater_id: Option<i64>,
    pub rater: Option<String>,
    pub submitted_at: i64,
    pub dimension_key: String,
    pub score: i64,
    pub expert: Option<i64>,
}

pub async fn export_rows(pool: &Pool, team: i64) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id AS exercise_id, e.title, s.slug AS scenario, e.revealed_at, r.rater_id,
                u.display_name AS rater, r.submitted_at, x.dimension_key, x.score,
                k.score AS expert
           FROM calibration_exercises e
           JOIN scenario_versions v ON v.id = e.scenario_version_id
           JOIN scenarios s ON s.id = v.scenario_id
           JOIN calibration_ratings r ON r.exercise_id = e.id
           JOIN calibration_rating_scores x ON x.rating_id = r.id
           LEFT JOIN users u ON u.id = r.rater_id
           LEFT JOIN calibration_expert_scores k
                  ON k.exercise_id = e.id AND k.dimension_key = x.dimension_key
           LEFT JOIN rubric_dimensions d
                  ON d.rubric_version_id = e.rubric_version_id AND d.key = x.dimension_key
          WHERE e.team_id = $1 AND e.revealed_at IS NOT NULL
          ORDER BY e.created_at, e.id, r.submitted_at, r.id, d.position IS NULL DESC, d.position,
                   x.dimension_key",
    )
    .bind(team)
    .fetch_all(pool)
    .await
}
