//! Running in production: probes, metrics, a database that is locked or full answering 503
//! (and recovering), and online backup and restore under writes.
use crate::support::{spawn_app, spawn_app_with};
use app::api::account::Register;
use app::domain::error::AppError;
use app::server::{db, ops};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;
use std::sync::atomic::Ordering;

#[test]
fn liveness_and_readiness_answer_and_readiness_drains() {
    crate::support::run(async {
        let app = spawn_app().await;
        let live = app.get("/healthz").await;
        assert_eq!(live.status, StatusCode::OK);
        assert_eq!(live.body, "ok\n");
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::OK);
        assert_eq!(ready.body, "ready\n");
        assert_eq!(ready.header("cache-control"), "no-store");

        app.state.draining.store(true, Ordering::Relaxed);
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
        // Liveness does not change: a draining process is not restarted.
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);

        // A closed pool (the database gone) is "not ready", quickly, not a hang.
        app.pool.close().await;
        app.state.draining.store(false, Ordering::Relaxed);
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ready.body, "database unavailable\n");
        let page = app.get("/scenarios").await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(page.body.contains("unavailable for a moment"));
    })
}

#[test]
fn metrics_show_request_latency_per_route_to_the_operator_only() {
    crate::support::run(async {
        let token = "operator-token-0123456789";
        let app = spawn_app_with(&[("COACH_METRICS_TOKEN", token)]).await;
        assert_eq!(
            app.get("/scenarios/gpu-pods-pending").await.status,
            StatusCode::OK
        );
        assert_eq!(app.get("/no/such/page").await.status, StatusCode::NOT_FOUND);

        // No peer on loopback and no token: refused.
        assert_eq!(app.get("/metrics").await.status, StatusCode::FORBIDDEN);
        let wrong = app
            .send(
                Request::get("/metrics")
                    .header("authorization", "Bearer operator-token-wrong-guess")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);

        let reply = app
            .send(
                Request::get("/metrics")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let text = reply.body;
        assert!(
            text.contains(
                "coach_http_request_duration_seconds_bucket{route=\"/scenarios/{slug}\",method=\"GET\",status=\"2xx\",le=\"0.005\"}"
            ),
            "{text}"
        );
        // Unknown URLs share one label, so clients cannot mint series.
        assert!(text.contains("route=\"other\""), "{text}");
        assert!(!text.contains("/no/such/page"));
        assert!(text.contains("coach_db_connections "), "{text}");
    })
}

#[test]
fn a_locked_database_is_a_503_for_the_user_and_then_recovers() {
    crate::support::run(async {
        let app = spawn_app().await;
        // Someone else holds the write lock (a long backup on another tool, a stuck writer).
        let mut holder = app.pool.acquire().await.unwrap();
        let hold: &[&str] = if crate::support::on_postgres() {
            &["BEGIN", "LOCK TABLE users IN EXCLUSIVE MODE"]
        } else {
            &["BEGIN IMMEDIATE"]
        };
        for statement in hold {
            sqlx::query(statement).execute(&mut *holder).await.unwrap();
        }
        let form = "email=locked%40example.com&display_name=Lou&password=a+long+enough+password";
        let reply = app.call(Register::PATH, form, None).await;
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            reply.body
        );
        let error: AppError = serde_json::from_str(&reply.body).unwrap();
        assert!(matches!(error, AppError::Unavailable(_)), "{error:?}");
        assert!(
            !reply.body.contains("locked"),
            "no internals: {}",
            reply.body
        );
        // Reads go on meanwhile (WAL).
        assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

        sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
        drop(holder);
        let reply = app.call(Register::PATH, form, None).await;
        assert!(
            crate::support::succeeded(&reply),
            "{} {}",
            reply.status,
            reply.body
        );
    })
}

#[test]
fn a_full_disk_is_a_503_not_an_internal_error() {
    if crate::support::sqlite_only("a page-count limit") {
        return;
    }
    crate::support::run(async {
        let (_dir, pool) = crate::support::fresh_db().await;
        let mut conn = pool.acquire().await.unwrap();
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        // SQLite's own "database or disk is full", from a page limit instead of a real disk.
        sqlx::query(&format!("PRAGMA max_page_count = {pages}"))
            .execute(&mut *conn)
            .await
            .unwrap();
        let big = "x".repeat(1 << 20);
        let err = sqlx::query("INSERT INTO teams (name, created_at) VALUES ($1, 1)")
            .bind(&big)
            .execute(&mut *conn)
            .await
            .unwrap_err();
        let shown = AppError::from(err);
        assert_eq!(shown.status(), 503);
        assert!(!shown.to_string().contains("full"), "{shown}");
        conn.close().await.unwrap();
    })
}

