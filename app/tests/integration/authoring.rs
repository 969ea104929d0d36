//! Writing scenarios in the browser, through the HTTP edge: who may author for which team, who
//! sees a team's scenarios, versions that never change, diffs, forks of built-ins that content
//! updates never touch, and archiving.
use crate::support::{cast, count, spawn_app, TestApp};
use app::api::authoring::{AuthorEditor, SaveScenario, ScenarioHistory, SetScenarioArchived};
use app::api::library::{GetScenario, ListScenarios};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

const SECTIONS: [&str; 7] = [
    "strong-answer",
    "first-inspect",
    "commands",
    "metrics",
    "root-causes",
    "mitigations",
    "prevention",
];

/// A complete editor form for `slug`, with `prompt` as its prompt.
pub(crate) fn form(team: i64, slug: &str, prompt: &str) -> String {
    let mut f = format!(
        "team_id={team}&slug={slug}&title={}&summary={}&topics%5Btraining%5D=on&level=mid&prompt={}",
        urlencode("Checkpoints stop: the trainer's disk is full"),
        urlencode("A long training run stops writing checkpoints when its local disk fills up."),
        urlencode(prompt),
    );
    for s in SECTIONS {
        f.push_str(&format!(
            "&sections%5B{s}%5D={}",
            urlencode(&format!(
                "- a specific point about {s}, written by the team"
            ))
        ));
    }
    f.push_str(&format!(
        "&key_points={}&follow_ups={}",
        urlencode("disk-usage | Checks disk usage first | df, disk full\ncheckpoint-path | Writes checkpoints to durable storage | object storage, s3\nretention | Keeps only the last few checkpoints | retention, keep last"),
        urlencode("What would you alert on? [probes: disk-usage]\nHow do you resume? [probes: checkpoint-path]"),
    ));
    f
}

pub(crate) const PROMPT: &str = "A long training run has stopped writing checkpoints but is still running. The node's disk is at 100%. Walk me through it.";

async fn json(app: &TestApp, path: &str, form: &str, cookie: Option<&str>) -> serde_json::Value {
    let reply = app.call(path, form, cookie).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[test]
fn a_lead_writes_for_their_team_and_only_the_team_sees_it() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let reply = app
            .call(
                SaveScenario::PATH,
                &form(c.team, "disk-full", PROMPT),
                Some(&c.lead),
            )
            .await;
        assert!(
            crate::support::succeeded(&reply),
            "{} {}",
            reply.status,
            reply.body
        );
        let (version, author): (i64, Option<i64>) = sqlx::query_as(
            "SELECT v.version, v.author_id FROM scenario_versions v
               JOIN scenarios s ON s.id = v.scenario_id WHERE s.slug = 'disk-full'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(version, 1);
        assert!(author.is_some());

        // The team sees it in its library; another team, a candidate and a visitor do not.
        let get = "slug=disk-full";
        let list = "q=&topic=training&level=";
        let seen = json(&app, GetScenario::PATH, get, Some(&c.member)).await;
        assert!(seen["prompt_html"].as_str().unwrap().contains("100%"));
        let cards = json(&app, ListScenarios::PATH, list, Some(&c.member)).await;
        assert!(cards.to_string().contains("disk-full"));
        for cookie in [Some(c.outsider.as_str()), Some(c.candidate.as_str()), None] {
            let reply = app.call(GetScenario::PATH, get, cookie).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            let cards = json(&app, ListScenarios::PATH, list, cookie).await;
            assert!(!cards.to_string().contains("disk-full"));
            let reply = app.call(ScenarioHistory::PATH, get, cookie).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
        }
        let page = app.get("/scenarios/disk-full").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);

        // Nobody else writes for the team.
        for cookie in [&c.member, &c.outsider, &c.candidate] {
            let reply = app
                .call(
                    SaveScenario::PATH,
                    &form(c.team, "disk-full-2", PROMPT),
                    Some(cookie),
                )
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
            let reply = app
                .call(AuthorEditor::PATH, "slug=disk-full", Some(cookie))
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
        }
        let reply = app
            .call(
                SaveScenario::PATH,
                &form(c.other_team, "mine-now", PROMPT),
                Some(&c.lead),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(count(&app.pool, "scenarios").await, 51);
    })
}

