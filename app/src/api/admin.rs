//! Managing people and teams: admins only.
use crate::domain::account::{Team, UserSummary};
use crate::domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{account::Role, policy::Action},
    server::{
        auth::asker,
        db::{teams, users},
        now_millis,
    },
};

#[server]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let who = asker(Action::ManageUsers).await?;
    Ok(users::list(&who.state.pool).await?)
}

/// Set a user's role and whether the account is active. Deactivating ends their sessions.
#[server]
pub async fn update_user(
    user_id: i64,
    role: String,
    active: Option<String>,
) -> Result<(), AppError> {
    let who = asker(Action::ManageUsers).await?;
    let me = who.signed_in()?.id;
    let role = Role::parse(&role).map_err(|m| AppError::invalid("role", m))?;
    let active = active.as_deref() == Some("yes");
    let pool = &who.state.pool;
    let target = users::get(pool, user_id).await?.ok_or(AppError::NotFound)?;
    let removes_an_admin =
        target.user.role == Role::Admin && target.active && (role != Role::Admin || !active);
    if removes_an_admin && users::count_active_admins(pool).await? <= 1 {
        return Err(AppError::Conflict(
            "At least one active admin must remain.".into(),
        ));
    }
    if user_id == me && !active {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    users::update_access(pool, user_id, role, active, now_millis()).await?;
    leptos_axum::redirect("/admin?saved=user");
    Ok(())
}

#[server]
pub async fn list_teams() -> Result<Vec<Team>, AppError> {
    let who = asker(Action::ManageTeams).await?;
    Ok(teams::list(&who.state.pool).await?)
}

#[server]
pub async fn create_team(name: String) -> Result<(), AppError> {
    let who = asker(Action::ManageTeams).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::invalid(
            "name",
            "A team name has 1 to 80 characters.",
        ));
    }
    match teams::create(&who.state.pool, name, now_millis()).await {
        Ok(_) => {}
        Err(teams::TeamError::NameTaken) => {
            return Err(AppError::invalid(
                "name",
                "A team with this name already exists.",
            ))
        }
        Err(teams::TeamError::Db(e)) => return Err(e.into()),
    }
    leptos_axum::redirect("/admin?saved=team");
    Ok(())
}

/// Add a member by email (or change whether they lead the team).
#[server]
pub async fn add_team_member(
    team_id: i64,
    email: String,
    lead: Option<String>,
) -> Result<(), AppError> {
    let who = asker(Action::ManageTeams).await?;
    let pool = &who.state.pool;
    if !teams::exists(pool, team_id).await? {
        return Err(AppError::NotFound);
    }
    let user = users::credentials(pool, email.trim())
        .await?
        .ok_or_else(|| AppError::invalid("email", "No account has this email."))?;
    teams::put_member(
        pool,
        team_id,
        user.id,
        lead.as_deref() == Some("yes"),
        now_millis(),
    )
    .await?;
    leptos_axum::redirect("/admin?saved=team");
    Ok(())
}

#[server]
pub async fn remove_team_member(team_id: i64, user_id: i64) -> Result<(), AppError> {
    let who = asker(Action::ManageTeams).await?;
    teams::remove_member(&who.state.pool, team_id, user_id).await?;
    leptos_axum::redirect("/admin?saved=team");
    Ok(())
}
