//! Settings from environment variables, with defaults that run the app locally.
//! Invalid values stop start-up with a message naming the variable and the problem.
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    /// `COACH_DATABASE_URL`, default `sqlite://data/coach.db`; or `postgres://...`.
    pub database_url: String,
    /// `COACH_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `COACH_CONTENT_DIR`, default `content`.
    pub content_dir: PathBuf,
    /// `COACH_LOG` (a tracing filter such as `info` or `app=debug,info`), default `info`.
    pub log: String,
    /// `COACH_PUBLIC_URL`: the address people use, default `http://` + `COACH_ADDR`. When it is
    /// https, cookies are `Secure` and responses carry HSTS.
    pub public_url: String,
    /// `COACH_SELF_REGISTRATION` (`true`/`false`), default true: anyone may register as a candidate.
    pub self_registration: bool,
    /// `COACH_LOG_FORMAT`: `text` (default, for people) or `json` (one object per line, for a
    /// log pipeline).
    pub log_json: bool,
    /// `COACH_METRICS_TOKEN`: lets a scraper that is not on this machine read `/metrics` with
    /// `Authorization: Bearer <token>`. Unset: loopback only.
    pub metrics_token: Option<String>,
    /// `COACH_TRUSTED_PROXIES`: comma-separated addresses of reverse proxies whose
    /// `X-Forwarded-For` is believed for sign-in rate limits. Unset: none.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `COACH_SHUTDOWN_GRACE`: seconds between a shutdown signal and closing the listener,
    /// during which `/readyz` says 503 but requests are still served (set it to the load
    /// balancer's probe period). Default 2, at most 60.
    pub shutdown_grace_seconds: u64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting {var}={value:?}: {problem}")]
