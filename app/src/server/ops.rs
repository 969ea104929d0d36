//! Running in production: liveness and readiness probes, Prometheus metrics, and online backup
//! and restore of the SQLite database.
use super::state::AppState;
use crate::server::db::{maintenance, Pool};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long readiness waits for the database before saying it is not ready.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// GET /healthz: the process is up and answering (liveness). Touches nothing else, so a slow
/// database never gets a live process restarted.
pub async fn healthz() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], "ok\n").into_response()
}

/// GET /readyz: ready for traffic: not shutting down, and the database answers within 2 s.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let plain = |status: StatusCode, body: &'static str| {
        (status, [(header::CACHE_CONTROL, "no-store")], body).into_response()
    };
    if state.draining.load(Ordering::Relaxed) {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
    }
    let began = Instant::now();
    let ping = tokio::time::timeout(READY_TIMEOUT, maintenance::ping(&state.pool)).await;
    metrics::histogram!("coach_db_ping_seconds").record(began.elapsed().as_secs_f64());
    match ping {
        Ok(Ok(1)) => plain(StatusCode::OK, "ready\n"),
        Ok(Ok(_)) | Ok(Err(_)) => {
            tracing::warn!(?ping, "readiness: the database did not answer");
            plain(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer within {READY_TIMEOUT:?}");
            plain(StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Latency buckets, in seconds: from half a millisecond (a cached page) to ten seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Install the process-wide metrics recorder once (tests build many routers in one process).
pub fn install_metrics() -> Option<PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .clone()
}

fn describe() {
    metrics::describe_histogram!(
        "coach_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route, method and status class"
    );
    metrics::describe_histogram!(
        "coach_db_statement_duration_seconds",
        metrics::Unit::Seconds,
        "Time of each SQL statement, by its first keyword"
    );
    metrics::describe_histogram!(
        "coach_db_commit_seconds",
        metrics::Unit::Seconds,
        "Time to commit a write transaction (including the fsync)"
    );
    metrics::describe_histogram!(
        "coach_db_write_lock_wait_seconds",
        metrics::Unit::Seconds,
        "Time a write transaction waited for the write lock (BEGIN IMMEDIATE)"
    );
    metrics::describe_histogram!(
        "coach_db_ping_seconds",
        metrics::Unit::Seconds,
        "Time of the readiness probe's SELECT 1"
    );
    metrics::describe_gauge!("coach_db_connections", "Open database connections");
    metrics::describe_gauge!("coach_db_connections_idle", "Idle database connections");
    metrics::describe_gauge!("coach_live_listeners", "Open live-session event streams");
}

/// The route a request is counted under: its route pattern (`/scenarios/{slug}`), a server
/// function's path, or one bucket for everything else (static files, unknown URLs), so the
/// number of series stays bounded whatever URLs clients invent.
fn route_label(req: &Request) -> String {
    if let Some(path) = req.extensions().get::<MatchedPath>() {
        let p = path.as_str();
        if !p.contains('*') {
            return p.to_string();
        }
    }
    let path = req.uri().path();
    if path.starts_with("/api/") && super::http::is_server_fn(path) {
        return path.to_string();
    }
    if path.starts_with("/pkg/") {
        return "/pkg/*".into();
    }
    "other".into()
}

/// Middleware: time every request into `coach_http_request_duration_seconds`.
pub async fn record(req: Request, next: Next) -> Response {
    let route = route_label(&req);
    let method = req.method().to_string();
    let began = Instant::now();
    let res = next.run(req).await;
    let status = format!("{}xx", res.status().as_u16() / 100);
    metrics::histogram!(
        "coach_http_request_duration_seconds",
        "route" => route,
        "method" => method,
        "status" => status
    )
    .record(began.elapsed().as_secs_f64());
    res
}

/// GET /metrics: Prometheus text format. Served to the machine itself (a scraper on loopback,
/// or behind the proxy) or to whoever presents `COACH_METRICS_TOKEN` as a bearer token.
pub async fn metrics_page(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers();
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>();
    let token_ok = state.settings.metrics_token.as_deref().is_some_and(|t| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.as_bytes(), t.as_bytes()))
    });
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    let loopback = peer.is_some_and(|ConnectInfo(a)| a.ip().is_loopback()) && !forwarded;
    if !(token_ok || loopback) {
        return (StatusCode::FORBIDDEN, "metrics are for the operator\n").into_response();
    }
    let Some(handle) = install_metrics() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are not recording\n",
        )
            .into_response();
    };
    metrics::gauge!("coach_db_connections").set(state.pool.size() as f64);
    metrics::gauge!("coach_db_connections_idle").set(state.pool.num_idle() as f64);
    metrics::gauge!("coach_live_listeners").set(state.live.listeners() as f64);
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        handle.render(),
    )
        .into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A tracing layer that turns sqlx's per-statement events (target `sqlx::query`, which carry
