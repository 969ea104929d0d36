//! `coach user add`: creating an account from the command line (the first admin, typically).
use super::auth::password;
use super::db::users;
use super::now_millis;
use crate::domain::account::{DisplayName, Email, Role};
use crate::server::db::Pool;

/// The flags of `coach user add`, checked before the password is even asked for.
#[derive(Debug)]
pub struct UserAdd {
    pub role: Role,
    pub email: Email,
    pub name: DisplayName,
}

impl UserAdd {
    /// Check the three values; the message names the flag that is wrong.
    pub fn parse(role: &str, email: &str, name: &str) -> Result<Self, String> {
        Ok(Self {
            role: Role::parse(role).map_err(|e| format!("--role: {e}"))?,
            email: Email::parse(email).map_err(|e| format!("--email: {e}"))?,
            name: DisplayName::parse(name).map_err(|e| format!("--name: {e}"))?,
        })
    }

    /// Create the account with `raw_password`; returns a line to print.
    pub async fn run(&self, pool: &Pool, raw_password: &str) -> Result<String, String> {
        let password =
            password::new_password(raw_password).map_err(|e| format!("password: {e}"))?;
        let hash = password::hash(password.expose().to_string())
            .await
            .map_err(|e| e.to_string())?;
        let user = users::NewUser {
            email: self.email.as_str(),
            display_name: self.name.as_str(),
            password_hash: &hash,
            role: self.role,
        };
        let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
        let id = users::create(&mut conn, &user, now_millis())
            .await
            .map_err(|e| e.to_string())?
            .id;
        Ok(format!(
            "created {} {} <{}> (id {id})",
            self.role.label(),
            self.name.as_str(),
            self.email.as_str()
        ))
    }
}
