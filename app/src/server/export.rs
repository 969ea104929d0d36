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

fn failed(e: AppError) -> Response {
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
        let cards = practice::scorecards(&state.pool, a.id, true).await?;
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
    });
    serde_json::to_string_pretty(&data).map_err(AppError::internal)
}
