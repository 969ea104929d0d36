//! Who is asking: passwords, sessions, sign-in limits, and the policy check every server
//! function starts with.
pub mod limits;
pub mod password;
pub mod session;
pub mod store;

use crate::domain::account::CurrentUser;
use crate::domain::error::AppError;
use crate::domain::policy::{authorize, Action};
use crate::server::state::AppState;
use tower_sessions::Session;

/// The request a server function is answering: state, session, and the signed-in user if any.
pub struct Asker {
    pub state: AppState,
    pub session: Session,
    pub user: Option<CurrentUser>,
}

impl Asker {
    /// The signed-in user; only call after a policy check that requires one.
    pub fn signed_in(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
}

/// Who is asking, and may they do `action`? The first line of every server function.
pub async fn asker(action: Action) -> Result<Asker, AppError> {
    let state = leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState missing from context"))?;
    let session: Session = leptos_axum::extract()
        .await
        .map_err(|e| AppError::internal(format!("no session layer: {e}")))?;
    let user = session::current_user(&session, &state.pool).await?;
    authorize(user.as_ref(), action)?;
    Ok(Asker {
        state,
        session,
        user,
    })
}
