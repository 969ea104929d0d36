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
    // One row per exercise with its ratings packed ("rater|key=score,...;..." in the order
    // they were submitted), and the raters' names apart: every row crosses from SQLite's
    // thread to ours on its own, and a row per rating (660 on a team of 11 with 60 exercises)
    // cost the dashboard more than the statistics. Rubric keys are slugs, so the separators
    // cannot occur in them.
    /// (exercise, title, revealed at, packed ratings)
    type ExerciseRow = (i64, String, i64, Option<String>);
    let exercises = async {
        sqlx::query_as::<_, ExerciseRow>(
            "SELECT e.id, e.title, e.revealed_at,
                    (SELECT string_agg(
                              COALESCE(CAST(r.rater_id AS TEXT), '') || '|' ||
                              COALESCE((SELECT string_agg(s.dimension_key || '=' || s.score, ',')
                                          FROM calibration_rating_scores s
                                         WHERE s.rating_id = r.id), ''),
                              ';' ORDER BY r.submitted_at, r.id)
                       FROM calibration_ratings r WHERE r.exercise_id = e.id)
               FROM calibration_exercises e
              WHERE e.team_id = $1 AND e.revealed_at IS NOT NULL
              ORDER BY e.revealed_at, e.id",
        )
        .bind(team)
        .fetch_all(pool)
        .await
    };
    let names = async {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT u.id, u.display_name FROM users u
              WHERE u.id IN (SELECT r.rater_id FROM calibration_ratings r
                               JOIN calibration_exercises e ON e.id = r.exercise_id
                              WHERE e.team_id = $1 AND e.revealed_at IS NOT NULL)",
        )
        .bind(team)
        .fetch_all(pool)
        .await
    };
    let (exercises, names) = tokio::try_join!(exercises, names)?;
    let names: HashMap<i64, String> = names.into_iter().collect();
    Ok(exercises
        .into_iter()
        .map(|(id, title, at, packed)| Scored {
            id,
            title,
            at,
            ratings: packed
                .as_deref()
                .unwrap_or_default()
                .split(';')
                .filter_map(|rating| {
                    let (rater, scores) = rating.split_once('|')?;
                    let rater_id = rater.parse::<i64>().ok();
                    Some(Rating {
                        rater_id,
                        rater: rater_id
                            .and_then(|id| names.get(&id).cloned())
                            .unwrap_or_else(|| FORMER_MEMBER.into()),
                        scores: super::unpack_scores(Some(scores))
                            .into_iter()
                            .map(|(k, s)| (k, s as u8))
                            .collect(),
                    })
                })
                .collect(),
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

/// The counter that every change able to alter a team dashboard raises (triggers of
/// migrations/*/20261203000000_stats_epoch.sql): statistics computed after reading value `n`
/// are at least as new as `n`, so they may be kept until it moves.
pub async fn epoch(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT n FROM stats_epoch WHERE id = 1")
        .fetch_optional(pool)
        .await
        .map(Option::unwrap_or_default)
}