#[test]
fn each_save_is_a_new_version_and_the_history_shows_the_diff() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let first = form(c.team, "disk-full", PROMPT);
        assert!(crate::support::succeeded(
            &app.call(SaveScenario::PATH, &first, Some(&c.lead)).await
        ));
        let edited = format!(
            "{}&existing=disk-full",
            form(c.team, "ignored", &PROMPT.replace("100%", "98%"))
        );
        let reply = app.call(SaveScenario::PATH, &edited, Some(&c.lead)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        // Saving the same text again makes no version.
        let reply = app.call(SaveScenario::PATH, &edited, Some(&c.lead)).await;
        assert!(
            reply.header("location").contains("saved=unchanged")
                || reply.body.contains("unchanged"),
            "{:?} {}",
            reply.headers,
            reply.body
        );
        let versions: Vec<i64> = sqlx::query_scalar(
            "SELECT v.version FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
              WHERE s.slug = 'disk-full' ORDER BY v.version",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(versions, vec![1, 2]);

        let h = json(
            &app,
            ScenarioHistory::PATH,
            "slug=disk-full&a=1&b=2",
            Some(&c.member),
        )
        .await;
        assert_eq!(h["versions"].as_array().unwrap().len(), 2);
        assert_eq!(
            h["can_edit"], false,
            "a member who does not lead cannot edit"
        );
        let diff = h["diff"][2].to_string();
        assert!(diff.contains("{\"Removed\":\"A long training run has stopped writing checkpoints but is still running. The node's disk is at 100%."), "{diff}");
        assert!(diff.contains("98%"), "{diff}");
        let lead = json(&app, ScenarioHistory::PATH, "slug=disk-full", Some(&c.lead)).await;
        assert_eq!(lead["can_edit"], true);

        // A version never changes, even in the database.
        let update = sqlx::query("UPDATE scenario_versions SET prompt_md = 'x'")
            .execute(&app.pool)
            .await;
        assert!(update.is_err());
    })
}

#[test]
fn problems_are_named_by_field_nothing_is_stored_and_what_was_typed_comes_back() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let bad = form(c.team, "Bad Slug!", PROMPT)
            .replace("sections%5Bcommands%5D=", "sections%5Bignored%5D=")
            .replace("disk-usage%20%7C%20Checks", "disk-usage%20Checks");
        let reply = app.call(SaveScenario::PATH, &bad, Some(&c.lead)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        let body: serde_json::Value = serde_json::from_str(
            reply
                .body
                .split_once('|')
                .map_or(reply.body.as_str(), |(_, b)| b),
        )
        .unwrap_or_else(|_| serde_json::Value::String(reply.body.clone()));
        let text = body.to_string();
        for field in ["slug", "sections[commands]", "key_points"] {
            assert!(
                text.contains(&format!("\\\"{field}\\\""))
                    || text.contains(&format!("\"{field}\"")),
                "{field} not named: {text}"
            );
        }
        assert!(text.contains("Line 1"), "{text}");
        assert!(
            text.contains("Bad Slug!"),
            "the slug typed comes back: {text}"
        );
        assert!(
            text.contains("still running"),
            "the prompt typed comes back"
        );
        assert_eq!(count(&app.pool, "scenarios").await, 50);
    })
}

