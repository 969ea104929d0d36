//! Accounts: who someone is (role, email, name) and what a password must be.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Candidate,
    Interviewer,
    TeamLead,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Candidate,
        Role::Interviewer,
        Role::TeamLead,
        Role::Admin,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Interviewer => "interviewer",
            Role::TeamLead => "team-lead",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Candidate => "Candidate",
            Role::Interviewer => "Interviewer",
            Role::TeamLead => "Team lead",
            Role::Admin => "Admin",
        }
    }

    pub fn parse(key: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| {
                format!(
                    "unknown role \"{key}\"; expected one of: candidate, interviewer, team-lead, admin"
                )
            })
    }
}

/// An email address, compared case-insensitively, stored as typed (trimmed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim();
        let len = email.chars().count();
        let valid = (3..=254).contains(&len)
            && !email.chars().any(char::is_whitespace)
            && email.matches('@').count() == 1
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(email.to_string()))
        } else {
            Err("Enter an email address like name@example.com.".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown to other people: 1 to 80 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        let len = name.chars().count();
        if len == 0 {
            return Err("Enter the name other people will see.".to_string());
        }
        if len > 80 || name.chars().any(char::is_control) {
            return Err("Use at most 80 characters, without line breaks.".to_string());
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// A new password: 8 to 128 characters (ASVS: at least 64 allowed; spaces and any Unicode are).
/// Deliberately no composition rules. Not `Debug`-printable, so it cannot end up in a log.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let len = raw.chars().count();
        if len < PASSWORD_MIN {
            return Err(format!("Use at least {PASSWORD_MIN} characters."));
        }
        if len > PASSWORD_MAX {
            return Err(format!("Use at most {PASSWORD_MAX} characters."));
        }
        if raw.trim().is_empty() {
            return Err("A password cannot be only spaces.".to_string());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// The signed-in user, as pages and server functions see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// One row of the admin's user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user: CurrentUser,
    pub active: bool,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub is_lead: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub members: Vec<TeamMember>,
}

/// Where to go after signing in (`/sign-in?next=...`): only a path of this site. Anything
/// else (another site, `//host`, `/\\host`, a scheme, control characters, the sign-in pages
/// themselves, a server function) gives None, and the caller goes home.
pub fn safe_next(raw: &str) -> Option<&str> {
    let path = raw.split(['?', '#']).next().unwrap_or_default();
    // No dot segments ("/./api", "/x/../sign-in") and nothing percent-encoded in the path:
    // the path is what it says.
    let dotted = path
        .split('/')
        .any(|segment| segment == "." || segment == ".." || segment.contains('%'));
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let ok = raw.len() <= 1024
        && raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && !raw.chars().any(char::is_control)
        && !dotted
        && !["sign-in", "register", "api"].contains(&first);
    ok.then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_one_at_and_a_dotted_domain() {
        assert!(Email::parse(" ada@example.com ").is_ok());
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.de",
            "ada@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_allow_64_and_more_but_not_short_or_huge_ones() {
        assert!(NewPassword::parse("seven77").is_err());
        assert!(NewPassword::parse("eight888").is_ok());
        assert!(NewPassword::parse(&"x".repeat(64)).is_ok());
        assert!(NewPassword::parse(&"x".repeat(128)).is_ok());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("         ").is_err());
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }

    #[test]
    fn a_password_never_prints() {
        let p = NewPassword::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse("a\nb").is_err());
        assert!(DisplayName::parse(&"a".repeat(81)).is_err());
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Ok(r));
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn only_paths_of_this_site_are_places_to_go_after_signing_in() {
        for good in [
            "/history",
            "/practice/12?saved=1",
            "/scenarios/gpu-pods-pending#answer-key",
            "/",
        ] {
            assert_eq!(safe_next(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "history",
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "/\tevil",
            "/x\ny",
            "javascript:alert(1)",
            "/sign-in",
            "/sign-in?next=/sign-in",
            "/register",
            "/api/sign_out",
            "/./api/sign_out",
            "/x/../sign-in",
            "/sign-in/",
            "/%2F%2Fevil.example",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(2000))), None);
    }
}
