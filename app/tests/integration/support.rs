//! Shared set-up for integration tests: a fresh SQLite file per test, the real content, the router.
use app::server::db::Pool;
use app::server::{content, db, http, settings::Settings, state::AppState};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tower::ServiceExt;

/// One multi-threaded runtime for every test of a binary, as the server has in production.
static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
});

/// Run one test's body on the shared runtime.
pub fn run<F: std::future::Future<Output = ()> + Send + 'static>(test: F) {
    RUNTIME.block_on(test)
}

/// The project's real `content/` folder.
pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// A copy of `content/` that a test may change.
pub fn copy_of_content(into: &Path) -> PathBuf {
    let target = into.join("content");
    for sub in ["scenarios", "frameworks"] {
        std::fs::create_dir_all(target.join(sub)).unwrap();
        for entry in std::fs::read_dir(content_dir().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, target.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        content_dir().join("rubric.toml"),
        target.join("rubric.toml"),
    )
    .unwrap();
    target
}

/// The PostgreSQL server the suite runs against instead of SQLite, when set: a URL whose user
/// may create databases (`make test` runs the suite once on each backend; see
/// scripts/with_postgres.py).
pub const POSTGRES_VAR: &str = "COACH_TEST_POSTGRES";

/// Whether this run is on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var_os(POSTGRES_VAR).is_some()
}

/// For the few tests of SQLite's own machinery (its files, backups, query plans): true, with
/// a note, when the suite runs on PostgreSQL and the test should end there.
pub fn sqlite_only(what: &str) -> bool {
    if on_postgres() {
        eprintln!("skipped on PostgreSQL: {what} is SQLite's");
        return true;
    }
    false
}

/// A migrated database: a SQLite file in a new temporary folder (kept alive by the returned
/// `TempDir`), or on PostgreSQL a new database made from a migrated template.
pub async fn fresh_db() -> (TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var(POSTGRES_VAR) {
        Ok(server) => postgres_database(&server).await,
        Err(_) => format!("sqlite://{}/nested/coach.db", dir.path().display()),
    };
    let pool = db::connect(&url).await.unwrap();
    (dir, pool)
}

/// A new, migrated database on the PostgreSQL server at `server`; its URL.
async fn postgres_database(server: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static TEMPLATE: tokio::sync::OnceCell<(Pool, String)> = tokio::sync::OnceCell::const_new();
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let url_of = |name: &str| {
        let mut url = url::Url::parse(server).unwrap();
        url.set_path(name);
        url.to_string()
    };
    let (admin, template) = TEMPLATE
        .get_or_init(|| async {
            let admin = db::open(server, 4).await.unwrap();
            let template = format!("coach_template_{}", std::process::id());
            sqlx::query(&format!("CREATE DATABASE {template}"))
                .execute(&admin)
                .await
                .unwrap();
            // Migrated once; every test's database is a copy (CREATE DATABASE .. TEMPLATE).
            db::connect(&url_of(&template)).await.unwrap().close().await;
            (admin, template)
        })
        .await;
    let name = format!(
        "coach_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(admin)
        .await
        .unwrap();
    url_of(&name)
}

pub struct TestApp {
    pub router: axum::Router,
    pub pool: Pool,
    pub state: AppState,
    _dir: TempDir,
}

/// The whole app on a fresh database loaded with the real content.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The same, with some settings (environment variables) given.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    // COACH_TEST_LOG=1 shows the app's logs while debugging a test.
    if std::env::var_os("COACH_TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    }
    let (dir, pool) = fresh_db().await;
    content::sync(&pool, &content_dir(), 1).await.unwrap();
    let settings = Settings::from_lookup(|name| match name {
        "COACH_CONTENT_DIR" => Some(content_dir().display().to_string()),
        _ => vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string()),
    })
    .unwrap();
    app_on(pool, settings, dir)
}

/// The app (state and router) on `pool`, as `coach serve` builds it.
fn app_on(pool: Pool, settings: Settings, dir: TempDir) -> TestApp {
    let state = AppState::new(
        leptos::config::get_configuration(None)
            .unwrap()
            .leptos_options,
        pool.clone(),
        settings,
    );
    TestApp {
        router: http::router(state.clone()),
        state,
        pool,
        _dir: dir,
    }
}

