//! Shared set-up for integration tests: a fresh SQLite file per test, the real content, the router.
use app::server::{content, db, http, settings::Settings, state::AppState};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;
use tower::ServiceExt;

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

/// A migrated database in a new temporary folder (kept alive by the returned `TempDir`).
pub async fn fresh_db() -> (TempDir, SqlitePool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/coach.db", dir.path().display());
    let pool = db::connect(&url).await.unwrap();
    (dir, pool)
}

pub struct TestApp {
    pub router: axum::Router,
    pub pool: SqlitePool,
    _dir: TempDir,
}

/// The whole app on a fresh database loaded with the real content.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The same, with some settings (environment variables) given.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
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
    let state = AppState {
        leptos_options: leptos::config::get_configuration(None)
            .unwrap()
            .leptos_options,
        pool: pool.clone(),
        settings: Arc::new(settings),
    };
    TestApp {
        router: http::router(state),
        pool,
        _dir: dir,
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

pub async fn count(pool: &SqlitePool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}
