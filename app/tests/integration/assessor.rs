//! The answer assessor end to end: a smoke run of the evaluation on a few labelled answers
//! (the full run is `make eval`, not a test), the reading stored when an answer is submitted,
//! and the result page showing each verdict with its evidence.
use crate::support::{content_dir, create_user, enc, spawn_app, PASSWORD};
use app::api::practice::{GetAttempt, SaveAnswer, StartAttempt, SubmitSelfScore};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use std::path::Path;

#[test]
fn the_evaluation_runs_on_a_few_answers_and_reports_every_figure() {
    let read = |answer: &str, drill: &app::server::eval::Drill| {
        app::domain::assess::assess(answer, &drill.prompt, &drill.key_points)
            .into_iter()
            .map(|f| f.mark)
            .collect()
    };
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/answers");
    let e =
        app::server::eval::evaluate(&content_dir(), &answers, "smoke", &read, Some(12)).unwrap();
    assert_eq!(e.answers, 12);
    let report = app::server::eval::report(&e);
    assert!(report.contains("keyword check (before)"), "{report}");
    assert!(report.contains("confusion"), "{report}");
    let json: serde_json::Value = serde_json::from_slice(&app::server::eval::to_json(&e)).unwrap();
    assert!(json["splits"].as_object().is_some_and(|s| !s.is_empty()));
}

#[test]
fn every_labelled_answer_matches_its_drills_key_points() {
    let content = app::server::content::load(&content_dir()).unwrap();
    let drills = app::server::eval::drills(&content);
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/answers");
    let all = app::server::eval::load(&answers, &drills).unwrap_or_else(|e| panic!("{e}"));
    assert!(all.len() >= 160, "{}", all.len());
    let drills_used: std::collections::HashSet<&str> =
        all.iter().map(|a| a.scenario.as_str()).collect();
    assert!(drills_used.len() >= 32);
    for kind in app::server::eval::KINDS {
        assert!(
            all.iter().filter(|a| a.kind == kind).count() >= 32,
            "{kind}"
        );
    }
}

#[test]
fn a_submitted_answer_is_read_once_and_the_page_shows_why() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let ada = app.sign_in("ada@example.com", PASSWORD).await;
        let reply = app
            .call(
                StartAttempt::PATH,
                "slug=predictions-wrong-200-ok&version=1&time_limit=",
                Some(&ada),
            )
            .await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let answer = "This is a correctness incident, not an outage: the endpoint is healthy, latency is \
                      normal and every request gets a 200, so the platform is fine and the problem is what \
                      the model returns. The first thing I would do is protect the downstream teams: I would \
                      roll back the model to the previous version straight away and pin the endpoint to that \
                      version while we investigate, because the old model was producing sane scores yesterday. \
                      Then I would replay a set of known-good requests against both versions and diff the \
                      outputs to see whether the new artifact or its inputs are at fault. I would compare the \
                      online features for a few customers with the values in the training snapshot, looking for \
                      reordered columns, defaults and unit changes. I would not bother with lineage or the \
                      registry history; that is paperwork for later. Finally I would tell both teams which \
                      window of predictions to distrust and add a promotion gate that replays real payloads.";
        let form = format!("attempt_id={attempt}&answer={}&intent=submit", enc(answer));
        let reply = app.call(SaveAnswer::PATH, &form, Some(&ada)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let (method, marks): (String, i64) = sqlx::query_as(
            "SELECT a.method, (SELECT count(*) FROM assessment_marks m WHERE m.attempt_id = a.attempt_id)
               FROM assessments a WHERE a.attempt_id = $1",
        )
        .bind(attempt)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(method, app::domain::assess::METHOD);
        assert_eq!(marks, 7);

        // Score it, ticking every key point covered: the assessor disagrees on some.
        let reviewed: serde_json::Value = serde_json::from_str(
            &app.call(GetAttempt::PATH, &format!("id={attempt}"), Some(&ada))
                .await
                .body,
        )
        .unwrap();
        let mut form = format!("attempt_id={attempt}");
        for d in reviewed["dimensions"].as_array().unwrap() {
            form.push_str(&format!("&scores%5B{}%5D=3", d["key"].as_str().unwrap()));
        }
        for k in reviewed["key_points"].as_array().unwrap() {
            form.push_str(&format!(
                "&marks%5B{}%5D=covered",
                k["key"].as_str().unwrap()
            ));
        }
        let reply = app.call(SubmitSelfScore::PATH, &form, Some(&ada)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let reviewed: serde_json::Value = serde_json::from_str(
            &app.call(GetAttempt::PATH, &format!("id={attempt}"), Some(&ada))
                .await
                .body,
        )
        .unwrap();
        let findings = reviewed["assessment"].as_array().unwrap();
        let rollback = findings
            .iter()
            .find(|f| f["key"] == "rollback-known-good")
            .unwrap();
        assert_eq!(rollback["mark"], "covered", "{rollback}");
        let (s, e) = (
            rollback["evidence"][0][0].as_u64().unwrap() as usize,
            rollback["evidence"][0][1].as_u64().unwrap() as usize,
        );
        assert!(
            answer[s..e].contains("roll back the model"),
            "{}",
            &answer[s..e]
        );
        let lineage = findings
            .iter()
            .find(|f| f["key"] == "lineage-and-changes")
            .unwrap();
        assert_eq!(
            lineage["mark"], "missed",
            "rejected, not credited: {lineage}"
        );

        let page = app.get_as(&format!("/practice/{attempt}"), &ada).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("the assessor&#x27;s reading")
                || page.body.contains("the assessor's reading")
        );
        assert!(
            page.body.contains("<mark id=\"evidence-"),
            "the evidence is marked in the answer"
        );
        assert!(
            page.body.contains("Worth a look"),
            "a disagreement stands out"
        );
        let history = app.get_as("/history", &ada).await;
        assert!(
            history.body.contains("Your ticks and the assessor"),
            "{}",
            history.body
        );
    })
}