#[test]
fn an_online_backup_under_writes_is_whole_and_restores() {
    if crate::support::sqlite_only("coach backup") {
        return;
    }
    crate::support::run(async {
        let (dir, pool) = crate::support::fresh_db().await;
        let writer = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut acknowledged = 0;
                for i in 0..300 {
                    db::teams::create(&pool, &format!("Team {i}"), i)
                        .await
                        .unwrap();
                    acknowledged += 1;
                }
                acknowledged
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let backup = dir.path().join("backups/coach-backup.db");
        let report = ops::backup(&pool, &backup).await.unwrap();
        assert!(report.bytes > 0);
        let acknowledged = writer.await.unwrap();
        assert_eq!(acknowledged, 300);
        // A second backup to the same name is refused, not overwritten.
        assert!(ops::backup(&pool, &backup)
            .await
            .unwrap_err()
            .contains("exists"));

        let in_backup = {
            let url = format!("sqlite://{}", backup.display());
            let copy = db::connect(&url).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM teams")
                .fetch_one(&copy)
                .await
                .unwrap();
            copy.close().await;
            n
        };
        assert!(in_backup <= 300);

        // Restore over a live-looking database: the old one is kept aside, the backup is in.
        let target = dir.path().join("restored/coach.db");
        let url = format!("sqlite://{}", target.display());
        let old = db::connect(&url).await.unwrap();
        db::teams::create(&old, "Only in the old one", 1)
            .await
            .unwrap();
        // While something still has it open (a server), restoring is refused.
        let refused = ops::restore(&backup, &target).await.unwrap_err();
        assert!(refused.contains("in use"), "{refused}");
        old.close().await;
        let kept = ops::restore(&backup, &target)
            .await
            .unwrap()
            .expect("kept aside");
        assert!(kept.exists());
        let restored = db::connect(&url).await.unwrap();
        let names: Vec<String> = sqlx::query_scalar("SELECT name FROM teams")
            .fetch_all(&restored)
            .await
            .unwrap();
        assert_eq!(names.len() as i64, in_backup);
        assert!(!names.iter().any(|n| n == "Only in the old one"));
        ops::check_integrity(&target).await.unwrap();
        restored.close().await;

        // A backup from a newer version of the app is refused before anything moves.
        let newer = dir.path().join("newer.db");
        ops::backup(&pool, &newer).await.unwrap();
        {
            let copy = db::connect(&format!("sqlite://{}", newer.display()))
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99991231000000, 'from the future', 1, x'00', 0)",
            )
            .execute(&copy)
            .await
            .unwrap();
            copy.close().await;
        }
        let refused = ops::restore(&newer, &target).await.unwrap_err();
        assert!(refused.contains("newer version"), "{refused}");
        // Backing up a database that is not there is an error, not an empty backup.
        let missing = format!("sqlite://{}/nope/coach.db", dir.path().display());
        assert!(db::open_read_only(&missing).await.is_err());

        // A damaged file is refused as a backup to restore.
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database at all").unwrap();
        assert!(ops::restore(&junk, &target).await.is_err());
        assert!(target.exists());
    })
}

