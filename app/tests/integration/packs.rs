//! Content packs through the HTTP edge: a team's scenarios exported as a zip of content files
//! and imported back; every problem of every file reported before anything changes; importing
//! the same pack twice changing nothing; and who may export and import what.
use crate::support::{cast, count, spawn_app, Reply, TestApp};
use app::api::packs::PackImport;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;
use std::io::{Cursor, Read, Write};

/// A built-in scenario file from `content/`, renamed to `slug`: a valid team scenario.
fn scenario(slug: &str) -> String {
    let dir = crate::support::content_dir().join("scenarios");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let text = std::fs::read_to_string(&names[0]).unwrap();
    let line = text.lines().find(|l| l.starts_with("slug = ")).unwrap();
    text.replacen(line, &format!("slug = \"{slug}\""), 1)
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (path, text) in files {
        zip.start_file(*path, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().to_string(), text)
        })
        .collect()
}

const BOUNDARY: &str = "----coach-test-boundary";

/// POST the import form: `team`, then each (file name, bytes) as a `pack` file.
async fn import(
    app: &TestApp,
    cookie: Option<&str>,
    team: i64,
    files: &[(&str, Vec<u8>)],
) -> Reply {
    let mut body =
        format!("--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"team\"\r\n\r\n{team}\r\n")
            .into_bytes();
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"pack\"; filename=\"{name}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut request = Request::post("/author/packs/import").header(
        "content-type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

/// The report an import redirected to, as the server function gives it.
async fn report(app: &TestApp, reply: &Reply, cookie: &str) -> serde_json::Value {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let id = reply
        .header("location")
        .strip_prefix("/author/packs/imports/")
        .expect("a redirect to the report")
        .to_string();
    let reply = app
        .call(PackImport::PATH, &format!("id={id}"), Some(cookie))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str::<serde_json::Value>(&reply.body).unwrap()["report"].clone()
}

async fn get(app: &TestApp, uri: &str, cookie: &str) -> (StatusCode, Vec<u8>, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get(uri)
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, bytes, kind)
}

async fn versions(app: &TestApp, slug: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT v.version FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
          WHERE s.slug = $1 ORDER BY v.version",
    )
    .bind(slug)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

fn outcomes(report: &serde_json::Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["slug"].as_str().unwrap(), f["outcome"]))
        .collect()
}

#[test]
fn a_pack_imports_exports_and_imports_again_without_change() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let pack = zip_of(&[
            ("my-pack/README.md", "# ours\n"),
            ("my-pack/scenarios/one.md", &scenario("team-drill-one")),
            ("my-pack/scenarios/two.md", &scenario("team-drill-two")),
        ]);
        let reply = import(&app, Some(&c.lead), c.team, &[("pack.zip", pack.clone())]).await;
        let r = report(&app, &reply, &c.lead).await;
        assert_eq!(r["problems"], serde_json::json!([]));
        assert_eq!(
            outcomes(&r),
            vec!["team-drill-one \"Created\"", "team-drill-two \"Created\""]
        );
        assert_eq!(r["ignored"], serde_json::json!(["my-pack/README.md"]));
        let (team, author): (Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT s.team_id, u.email FROM scenarios s
               JOIN scenario_versions v ON v.id = s.current_version_id
               LEFT JOIN users u ON u.id = v.author_id WHERE s.slug = 'team-drill-one'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(team, Some(c.team));
        assert_eq!(author.as_deref(), Some("lea@example.com"));

        // The same pack again changes nothing.
        let before = count(&app.pool, "scenario_versions").await;
        let reply = import(&app, Some(&c.lead), c.team, &[("pack.zip", pack)]).await;
        let r = report(&app, &reply, &c.lead).await;
        assert_eq!(
            outcomes(&r),
            vec![
                "team-drill-one \"Unchanged\"",
                "team-drill-two \"Unchanged\""
            ]
        );
        assert_eq!(count(&app.pool, "scenario_versions").await, before);

        // Exported, the team's scenarios come back as content files that import unchanged.
        let (status, zip, kind) = get(
            &app,
            &format!("/author/packs/export.zip?team={}", c.team),
            &c.lead,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/zip");
        let files = unzip(&zip);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "README.md",
                "scenarios/team-drill-one.md",
                "scenarios/team-drill-two.md"
            ]
        );
        assert!(files[1].1.starts_with("+++\nslug = \"team-drill-one\""));
        let reply = import(&app, Some(&c.lead), c.team, &[("export.zip", zip)]).await;
        let r = report(&app, &reply, &c.lead).await;
        assert!(outcomes(&r).iter().all(|o| o.ends_with("\"Unchanged\"")));
        assert_eq!(count(&app.pool, "scenario_versions").await, before);

        // An edited file becomes a new version of that scenario, and only that one.
        let edited = files[2]
            .1
            .replacen("## Prompt\n\n", "## Prompt\n\nIt is 3 a.m. ", 1);
        let reply = import(
            &app,
            Some(&c.lead),
            c.team,
            &[("team-drill-two.md", edited.into_bytes())],
        )
        .await;
        let r = report(&app, &reply, &c.lead).await;
        assert_eq!(outcomes(&r), vec!["team-drill-two {\"NewVersion\":2}"]);
        assert_eq!(versions(&app, "team-drill-two").await, vec![1, 2]);
        assert_eq!(versions(&app, "team-drill-one").await, vec![1]);
    })
}