#[test]
fn odd_answers_are_read_in_bounded_time_and_stored_as_they_are() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let ada = app.sign_in("ada@example.com", PASSWORD).await;
        let prompt: String = sqlx::query_scalar(
            "SELECT v.prompt_md FROM scenario_versions v JOIN scenarios s ON s.current_version_id = v.id
              WHERE s.slug = 'predictions-wrong-200-ok'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        for answer in [
            "roll back the model; ".repeat(1000), // 20,000 characters
            "Ich würde das Modell sofort zurückrollen und die Version festnageln.".to_string(),
            "🙂🔥🚀 ".repeat(300),
            "x".repeat(5000),
            prompt.clone(),
        ] {
            let reply = app
                .call(
                    StartAttempt::PATH,
                    "slug=predictions-wrong-200-ok&version=1&time_limit=",
                    Some(&ada),
                )
                .await;
            assert!(crate::support::succeeded(&reply), "{}", reply.body);
            let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
                .fetch_one(&app.pool)
                .await
                .unwrap();
            let started = std::time::Instant::now();
            let form = format!("attempt_id={attempt}&answer={}&intent=submit", enc(&answer));
            let reply = app.call(SaveAnswer::PATH, &form, Some(&ada)).await;
            assert!(crate::support::succeeded(&reply), "{}", reply.body);
            assert!(started.elapsed() < std::time::Duration::from_secs(3));
            let (stored, covered): (String, i64) = sqlx::query_as(
                "SELECT a.answer_md,
                        (SELECT count(*) FROM assessment_marks m
                          WHERE m.attempt_id = a.id AND m.mark = 'covered')
                   FROM attempts a WHERE a.id = $1",
            )
            .bind(attempt)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            assert_eq!(stored, answer, "stored exactly as typed");
            if answer == prompt {
                assert_eq!(covered, 0, "the prompt alone covers nothing");
            }
            // Discard it so the next one starts afresh.
            sqlx::query("DELETE FROM attempts WHERE id = $1")
                .bind(attempt)
                .execute(&app.pool)
                .await
                .unwrap();
        }
        // An empty answer is refused before anything is read or stored.
        let reply = app
            .call(
                StartAttempt::PATH,
                "slug=predictions-wrong-200-ok&version=1&time_limit=",
                Some(&ada),
            )
            .await;
        assert!(crate::support::succeeded(&reply));
        let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let reply = app
            .call(
                SaveAnswer::PATH,
                &format!("attempt_id={attempt}&answer=&intent=submit"),
                Some(&ada),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(crate::support::count(&app.pool, "assessments").await, 0);
    })
}
