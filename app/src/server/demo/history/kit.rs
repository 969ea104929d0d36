//! The demo history's tools: a deterministic die, the in-process client that posts to the
//! server functions as a browser would, and the drills with answers that say their key points.
use crate::domain::library::KeyPoint;
use crate::domain::taxonomy::Topic;
use crate::server::db::{self, Pool};
use axum::body::Body;
use axum::http::{header, Request};
use leptos::server_fn::ServerFn;
use tower::ServiceExt;

/// The rubric's dimensions, in order, as the forms name them.
pub(super) const DIMENSIONS: [&str; 8] = [
    "framing-triage",
    "lineage-versions",
    "investigation-signals",
    "root-cause",
    "safe-mitigation",
    "prevention-reproducibility",
    "tradeoffs",
    "communication",
];

/// A small deterministic generator (SplitMix64): the demo is the same on every machine.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// -1, 0 or +1, with 0 as likely as both others together
    pub(super) fn wobble(&mut self) -> i64 {
        match self.below(4) {
            0 => -1,
            1 => 1,
            _ => 0,
        }
    }
}

pub(super) fn enc(value: &str) -> String {
    crate::pages::auth::encode(value)
}

pub(super) fn clamp(score: i64) -> i64 {
    score.clamp(1, 4)
}

/// Server functions called in-process, the way a browser's form posts arrive.
pub(super) struct Client {
    pub(super) router: axum::Router,
}

impl Client {
    /// POST `form` to `path` as `cookie` at time `when`; the `Location` it answers (a server
    /// function's redirect) or an error naming the call.
    pub(super) async fn call(
        &self,
        path: &str,
        form: &str,
        cookie: Option<&str>,
        when: i64,
    ) -> Result<Reply, String> {
        use http_body_util::BodyExt;
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request
            .body(Body::from(form.to_string()))
            .map_err(|e| e.to_string())?;
        let response = crate::server::at(when, self.router.clone().oneshot(request))
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let cookie = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.contains("coach_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_string);
        if !(status.is_success() || status.is_redirection()) {
            let body = response
                .into_body()
                .collect()
                .await
                .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
                .unwrap_or_default();
            return Err(format!("demo history: {path} answered {status}: {body}"));
        }
        Ok(Reply { location, cookie })
    }

    pub(super) async fn sign_in(&self, email: &str, when: i64) -> Result<String, String> {
        let form = format!(
            "email={}&password={}",
            enc(email),
            enc(super::super::DEMO_PASSWORD)
        );
        self.call(crate::api::account::SignIn::PATH, &form, None, when)
            .await?
            .cookie
            .ok_or_else(|| format!("demo history: no session for {email}"))
    }
}

pub(super) struct Reply {
    location: Option<String>,
    cookie: Option<String>,
}

impl Reply {
    /// The number after `prefix` in the redirect: the id of what was just made.
    pub(super) fn id_after(&self, prefix: &str) -> Result<i64, String> {
        self.location
            .as_deref()
            .and_then(|l| l.strip_prefix(prefix))
            .and_then(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse().ok())
            })
            .ok_or_else(|| format!("demo history: no {prefix}<id> in {:?}", self.location))
    }
}

/// A scenario as the demo uses it.
pub(super) struct Drill {
    pub(super) slug: String,
    pub(super) version: i64,
    pub(super) topics: Vec<Topic>,
    pub(super) key_points: Vec<KeyPoint>,
    pub(super) follow_ups: usize,
    /// rubric dimensions this drill does not score
    pub(super) not_applicable: Vec<String>,
}

impl Drill {
    /// The rubric dimensions this drill is scored on.
    pub(super) fn dimensions(&self) -> impl Iterator<Item = &'static str> + '_ {
        DIMENSIONS
            .into_iter()
            .filter(|d| !self.not_applicable.iter().any(|n| n == d))
    }
}

pub(super) async fn drills(pool: &Pool, someone: i64) -> Result<Vec<Drill>, String> {
    let mut out = Vec::new();
    for s in db::practice::schedulable(pool, someone)
        .await
        .map_err(|e| e.to_string())?
    {
        let target = db::practice::start_target(
            pool,
            db::scenarios::Viewer(Some(someone)),
            &s.slug,
            s.version,
        )
        .await
        .map_err(|e| e.to_string())?;
        let Some(target) = target else { continue };
        let Some(detail) = db::scenarios::get_version(pool, target.version_id)
            .await
            .map_err(|e| e.to_string())?
        else {
            continue;
        };
        out.push(Drill {
            slug: s.slug,
            version: s.version,
            topics: detail.topics.clone(),
            key_points: detail.key_points,
            follow_ups: detail.follow_ups.len(),
            not_applicable: detail.not_applicable,
        });
    }
    Ok(out)
}

/// An answer that says the key points `said` covers in a candidate's own words (the labels, as
/// a first-person plan), so the assessor has real evidence to find.
pub(super) fn answer(drill: &Drill, said: &[usize]) -> String {
    let mut text = String::from(
        "First I would say what kind of incident this is and how big the impact is, then work through it in order.\n\n",
    );
    for &i in said {
        let label = &drill.key_points[i].label;
        let mut chars = label.chars();
        let lowered = match chars.next() {
            Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
            None => continue,
        };
        text.push_str(&format!("- I {lowered}.\n"));
    }
    text.push_str(
        "\nI would keep the downstream teams updated every 30 minutes until it is resolved.",
    );
    text
}