/// `elapsed_secs`) into `coach_db_statement_duration_seconds`, labelled by the statement's
/// first keyword. Installed by the server binary; give it a filter that lets
/// `sqlx::query=debug` through.
pub struct StatementTimings;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StatementTimings {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        #[derive(Default)]
        struct Fields {
            elapsed: Option<f64>,
            verb: Option<String>,
        }
        impl tracing::field::Visit for Fields {
            fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
                if field.name() == "elapsed_secs" {
                    self.elapsed = Some(value);
                }
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "summary" {
                    self.verb = value
                        .split_whitespace()
                        .next()
                        .map(|w| w.to_ascii_uppercase());
                }
            }
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "summary" && self.verb.is_none() {
                    self.record_str(field, format!("{value:?}").trim_matches('"'));
                }
            }
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(elapsed) = fields.elapsed {
            let verb = match fields.verb.as_deref() {
                Some(
                    v @ ("SELECT" | "INSERT" | "UPDATE" | "DELETE" | "BEGIN" | "COMMIT"
                    | "ROLLBACK" | "WITH" | "PRAGMA"),
                ) => v.to_string(),
                _ => "OTHER".to_string(),
            };
            metrics::histogram!("coach_db_statement_duration_seconds", "statement" => verb)
                .record(elapsed);
        }
    }
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub bytes: u64,
    pub took: Duration,
}

/// Copy the live database into `dest` while the app keeps serving (`VACUUM INTO` reads one
/// consistent snapshot; writers are not blocked in WAL mode), then check the copy's integrity.
/// Refuses to overwrite an existing file.
pub async fn backup(pool: &Pool, dest: &Path) -> Result<BackupReport, String> {
    if dest.exists() {
        return Err(format!(
            "{} exists already: choose a new file name",
            dest.display()
        ));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let began = Instant::now();
    let target = dest
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", dest.display()))?;
    maintenance::vacuum_into(pool, target)
        .await
        .map_err(|e| format!("backup failed: {e}"))?;
    check_integrity(dest).await?;
    Ok(BackupReport {
        bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or_default(),
        took: began.elapsed(),
    })
}

/// A backup made by a newer version of the app has migrations this binary does not know.
async fn refuse_newer_schema(backup: &Path) -> Result<(), String> {
    let mut conn = maintenance::open_file(backup, true)
        .await
        .map_err(|e| format!("cannot open {}: {e}", backup.display()))?;
    let newest = maintenance::newest_migration(&mut conn)
        .await
        .map_err(|e| format!("{} is not a database of this app: {e}", backup.display()))?;
    maintenance::close(conn).await;
    let known = super::db::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or_default();
    match newest {
        Some(v) if v > known => Err(format!(
            "{} comes from a newer version of the app (schema {v}, this one knows up to {known}): restore it with that version",
            backup.display()
        )),
        _ => Ok(()),
    }
}

/// The database must not be open elsewhere (a running server would go on writing to the file
/// moved aside). Leaving WAL mode needs the database to itself, so it fails while another
/// process has it open; when it succeeds the file is also whole without its write-ahead log.
async fn refuse_if_in_use(db: &Path) -> Result<(), String> {
    let mut conn = maintenance::open_file(db, false)
        .await
        .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    let mode = maintenance::leave_wal(&mut conn).await;
    maintenance::close(conn).await;
    match mode {
        Ok(m) if m.eq_ignore_ascii_case("delete") => Ok(()),
        _ => Err(format!(
            "{} is in use (is the server still running?): stop it, then restore",
            db.display()
        )),
    }
}

/// `PRAGMA integrity_check` on a database file, opened read-only.
pub async fn check_integrity(file: &Path) -> Result<(), String> {
    let mut conn = maintenance::open_file(file, true)
        .await
        .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let result = maintenance::integrity_check(&mut conn)
        .await
        .map_err(|e| format!("cannot check {}: {e}", file.display()))?;
    maintenance::close(conn).await;
    if result == "ok" {
        Ok(())
    } else {
        Err(format!("{} is damaged: {result}", file.display()))
    }
}

/// Put a backup in place of the database at `db` (the server must be stopped). The backup is
/// checked first; the current database and its write-ahead log are kept aside as
/// `<db>.before-restore-<unix seconds>` (nothing is deleted), and the checked copy is renamed
/// into place in one step. The path kept aside, if there was a database.
pub async fn restore(backup: &Path, db: &Path) -> Result<Option<std::path::PathBuf>, String> {
    check_integrity(backup).await?;
    refuse_newer_schema(backup).await?;
    if db.exists() {
        refuse_if_in_use(db).await?;
    }
    let staging = db.with_extension("restoring");
    std::fs::copy(backup, &staging)
        .map_err(|e| format!("cannot copy {}: {e}", backup.display()))?;
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot flush {}: {e}", staging.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let aside = std::path::PathBuf::from(format!("{}.before-restore-{stamp}", db.display()));
    let mut kept = None;
    for suffix in ["", "-wal", "-shm"] {
        let from = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        let to = std::path::PathBuf::from(format!("{}{suffix}", aside.display()));
        match std::fs::rename(&from, &to) {
            Ok(()) if suffix.is_empty() => kept = Some(to),
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot move {} aside: {e}", from.display())),
        }
    }
    std::fs::rename(&staging, db).map_err(|e| format!("cannot put the backup in place: {e}"))?;
    Ok(kept)
}

/// The version of the browser assets this server was started with: a hash of the files in
/// `<site root>/pkg`, so their URL changes whenever their content does and browsers may keep
/// them for a year. None when there are no built assets (tests).
pub fn asset_version(site_root: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let dir = site_root.join("pkg");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_browser_file(p))
        .collect();
    names.sort();
    if names.is_empty() {
        return None;
    }
    let mut hash = Sha256::new();
    for path in names {
        hash.update(path.file_name()?.as_encoded_bytes());
        hash.update(std::fs::read(&path).ok()?);
    }
    Some(format!("{:x}", hash.finalize())[..12].to_string())
}

