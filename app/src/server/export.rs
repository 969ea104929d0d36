//! "Download my data": everything the app holds about the signed-in user, as JSON.
//! A plain GET route (it changes nothing) behind the same policy check as server functions.
use super::auth::session;
use super::db::{practice, teams, users};
use super::{now_millis, state::AppState};
use crate::domain::error::AppError;
use crate::domain::policy::{authorize, Action};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower_sessions::Session;

/// GET /history/export.csv: the signed-in candidate's attempts and scores.
pub async fn my_attempts_csv(State(state): State<AppState>, session: Session) -> Response {
    let csv = async {
        let user = session::current_user(&session, &state.pool).await?;
        authorize(user.as_ref(), Action::Practise)?;
        let user = user.ok_or(AppError::Unauthenticated)?;
        super::practice::export_csv(&state.pool, user.id).await
    };
    match csv.await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mlops-coach-attempts.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => failed(e),
    }
}

/// GET /calibration/teams/{id}/export.csv: every calibration score of the team's revealed
/// exercises in tidy form (one row per rater x dimension x exercise); its leads only.
pub async fn team_calibration_csv(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Path(team): axum::extract::Path<i64>,
) -> Response {
    let csv = async {
        let user = session::current_user(&session, &state.pool).await?;
        authorize(user.as_ref(), Action::Calibrate)?;
        let user = user.ok_or(AppError::Unauthenticated)?;
        let membership = super::db::calibration::membership(&state.pool, team, user.id).await?;
        authorize(
            Some(&user),
            Action::LeadTeam {
                is_lead: membership == Some(true),
            },
        )?;
        calibration_csv(&state.pool, team).await
    };
    match csv.await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mlops-coach-calibration.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => failed(e),
    }
}

async fn calibration_csv(pool: &crate::server::db::Pool, team: i64) -> Result<String, AppError> {
    use super::practice::{defuse, iso};
    use crate::domain::agreement::median;
    let rows = super::db::team_stats::export_rows(pool, team).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "exercise_id",
        "exercise",
        "scenario",
        "revealed_at",
        "rater_id",
        "rater",
        "submitted_at",
        "dimension",
        "score",
        "team_median",
        "deviation_from_median",
        "expert_score",
        "deviation_from_expert",
    ])
    .map_err(AppError::internal)?;
    for r in &rows {
        let same: Vec<f64> = rows
            .iter()
            .filter(|o| o.exercise_id == r.exercise_id && o.dimension_key == r.dimension_key)
            .map(|o| o.score as f64)
            .collect();
        let mid = median(&same);
        let number = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
        out.write_record([
            r.exercise_id.to_string(),
            defuse(&r.title),
            defuse(&r.scenario),
            r.revealed_at.map(iso).unwrap_or_default(),
            r.rater_id.map(|i| i.to_string()).unwrap_or_default(),
            defuse(
                r.rater
                    .as_deref()
                    .unwrap_or(super::db::calibration::FORMER_MEMBER),
            ),
            iso(r.submitted_at),
            defuse(&r.dimension_key),
            r.score.to_string(),
            number(mid),
            number(mid.map(|m| r.score as f64 - m)),
            r.expert.map(|e| e.to_string()).unwrap_or_default(),
            r.expert
                .map(|e| (r.score - e).to_string())
                .unwrap_or_default(),
        ])
        .map_err(AppError::internal)?;
    }
    String::from_utf8(out.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)
}

/// A plain route's error: its status, and the message people may see (internal detail is logged,
/// not sent).
pub(crate) fn failed(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

pub async fn my_data(State(state): State<AppState>, session: Session) -> Response {
    match export(&state, &session).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mlops-coach-my-data.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => failed(e),
    }
}

async fn export(state: &AppState, session: &Session) -> Result<String, AppError> {
    let user = session::current_user(session, &state.pool).await?;
    authorize(user.as_ref(), Action::OwnAccount)?;
    let user = user.ok_or(AppError::Unauthenticated)?;
    let account = users::get(&state.pool, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let teams: Vec<_> = teams::names_for_user(&state.pool, user.id)
        .await?
        .into_iter()
        .map(|(name, lead)| json!({ "team": name, "lead": lead }))
        .collect();
    let mut attempts = Vec::new();
    for a in practice::export_rows(&state.pool, user.id).await? {
        let mut cards = practice::scorecards(&state.pool, a.id, true).await?;
        // A team's mock scenario whose answer key this candidate may not see: the ticks name
        // its key points, so they stay out of the export as they stay off the page.
        let key_visible = practice::core(&state.pool, a.id)
            .await?
            .is_some_and(|core| core.answer_key_visible);
        if !key_visible {
            cards.iter_mut().for_each(|c| c.marks.clear());
        }
        attempts.push(json!({
            "id": a.id,
            "scenario": a.slug,
            "version": a.version,
            "mode": a.mode,
            "time_limit_s": a.time_limit_s,
            "started_at_ms": a.started_at,
            "submitted_at_ms": a.submitted_at,
            "duration_ms": a.duration_ms,
            "answer_markdown": a.answer_md,
            "scorecards": cards.iter().map(|c| json!({
                "kind": c.kind.key(),
                "scorer": c.scorer,
                "submitted_at_ms": c.submitted_at,
                "scores": c.scores.iter().map(|s| (s.key.clone(), s.score)).collect::<std::collections::BTreeMap<_, _>>(),
                "marks": c.marks.iter().map(|(k, m)| (k.clone(), m.key())).collect::<std::collections::BTreeMap<_, _>>(),
            })).collect::<Vec<_>>(),
        }));
    }
    let calibration: Vec<_> = super::db::calibration::ratings_by(&state.pool, user.id)
        .await?
        .into_iter()
        .map(|r| {
            json!({
                "exercise": r.exercise,
                "team": r.team,
                "submitted_at_ms": r.submitted_at,
                "notes": r.notes,
                "scores": r.scores,
            })
        })
        .collect();
    let data = json!({
        "exported_at_ms": now_millis(),
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role.key(),
            "active": account.active,
            "created_at_ms": account.created_at,
        },
        "teams": teams,
        "attempts": attempts,
        "calibration_ratings": calibration,
    });
    serde_json::to_string_pretty(&data).map_err(AppError::internal)
}
