//! Signing in and out, registering, and one's own account.
use crate::domain::account::CurrentUser;
use crate::domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{
        account::{DisplayName, Email, Role},
        error::Invalid,
        policy::Action,
    },
    server::{
        auth::{asker, limits, password, session},
        db::users,
        now_millis,
    },
};

/// Same words for an unknown email and a wrong password: nothing tells which accounts exist.
pub const BAD_CREDENTIALS: &str = "Email or password is incorrect.";
/// Longest password a sign-in will even try to verify (new ones are limited to 128).
#[cfg(feature = "ssr")]
const SIGN_IN_PASSWORD_MAX: usize = 1024;

/// The signed-in user, or None.
#[server]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    Ok(asker(Action::ReadLibrary).await?.user)
}

/// The client's address for rate limits: the TCP peer, or behind a trusted proxy the address
/// the proxy forwarded (`COACH_TRUSTED_PROXIES`).
#[cfg(feature = "ssr")]
async fn client_address() -> std::net::IpAddr {
    use axum::extract::ConnectInfo;
    let peer = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let trusted = use_context::<crate::server::state::AppState>()
        .map(|s| s.settings.trusted_proxies.clone())
        .unwrap_or_default();
    // Every X-Forwarded-For line, in order: some proxies add a line of their own rather than
    // append to the client's, and the client's own line must not be taken for the proxy's.
    let forwarded = use_context::<axum::http::request::Parts>().map(|p| {
        p.headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",")
    });
    crate::server::auth::limits::client_ip(peer, forwarded.as_deref(), &trusted)
}

#[cfg(feature = "ssr")]
fn too_many(wait_seconds: u64) -> AppError {
    let minutes = wait_seconds.div_ceil(60);
    AppError::TooManyRequests(format!(
        "Too many password attempts. Wait {} and try again.",
        if minutes <= 1 {
            "a minute".to_string()
        } else {
            format!("{minutes} minutes")
        }
    ))
}

/// Check the signed-in user's current password, spending from the same limits as a sign-in
/// (per client and per account): a stolen cookie must not turn into unlimited guesses.
#[cfg(feature = "ssr")]
async fn check_own_password(
    who: &crate::server::auth::Asker,
    user_id: i64,
    password: String,
    field: &str,
) -> Result<(), AppError> {
    let pool = &who.state.pool;
    let (stored, email) = users::password_and_email(pool, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let client = client_address().await;
    limits::check(pool, client, &email, now_millis())
        .await?
        .map_err(too_many)?;
    if password.len() > SIGN_IN_PASSWORD_MAX || !password::verify(Some(stored), password).await? {
        return Err(AppError::invalid(
            field,
            "That is not your current password.",
        ));
    }
    Ok(())
}

#[server]
pub async fn sign_in(
    email: String,
    password: String,
    /// where the person was going when they were asked to sign in (`/sign-in?next=...`)
    #[server(default)]
    next: String,
) -> Result<(), AppError> {
    let who = asker(Action::Authenticate).await?;
    let client = client_address().await;
    limits::check(&who.state.pool, client, &email, now_millis())
        .await?
        .map_err(too_many)?;
    let refused = || {
        AppError::Validation(
            Invalid::default()
                .field("password", BAD_CREDENTIALS)
                .keep("email", &email),
        )
    };
    if password.len() > SIGN_IN_PASSWORD_MAX {
        return Err(refused());
    }
    let account = users::credentials(&who.state.pool, email.trim()).await?;
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let verified = password::verify(hash, password).await?;
    match account {
        Some(a) if verified && a.active => {
            limits::remember(&who.state.pool, client, &email, now_millis()).await?;
            session::start(&who.session, a.id, a.session_key).await?;
            tracing::info!(user_id = a.id, "signed in");
            leptos_axum::redirect(crate::domain::account::safe_next(&next).unwrap_or("/"));
            Ok(())
        }
        _ => Err(refused()),
    }
}

#[server]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    /// where the person was going, carried over from the sign-in page
    #[server(default)]
    next: String,
) -> Result<(), AppError> {
    let who = asker(Action::Authenticate).await?;
    if !who.state.settings.self_registration {
        return Err(AppError::Forbidden);
    }
    let client = client_address().await;
    limits::check(&who.state.pool, client, &email, now_millis())
        .await?
        .map_err(too_many)?;
    let mut invalid = Invalid::default()
        .keep("email", &email)
        .keep("display_name", &display_name);
    let email_ok =
        Email::parse(&email).map_err(|m| invalid = std::mem::take(&mut invalid).field("email", m));
    let name_ok = DisplayName::parse(&display_name)
        .map_err(|m| invalid = std::mem::take(&mut invalid).field("display_name", m));
    let password_ok = password::new_password(&password)
        .map_err(|m| invalid = std::mem::take(&mut invalid).field("password", m));
    let (Ok(email_v), Ok(name), Ok(password_v)) = (email_ok, name_ok, password_ok) else {
        return Err(AppError::Validation(invalid));
    };
    let hash = password::hash(password_v.expose().to_string()).await?;
    let new = users::NewUser {
        email: email_v.as_str(),
        display_name: name.as_str(),
        password_hash: &hash,
        role: Role::Candidate,
    };
    let mut conn = who.state.pool.acquire().await?;
    let created = match users::create(&mut conn, &new, now_millis()).await {
        Ok(created) => created,
        Err(users::CreateUserError::EmailTaken) => {
            return Err(AppError::Validation(invalid.field(
                "email",
                "An account with this email already exists. Sign in instead.",
            )))
        }
        Err(users::CreateUserError::Db(e)) => return Err(e.into()),
    };
    drop(conn);
    // The client that made the account knows its password: like after a sign-in, its own tries
    // no longer share the account's quota with everybody else's.
    limits::remember(&who.state.pool, client, email_v.as_str(), now_millis()).await?;
    session::start(&who.session, created.id, created.session_key).await?;
    tracing::info!(user_id = created.id, "registered");
    leptos_axum::redirect(crate::domain::account::safe_next(&next).unwrap_or("/"));
    Ok(())
}

#[server]
pub async fn sign_out() -> Result<(), AppError> {
    let who = asker(Action::Authenticate).await?;
    session::end(&who.session).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Change one's password; every other session of the account ends.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let who = asker(Action::OwnAccount).await?;
    let user = who.signed_in()?;
    let new =
        password::new_password(&new_password).map_err(|m| AppError::invalid("new_password", m))?;
    check_own_password(&who, user.id, current_password, "current_password").await?;
    let hash = password::hash(new.expose().to_string()).await?;
    let key = users::set_password(&who.state.pool, user.id, &hash, now_millis()).await?;
    session::start(&who.session, user.id, key).await?;
    leptos_axum::redirect("/account?changed=password");
    Ok(())
}

/// Delete one's own account, after the password and an explicit confirmation.
#[server]
pub async fn delete_account(password: String, confirm: Option<String>) -> Result<(), AppError> {
    let who = asker(Action::OwnAccount).await?;
    let user = who.signed_in()?.clone();
    check_own_password(&who, user.id, password, "password").await?;
    if confirm.as_deref() != Some("yes") {
        return Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm that the account and its data go for good.",
        ));
    }
    if user.role == Role::Admin && users::count_active_admins(&who.state.pool).await? <= 1 {
        return Err(AppError::Conflict(
            "You are the only admin. Make someone else an admin before deleting your account."
                .into(),
        ));
    }
    users::delete(&who.state.pool, user.id).await?;
    session::end(&who.session).await?;
    tracing::info!(user_id = user.id, "account deleted");
    leptos_axum::redirect("/?account=deleted");
    Ok(())
}