/// A file the browser asks for by name: the wasm, its JavaScript glue, the stylesheet (not the
/// compressed copies beside them, which are sent in their place).
fn is_browser_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x == "wasm" || x == "js" || x == "css")
}

/// Are the brotli and gzip copies of `file` there and at least as new as it.
fn copies_are_fresh(file: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(original) = modified(file) else {
        return false;
    };
    [".br", ".gz"].iter().all(|suffix| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        modified(Path::new(&name)).is_some_and(|copy| copy >= original)
    })
}

/// The browser files of `dir` (`*.wasm`, `*.js`, `*.css`) with a brotli copy (`.br`, quality
/// 11) and a gzip copy (`.gz`, best) beside each, remade when the file is newer than its copy.
/// What the browser downloads is then the smallest these formats make it (the wasm: 146 KB
/// instead of 177 KB at the per-request quality), at no cost per request. Returns each file
/// written with its plain, brotli and gzip sizes.
pub fn precompress(dir: &Path) -> Result<Vec<(String, usize, usize, usize)>, String> {
    use std::io::Write;
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if !is_browser_file(&path) || !path.is_file() {
            continue;
        }
        let copy = |suffix: &str| {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            std::path::PathBuf::from(name)
        };
        if copies_are_fresh(&path) {
            continue;
        }
        let (br, gz) = (copy(".br"), copy(".gz"));
        let plain =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut brotli = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 24);
            w.write_all(&plain).map_err(|e| e.to_string())?;
        }
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&plain).map_err(|e| e.to_string())?;
        let gzip = gzip.finish().map_err(|e| e.to_string())?;
        for (to, bytes) in [(&br, &brotli), (&gz, &gzip)] {
            // Written aside, then renamed into place: a server running meanwhile, or a build
            // stopped half-way, never sees half a copy with a fresh date.
            let mut part = to.clone().into_os_string();
            part.push(".part");
            std::fs::write(&part, bytes)
                .and_then(|()| std::fs::rename(&part, to))
                .map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        }
        written.push((
            path.display().to_string(),
            plain.len(),
            brotli.len(),
            gzip.len(),
        ));
    }
    Ok(written)
}

/// GET /pkg/{version}/{file}: a browser asset under its versioned URL. The current version is
/// cached for a year (`immutable`); an older version (a page from before a deploy) still gets
/// the file, but uncached.
pub async fn versioned_asset(
    State(state): State<AppState>,
    axum::extract::Path((version, file)): axum::extract::Path<(String, String)>,
    req: Request,
) -> Response {
    use tower::ServiceExt;
    let safe = !file.is_empty()
        && !file.starts_with('.')
        && is_browser_file(Path::new(&file))
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !safe {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = Path::new(state.leptos_options.site_root.as_ref())
        .join("pkg")
        .join(&file);
    let current = state.asset_version.as_deref() == Some(version.as_str());
    // The build writes brotli and gzip copies at the best compression (`coach precompress`):
    // sent as they are, no compression per request; but only copies at least as new as the
    // file (a build that does not make them, `cargo leptos watch`, leaves old ones behind).
    let mut serve = tower_http::services::ServeFile::new(&path);
    if copies_are_fresh(&path) {
        serve = serve.precompressed_br().precompressed_gzip();
    }
    let mut res = match serve.oneshot(req).await {
        Ok(res) => res.map(axum::body::Body::new),
        Err(never) => match never {},
    };
    let cache = if current && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(cache),
    );
    // Whether the body is a compressed copy depends on the request's Accept-Encoding: a
    // shared cache must keep one per encoding.
    res.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("accept-encoding"),
    );
    res
}