pub struct SettingsError {
    pub var: &'static str,
    pub value: String,
    pub problem: String,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |var: &'static str, default: &str| {
            lookup(var)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_string())
        };

        let database_url = get("COACH_DATABASE_URL", "sqlite://data/coach.db");
        if crate::server::db::Backend::of_url(&database_url).is_none() {
            return Err(SettingsError {
                var: "COACH_DATABASE_URL",
                // Never print a password.
                value: crate::server::db::redact(&database_url),
                problem: "use sqlite://FILE (e.g. sqlite://data/coach.db) or postgres://USER:PASSWORD@HOST/DATABASE".into(),
            });
        }

        let addr_raw = get("COACH_ADDR", "127.0.0.1:3000");
        let addr = addr_raw.parse().map_err(|_| SettingsError {
            var: "COACH_ADDR",
            value: addr_raw.clone(),
            problem: "expected IP:PORT, e.g. 127.0.0.1:3000".into(),
        })?;

        let content_dir = PathBuf::from(get("COACH_CONTENT_DIR", "content"));
        if !content_dir.is_dir() {
            return Err(SettingsError {
                var: "COACH_CONTENT_DIR",
                value: content_dir.display().to_string(),
                problem: "not a directory (run from the project folder or set the path)".into(),
            });
        }

        let log = get("COACH_LOG", "info");
        let public_url = get("COACH_PUBLIC_URL", &format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(SettingsError {
                var: "COACH_PUBLIC_URL",
                value: public_url,
                problem: "expected an http:// or https:// URL".into(),
            });
        }
        let self_registration = match get("COACH_SELF_REGISTRATION", "true").as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            other => {
                return Err(SettingsError {
                    var: "COACH_SELF_REGISTRATION",
                    value: other.to_string(),
                    problem: "expected true or false".into(),
                })
            }
        };
        let log_json = match get("COACH_LOG_FORMAT", "text").as_str() {
            "text" => false,
            "json" => true,
            other => {
                return Err(SettingsError {
                    var: "COACH_LOG_FORMAT",
                    value: other.to_string(),
                    problem: "expected text or json".into(),
                })
            }
        };
        let metrics_token = lookup("COACH_METRICS_TOKEN").filter(|t| !t.trim().is_empty());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(SettingsError {
                var: "COACH_METRICS_TOKEN",
                value: "(hidden)".into(),
                problem: "use at least 16 characters".into(),
            });
        }
        let proxies_raw = get("COACH_TRUSTED_PROXIES", "");
        let trusted_proxies = proxies_raw
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse().map_err(|_| SettingsError {
                    var: "COACH_TRUSTED_PROXIES",
                    value: proxies_raw.clone(),
                    problem: format!("{p:?} is not an IP address (list them, e.g. 127.0.0.1,::1)"),
                })
            })
            .collect::<Result<Vec<std::net::IpAddr>, _>>()?;
        let grace_raw = get("COACH_SHUTDOWN_GRACE", "2");
        let shutdown_grace_seconds = grace_raw
            .parse::<u64>()
            .ok()
            .filter(|s| *s <= 60)
            .ok_or_else(|| SettingsError {
                var: "COACH_SHUTDOWN_GRACE",
                value: grace_raw.clone(),
                problem: "expected a number of seconds from 0 to 60".into(),
            })?;
        Ok(Self {
            shutdown_grace_seconds,
            trusted_proxies,
            database_url,
            addr,
            content_dir,
            log,
            public_url,
            self_registration,
            log_json,
            metrics_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let content = env!("CARGO_MANIFEST_DIR").to_string() + "/../content";
        let mut map: HashMap<String, String> =
            HashMap::from([("COACH_CONTENT_DIR".to_string(), content)]);
        map.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_locally_from_a_file_under_data() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://data/coach.db");
    }

    #[test]
    fn logs_are_text_or_json_and_a_metrics_token_is_long() {
        assert!(!settings(&[]).unwrap().log_json);
        assert!(settings(&[("COACH_LOG_FORMAT", "json")]).unwrap().log_json);
        let err = settings(&[("COACH_LOG_FORMAT", "yaml")]).unwrap_err();
        assert_eq!(err.var, "COACH_LOG_FORMAT");
        let err = settings(&[("COACH_METRICS_TOKEN", "short")]).unwrap_err();
        assert_eq!(err.var, "COACH_METRICS_TOKEN");
        assert!(
            !err.to_string().contains("short"),
            "the token is not echoed"
        );
        let s = settings(&[("COACH_METRICS_TOKEN", "a-long-enough-token")]).unwrap();
        assert_eq!(s.metrics_token.as_deref(), Some("a-long-enough-token"));
    }

    #[test]
    fn the_shutdown_grace_is_a_short_number_of_seconds() {
        assert_eq!(settings(&[]).unwrap().shutdown_grace_seconds, 2);
        assert_eq!(
            settings(&[("COACH_SHUTDOWN_GRACE", "0")])
                .unwrap()
                .shutdown_grace_seconds,
            0
        );
        for bad in ["-1", "61", "soon"] {
            let err = settings(&[("COACH_SHUTDOWN_GRACE", bad)]).unwrap_err();
            assert_eq!(err.var, "COACH_SHUTDOWN_GRACE");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses() {
        assert!(settings(&[]).unwrap().trusted_proxies.is_empty());
        let s = settings(&[("COACH_TRUSTED_PROXIES", "127.0.0.1, ::1")]).unwrap();
        assert_eq!(s.trusted_proxies.len(), 2);
        let err = settings(&[("COACH_TRUSTED_PROXIES", "127.0.0.1,proxy.local")]).unwrap_err();
        assert_eq!(err.var, "COACH_TRUSTED_PROXIES");
        assert!(err.to_string().contains("proxy.local"));
    }

    #[test]
    fn a_bad_address_names_the_variable_and_the_expected_form() {
        let err = settings(&[("COACH_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.var, "COACH_ADDR");
        assert!(err.to_string().contains("IP:PORT"));
    }

    #[test]
    fn the_public_url_defaults_to_the_listen_address_and_must_be_http() {
        let s = settings(&[("COACH_ADDR", "127.0.0.1:8080")]).unwrap();
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        let err = settings(&[("COACH_PUBLIC_URL", "coach.example")]).unwrap_err();
        assert_eq!(err.var, "COACH_PUBLIC_URL");
    }

    #[test]
    fn a_database_url_of_another_kind_is_refused_without_showing_its_password() {
        let err = settings(&[("COACH_DATABASE_URL", "mysql://root:hunter2@db/x")]).unwrap_err();
        assert_eq!(err.var, "COACH_DATABASE_URL");
        assert!(!err.value.contains("hunter2"), "{}", err.value);
        let pg = settings(&[(
            "COACH_DATABASE_URL",
            "postgres://coach:pw@db.internal/coach",
        )]);
        assert!(pg.is_ok());
    }

    #[test]
    fn a_missing_content_directory_is_refused() {
        let err = settings(&[("COACH_CONTENT_DIR", "/nonexistent/content")]).unwrap_err();
        assert_eq!(err.var, "COACH_CONTENT_DIR");
    }
}