#[test]
fn a_pack_with_problems_changes_nothing_and_names_every_one() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let builtin_slug = "predictions-wrong-200-ok";
        let good = scenario("fine-new-drill");
        let bad = scenario("broken-drill")
            .replacen("title = \"", "title = \"x\"\nold_title = \"", 1)
            .replace("## Metrics", "## Numbers");
        let builtin = scenario(builtin_slug).replace("## Prompt\n\n", "## Prompt\n\nOurs: ");
        let pack = zip_of(&[
            ("scenarios/good.md", &good),
            ("scenarios/bad.md", &bad),
            ("scenarios/builtin.md", &builtin),
            ("scenarios/again.md", &good),
        ]);
        let scenarios = count(&app.pool, "scenarios").await;
        let versions_before = count(&app.pool, "scenario_versions").await;
        let reply = import(
            &app,
            Some(&c.lead),
            c.team,
            &[("pack.zip", pack), ("notes.txt", b"hello".to_vec())],
        )
        .await;
        let r = report(&app, &reply, &c.lead).await;
        assert_eq!(r["files"], serde_json::json!([]));
        let problems: Vec<(String, String)> = r["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["file"].as_str().unwrap().to_string(),
                    p["field"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for expected in [
            ("scenarios/bad.md", "old_title"),
            ("scenarios/again.md", "slug"),
            ("scenarios/builtin.md", "slug"),
            ("notes.txt", "file"),
        ] {
            assert!(
                problems.contains(&(expected.0.to_string(), expected.1.to_string())),
                "{expected:?} not in {problems:?}"
            );
        }
        // Nothing changed: not even the good file went in.
        assert_eq!(count(&app.pool, "scenarios").await, scenarios);
        assert_eq!(count(&app.pool, "scenario_versions").await, versions_before);

        // The report page lists them, for people.
        let id = reply.header("location").to_string();
        let (status, html, _) = get(&app, &id, &c.lead).await;
        let html = String::from_utf8(html).unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Nothing was changed"), "{html}");
        assert!(html.contains("scenarios/bad.md") && html.contains("notes.txt"));
        assert!(html.contains("built-in scenario"));
    })
}

#[test]
fn the_built_ins_exported_and_imported_as_they_are_change_nothing() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let (status, zip, _) = get(&app, "/author/packs/export.zip?builtins=yes", &c.lead).await;
        assert_eq!(status, StatusCode::OK);
        let files = unzip(&zip);
        assert_eq!(
            files.len(),
            1 + count(&app.pool, "scenarios").await as usize
        );
        let before = count(&app.pool, "scenario_versions").await;
        let reply = import(&app, Some(&c.lead), c.team, &[("builtins.zip", zip)]).await;
        let r = report(&app, &reply, &c.lead).await;
        assert_eq!(r["problems"], serde_json::json!([]));
        assert!(outcomes(&r)
            .iter()
            .all(|o| o.ends_with("\"SameAsBuiltIn\"")));
        assert_eq!(count(&app.pool, "scenario_versions").await, before);
    })
}

#[test]
fn only_a_teams_leads_import_into_it_and_export_its_scenarios() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let pack = zip_of(&[("scenarios/x.md", &scenario("team-only-drill"))]);
        let files = [("pack.zip", pack)];
        let reply = import(&app, None, c.team, &files).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        for cookie in [&c.member, &c.candidate] {
            let reply = import(&app, Some(cookie), c.team, &files).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
        }
        let reply = import(&app, Some(&c.outsider), c.team, &files).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(count(&app.pool, "pack_imports").await, 0);

        let reply = import(&app, Some(&c.lead), c.team, &files).await;
        let id = reply
            .header("location")
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        // Another team's lead can neither read the report nor export the team's scenarios.
        let other = app
            .call(PackImport::PATH, &format!("id={id}"), Some(&c.outsider))
            .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);
        for uri in [
            "/author/packs/export.zip?s=team-only-drill".to_string(),
            format!("/author/packs/export.zip?team={}", c.team),
        ] {
            let (status, body, _) = get(&app, &uri, &c.outsider).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
            assert!(!String::from_utf8_lossy(&body).contains("team-only"));
        }
        let (status, _, _) = get(&app, "/author/packs/export.zip?builtins=yes", &c.candidate).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nothing chosen: back to the form, which says so.
        let (status, _, _) = get(&app, "/author/packs/export.zip", &c.lead).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let _ = c.other_team;
    })
}

#[test]
fn a_cross_site_or_oversized_upload_changes_nothing() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let body = "--b\r\ncontent-disposition: form-data; name=\"team\"\r\n\r\n1\r\n--b--\r\n";
        let reply = app
            .send(
                Request::post("/author/packs/import")
                    .header("content-type", "multipart/form-data; boundary=b")
                    .header("origin", "https://evil.example")
                    .header("sec-fetch-site", "cross-site")
                    .header("cookie", &c.lead)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        let huge = vec![b'x'; app::domain::packs::MAX_PACK_BYTES + 128 * 1024];
        let reply = import(&app, Some(&c.lead), c.team, &[("huge.md", huge)]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.header("location"), "/author/packs?import=too-large");
        assert_eq!(count(&app.pool, "pack_imports").await, 0);
        assert!(versions(&app, "huge").await.is_empty());

        // A form without a team is the client's mistake: 4xx, no internals.
        let reply = app
            .send(
                Request::post("/author/packs/import")
                    .header("content-type", "multipart/form-data; boundary=b")
                    .header("cookie", &c.lead)
                    .body(Body::from("--b--\r\n"))
                    .unwrap(),
            )
            .await;
        assert!(reply.status.is_client_error(), "{}", reply.status);
        let reply = app
            .send(
                Request::post("/author/packs/import")
                    .header("content-type", "text/plain")
                    .header("cookie", &c.lead)
                    .body(Body::from("hello"))
                    .unwrap(),
            )
            .await;
        assert!(reply.status.is_client_error(), "{}", reply.status);
    })
}