#[test]
fn browser_assets_are_served_under_their_content_hash_and_cached_for_good() {
    crate::support::run(async {
        use app::server::{http, settings::Settings, state::AppState};
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg/coach.css"), "body{color:red}").unwrap();
        std::fs::write(site.path().join("pkg/coach.js"), "export default 1;").unwrap();
        let (_dir, pool) = crate::support::fresh_db().await;
        app::server::content::sync(&pool, &crate::support::content_dir(), 1)
            .await
            .unwrap();
        let mut options = leptos::config::get_configuration(None)
            .unwrap()
            .leptos_options;
        options.site_root = site.path().display().to_string().into();
        let settings = Settings::from_lookup(|name| match name {
            "COACH_CONTENT_DIR" => Some(crate::support::content_dir().display().to_string()),
            _ => None,
        })
        .unwrap();
        let state = AppState::new(options, pool, settings);
        let version = state
            .asset_version
            .clone()
            .expect("assets found")
            .to_string();
        let router = http::router(state);
        let get = |uri: String| {
            let router = router.clone();
            async move {
                use http_body_util::BodyExt;
                use tower::ServiceExt;
                let res = router
                    .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let status = res.status();
                let cache = res
                    .headers()
                    .get("cache-control")
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default();
                let body = res.into_body().collect().await.unwrap().to_bytes();
                (status, cache, String::from_utf8_lossy(&body).into_owned())
            }
        };
        // As a browser asks: the headers, and the body decoded if it came as brotli.
        let get_br = |uri: String| {
            let router = router.clone();
            async move {
                use http_body_util::BodyExt;
                use tower::ServiceExt;
                let req = Request::get(uri).header("accept-encoding", "br");
                let res = router
                    .oneshot(req.body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let headers = res.headers().clone();
                let body = res.into_body().collect().await.unwrap().to_bytes();
                let mut plain = Vec::new();
                if headers.get("content-encoding").is_some_and(|e| e == "br") {
                    brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
                } else {
                    plain = body.to_vec();
                }
                (headers, plain)
            }
        };
        let (status, cache, body) = get(format!("/pkg/{version}/coach.css")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cache, "public, max-age=31536000, immutable");
        assert_eq!(body, "body{color:red}");
        // The build's compressed copies are sent as they are to a browser that takes them, and
        // made again only when the file changed.
        let pkg = site.path().join("pkg");
        let written = app::server::ops::precompress(&pkg).unwrap();
        assert!(
            written.iter().any(|(f, ..)| f.ends_with("coach.css")),
            "{written:?}"
        );
        assert!(app::server::ops::precompress(&pkg).unwrap().is_empty());
        let (headers, plain) = get_br(format!("/pkg/{version}/coach.css")).await;
        assert_eq!(headers.get("content-encoding").unwrap(), "br");
        assert_eq!(headers.get("vary").unwrap(), "accept-encoding");
        assert_eq!(headers.get("content-type").unwrap(), "text/css");
        assert_eq!(plain, b"body{color:red}");
        // The copies themselves are not files a page asks for.
        let (status, _, _) = get(format!("/pkg/{version}/coach.css.br")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A page from before a deploy still gets its file, but nobody keeps it.
        let (status, cache, _) = get("/pkg/0123456789ab/coach.css".into()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cache, "no-cache");
        let (status, _, _) = get(format!("/pkg/{version}/..%2Fsecrets")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Pages link the versioned files.
        let (_, _, page) = get("/rubric".into()).await;
        assert!(
            page.contains(&format!("/pkg/{version}/coach.css")),
            "{page}"
        );
        // The rubric has no island: it loads no script and no wasm.
        assert!(!page.contains("coach.js"), "{page}");
        assert!(!page.contains("coach_bg.wasm"), "{page}");
        // Changing a file changes the version; meanwhile its copies, older than it now, are
        // not sent (file dates are only as fine as the kernel's clock tick: wait one out).
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(site.path().join("pkg/coach.css"), "body{color:blue}").unwrap();
        // (Sent plain, or compressed on the way out; never the old copy.)
        let (_, plain) = get_br(format!("/pkg/{version}/coach.css")).await;
        assert_eq!(plain, b"body{color:blue}");
        assert_ne!(
            ops::asset_version(site.path()).as_deref(),
            Some(version.as_str())
        );
    })
}

#[test]
fn the_storage_migrations_keep_every_score_of_an_existing_database() {
    if crate::support::sqlite_only("the migration history of a SQLite file") {
        return;
    }
    crate::support::run(async {
        use std::borrow::Cow;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("old.db").display());
        let pool = db::open(&url, 2).await.unwrap();
        // The database as the release before the storage migrations left it: every migration
        // before the indexes. (Plus the later accounts and content-format changes, which touch
        // no table of scores, so that the content sync and the data generator, which write
        // today's records, can fill it.)
        let mut before = sqlx::migrate::Migrator::new(std::path::Path::new("../migrations/sqlite"))
            .await
            .unwrap();
        before.migrations = Cow::Owned(
            db::MIGRATOR
                .iter()
                .filter(|m| m.version < 20261126050000 || m.version >= 20261202000000)
                .cloned()
                .collect(),
        );
        before.run(&pool).await.unwrap();
        app::server::content::sync(&pool, &crate::support::content_dir(), 1)
            .await
            .unwrap();
        let sizes = app::server::generate::Sizes {
            users: 150,
            attempts: 500,
            scores: 5_000,
            teams: 10,
            exercises_per_team: 3,
        };
        app::server::generate::generate(&pool, sizes, 1_800_000_000_000)
            .await
            .unwrap();
        let snapshot = |pool: app::server::db::Pool| async move {
            let scores: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT scorecard_id, dimension_key, score FROM scorecard_scores ORDER BY 1, 2",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            let ratings: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT rating_id, dimension_key, score FROM calibration_rating_scores ORDER BY 1, 2",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            (scores, ratings)
        };
        let (scores, ratings) = snapshot(pool.clone()).await;
        assert!(scores.len() > 1_000 && !ratings.is_empty());

        db::MIGRATOR.run(&pool).await.unwrap();
        assert_eq!(snapshot(pool.clone()).await, (scores, ratings));
        let clustered: String = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'scorecard_scores'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(clustered.contains("WITHOUT ROWID"), "{clustered}");
        // Still immutable, still cascading with their scorecard.
        let refused = sqlx::query("UPDATE scorecard_scores SET score = 1")
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("immutable"), "{refused}");
        let fk: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", on_delete FROM pragma_foreign_key_list('scorecard_scores')",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(fk.len(), 1);
        assert_eq!(
            (fk[0].1.as_str(), fk[0].3.as_str()),
            ("scorecards", "CASCADE")
        );
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(ok, "ok");
    })
}