#[test]
fn a_fork_of_a_built_in_is_the_teams_and_content_updates_never_touch_it() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let editor = json(
            &app,
            AuthorEditor::PATH,
            &format!("fork=gpu-pods-pending&team={}", c.team),
            Some(&c.lead),
        )
        .await;
        assert_eq!(editor["draft"]["slug"], "gpu-pods-pending-platform");
        assert_eq!(editor["forked_from"], "gpu-pods-pending");
        // The fork starts as the built-in's full text: the editor's draft is valid as it is.
        let d = &editor["draft"];
        let mut f = format!(
            "team_id={}&forked_from=gpu-pods-pending&slug=gpu-pods-pending-platform&title={}&summary={}&level={}&prompt={}&key_points={}&follow_ups={}",
            c.team,
            urlencode(d["title"].as_str().unwrap()),
            urlencode(d["summary"].as_str().unwrap()),
            d["level"].as_str().unwrap(),
            urlencode(&d["prompt"].as_str().unwrap().replace("GPU", "TPU")),
            urlencode(d["key_points"].as_str().unwrap()),
            urlencode(d["follow_ups"].as_str().unwrap()),
        );
        for t in d["topics"].as_array().unwrap() {
            f.push_str(&format!("&topics%5B{}%5D=on", t.as_str().unwrap()));
        }
        for s in d["sections"].as_array().unwrap() {
            f.push_str(&format!(
                "&sections%5B{}%5D={}",
                s[0].as_str().unwrap(),
                urlencode(s[1].as_str().unwrap())
            ));
        }
        let reply = app.call(SaveScenario::PATH, &f, Some(&c.lead)).await;
        assert!(
            crate::support::succeeded(&reply),
            "{} {}",
            reply.status,
            reply.body
        );
        let fork: (Option<i64>, Option<i64>, String) = sqlx::query_as(
            "SELECT s.team_id, s.forked_from_id, v.prompt_md FROM scenarios s
               JOIN scenario_versions v ON v.id = s.current_version_id
              WHERE s.slug = 'gpu-pods-pending-platform'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(fork.0, Some(c.team));
        assert!(fork.1.is_some());
        assert!(fork.2.contains("TPU"));
        let builtin: String = sqlx::query_scalar(
            "SELECT v.prompt_md FROM scenarios s JOIN scenario_versions v ON v.id = s.current_version_id
              WHERE s.slug = 'gpu-pods-pending'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert!(!builtin.contains("TPU"), "the built-in is untouched");

        // A content sync leaves the fork alone; a content file taking its slug is refused.
        let report = app::server::content::sync(&app.pool, &crate::support::content_dir(), 5)
            .await
            .unwrap();
        assert!(!report.changed_anything());
        let dir = tempfile::tempdir().unwrap();
        let content = crate::support::copy_of_content(dir.path());
        let text =
            std::fs::read_to_string(content.join("scenarios/02-gpu-pods-pending.md")).unwrap();
        std::fs::write(
            content.join("scenarios/99-clash.md"),
            text.replace(
                "slug = \"gpu-pods-pending\"",
                "slug = \"gpu-pods-pending-platform\"",
            )
            .replace("title = \"", "title = \"Clash: "),
        )
        .unwrap();
        let refused = app::server::content::sync(&app.pool, &content, 6)
            .await
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("taken by a scenario a team wrote"),
            "{refused}"
        );
        assert!(refused.to_string().contains("99-clash.md"), "{refused}");
    })
}

#[test]
fn an_archived_team_scenario_leaves_the_library_but_attempts_keep_their_version() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        assert!(crate::support::succeeded(
            &app.call(
                SaveScenario::PATH,
                &form(c.team, "disk-full", PROMPT),
                Some(&c.lead)
            )
            .await
        ));
        let start = app
            .call(
                app::api::practice::StartAttempt::PATH,
                "slug=disk-full&version=1",
                Some(&c.member),
            )
            .await;
        assert!(crate::support::succeeded(&start), "{}", start.body);
        let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let reply = app
            .call(
                SetScenarioArchived::PATH,
                "slug=disk-full&archived=yes",
                Some(&c.member),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let reply = app
            .call(
                SetScenarioArchived::PATH,
                "slug=disk-full&archived=yes",
                Some(&c.lead),
            )
            .await;
        assert!(crate::support::succeeded(&reply));
        let reply = app
            .call(GetScenario::PATH, "slug=disk-full", Some(&c.member))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        let open = app
            .call(
                app::api::practice::GetAttempt::PATH,
                &format!("id={attempt}"),
                Some(&c.member),
            )
            .await;
        assert_eq!(open.status, StatusCode::OK, "{}", open.body);
        assert!(open.body.contains("Checkpoints stop"));
        let reply = app
            .call(
                SetScenarioArchived::PATH,
                "slug=disk-full&archived=no",
                Some(&c.lead),
            )
            .await;
        assert!(crate::support::succeeded(&reply));
        let reply = app
            .call(GetScenario::PATH, "slug=disk-full", Some(&c.member))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    })
}

/// Percent-encode a whole value (these texts have every kind of character).
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
