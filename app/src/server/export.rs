//! "Download my data": everything the app holds about the signed-in user, as JSON.
//! A plain GET route (it changes nothing) behind the same policy check as server functions.
use super::auth::session;
use super::db::{teams, users};
use super::{now_millis, state::AppState};
use crate::domain::error::AppError;
use crate::domain::policy::{authorize, Action};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower_sessions::Session;

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
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
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
    });
    serde_json::to_string_pretty(&data).map_err(AppError::internal)
}