/// The tables of a SQLite database that the app's migrations make (not SQLite's own, sqlx's
/// bookkeeping, or FTS5's shadow tables), by name.
pub async fn sqlite_tables(pool: &Pool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            AND name NOT LIKE '_sqlx_%' AND name NOT LIKE 'scenario_search_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

impl TestApp {
    /// A second instance of the app on the same database, as behind a load balancer: its own
    /// pool, state (sessions layer, live hub, page cache) and router.
    pub async fn another_instance(&self) -> TestApp {
        let url = self.pool.connect_options().database_url.to_string();
        let pool = db::connect(&url).await.unwrap();
        app_on(
            pool,
            (*self.state.settings).clone(),
            tempfile::tempdir().unwrap(),
        )
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(request).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// Call a server function the way the browser does: a URL-encoded POST.
    pub async fn post_form(&self, path: &str, form: &str) -> Reply {
        let request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .unwrap();
        self.send(request).await
    }
}

pub async fn count(pool: &Pool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

pub const PASSWORD: &str = "a long test password";

/// The rubric's dimensions in content/rubric.toml, in order.
pub const DIMENSIONS: [&str; 8] = [
    "framing-triage",
    "lineage-versions",
    "investigation-signals",
    "root-cause",
    "safe-mitigation",
    "prevention-reproducibility",
    "tradeoffs",
    "communication",
];

/// An account with `role`, created directly in the database.
pub async fn create_user(pool: &Pool, email: &str, role: app::domain::account::Role) -> i64 {
    let hash = app::server::auth::password::hash(PASSWORD.to_string())
        .await
        .unwrap();
    let user = app::server::db::users::NewUser {
        email,
        display_name: email.split('@').next().unwrap(),
        password_hash: &hash,
        role,
    };
    let mut conn = pool.acquire().await.unwrap();
    app::server::db::users::create(&mut conn, &user, 1)
        .await
        .unwrap()
        .id
}

/// A server function succeeded: 200 for a script's call (with a redirect header), 302 for a form.
pub fn succeeded(reply: &Reply) -> bool {
    reply.status.is_success() || reply.status.is_redirection()
}

/// The whole `Set-Cookie` header of the session cookie a response sets, if it sets one.
pub fn session_set_cookie(reply: &Reply) -> Option<&str> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("coach_session=") || c.starts_with("__Host-coach_session="))
}

/// The `name=value` part of the session cookie a response sets, if it sets one.
pub fn session_cookie(reply: &Reply) -> Option<String> {
    session_set_cookie(reply).map(|c| c.split(';').next().unwrap().to_string())
}

impl TestApp {
    /// A server-function call carrying `cookie` (None: anonymous).
    pub async fn call(&self, path: &str, form: &str, cookie: Option<&str>) -> Reply {
        let mut request =
            Request::post(path).header("content-type", "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::from(form.to_string())).unwrap())
            .await
    }

    /// Sign in through the server function and return the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        use leptos::server_fn::ServerFn;
        let form = sign_in_form(email, password);
        let reply = self
            .call(app::api::account::SignIn::PATH, &form, None)
            .await;
        assert!(
            succeeded(&reply),
            "sign-in failed: {} {}",
            reply.status,
            reply.body
        );
        session_cookie(&reply).expect("a session cookie")
    }

    /// Who the server thinks `cookie` belongs to.
    pub async fn who(&self, cookie: Option<&str>) -> Option<String> {
        use leptos::server_fn::ServerFn;
        let reply = self.call(app::api::account::WhoAmI::PATH, "", cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let value: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        value["email"].as_str().map(str::to_string)
    }
}

/// The body of a sign-in form.
pub fn sign_in_form(email: &str, password: &str) -> String {
    format!("email={}&password={}", enc(email), enc(password))
}

/// Form-encode a value (spaces, @ and & are all this test data needs).
pub fn enc(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace(' ', "+")
        .replace('@', "%40")
        .replace('&', "%26")
}

/// Two teams and one of each kind of person: a lead and a member of `team`, the lead of
/// `other_team`, and a candidate on no team, all signed in.
pub struct Cast {
    pub team: i64,
    pub other_team: i64,
    pub lead: String,
    pub member: String,
    pub outsider: String,
    pub candidate: String,
}

pub async fn cast(app: &TestApp) -> Cast {
    use app::domain::account::Role;
    use app::server::db::teams;
    let lead = create_user(&app.pool, "lea@example.com", Role::TeamLead).await;
    let member = create_user(&app.pool, "mo@example.com", Role::Interviewer).await;
    let outsider = create_user(&app.pool, "out@example.com", Role::TeamLead).await;
    create_user(&app.pool, "cat@example.com", Role::Candidate).await;
    let team = teams::create(&app.pool, "Platform", 1).await.unwrap();
    let other_team = teams::create(&app.pool, "Search", 1).await.unwrap();
    teams::put_member(&app.pool, team, lead, true, 1)
        .await
        .unwrap();
    teams::put_member(&app.pool, team, member, false, 1)
        .await
        .unwrap();
    teams::put_member(&app.pool, other_team, outsider, true, 1)
        .await
        .unwrap();
    Cast {
        team,
        other_team,
        lead: app.sign_in("lea@example.com", PASSWORD).await,
        member: app.sign_in("mo@example.com", PASSWORD).await,
        outsider: app.sign_in("out@example.com", PASSWORD).await,
        candidate: app.sign_in("cat@example.com", PASSWORD).await,
    }
}
