//! Practising alone, through the HTTP edge as a browser drives it: the whole loop, bad input
//! that changes nothing, who may touch an attempt, and what gets scheduled next.
use crate::support::{count, create_user, enc, spawn_app, TestApp, DIMENSIONS, PASSWORD};
use app::api::practice::{
    GetAttempt, PracticeDashboard, PracticeHistory, SaveAnswer, SaveDraft, StartAttempt,
    SubmitSelfScore,
};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

const SCENARIO: &str = "predictions-wrong-200-ok";

struct Candidate {
    cookie: String,
    id: i64,
}

async fn candidate(app: &TestApp, email: &str) -> Candidate {
    let id = create_user(&app.pool, email, Role::Candidate).await;
    Candidate {
        cookie: app.sign_in(email, PASSWORD).await,
        id,
    }
}

async fn start(app: &TestApp, who: &Candidate, slug: &str, limit: &str) -> i64 {
    let reply = app
        .call(
            StartAttempt::PATH,
            &format!("slug={slug}&version=1&time_limit={limit}"),
            Some(&who.cookie),
        )
        .await;
    assert!(
        crate::support::succeeded(&reply),
        "start: {} {}",
        reply.status,
        reply.body
    );
    sqlx::query_scalar("SELECT max(id) FROM attempts WHERE candidate_id = $1")
        .bind(who.id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn answer_of(app: &TestApp, attempt: i64) -> (String, Option<i64>) {
    sqlx::query_as("SELECT answer_md, submitted_at FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn submit(app: &TestApp, who: &Candidate, attempt: i64, answer: &str) {
    let reply = app
        .call(
            SaveAnswer::PATH,
            &format!("attempt_id={attempt}&answer={}&intent=submit", enc(answer)),
            Some(&who.cookie),
        )
        .await;
    assert!(
        crate::support::succeeded(&reply),
        "{} {}",
        reply.status,
        reply.body
    );
}

/// A self-score form with every dimension at `score` and every key point marked `mark`.
async fn score_form(app: &TestApp, attempt: i64, score: &str, mark: &str) -> String {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT k.key FROM scenario_key_points k JOIN attempts a
             ON a.scenario_version_id = k.version_id WHERE a.id = $1 ORDER BY k.position",
    )
    .bind(attempt)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut form = format!("attempt_id={attempt}");
    for d in DIMENSIONS {
        form.push_str(&format!("&scores%5B{d}%5D={score}"));
    }
    for k in keys {
        form.push_str(&format!("&marks%5B{k}%5D={mark}"));
    }
    form
}

async fn self_score(app: &TestApp, who: &Candidate, attempt: i64, score: u8) {
    let form = score_form(app, attempt, &score.to_string(), "covered").await;
    let reply = app
        .call(SubmitSelfScore::PATH, &form, Some(&who.cookie))
        .await;
    assert!(
        crate::support::succeeded(&reply),
        "{} {}",
        reply.status,
        reply.body
    );
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    let request = axum::http::Request::get(path)
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    reply.body
}

#[test]
fn a_candidate_answers_scores_and_sees_what_they_missed() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = candidate(&app, "ada@example.com").await;
        let attempt = start(&app, &ada, SCENARIO, "15").await;

        let answering = page(&app, &format!("/practice/{attempt}"), &ada.cookie).await;
        assert!(answering.contains("Time left 15:00") || answering.contains("Time left 14:"));
        assert!(answering.contains("name=\"answer\""));
        assert!(
            !answering.contains("What a strong answer covers"),
            "the answer key stays hidden while answering"
        );

        // Autosave, then submit.
        let draft = "First I rolled back to the last known-good model.";
        let saved = app
            .call(
                SaveDraft::PATH,
                &format!("attempt_id={attempt}&answer={}", enc(draft)),
                Some(&ada.cookie),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(answer_of(&app, attempt).await, (draft.to_string(), None));
        let answer = "It is a correctness incident. I rolled back to the last known-good \
                      model, then replayed a golden payload.";
        submit(&app, &ada, attempt, answer).await;
        let (stored, submitted) = answer_of(&app, attempt).await;
        assert_eq!(stored, answer);
        assert!(submitted.is_some());

        let scoring = page(&app, &format!("/practice/{attempt}"), &ada.cookie).await;
        assert!(scoring.contains("Score yourself"));
        assert!(scoring.contains("name=\"scores[framing-triage]\""));
        assert!(
            scoring.contains("I rolled back to the last known-good"),
            "the answer is shown for scoring"
        );
        assert!(!scoring.contains("What a strong answer covers"));

        self_score(&app, &ada, attempt, 3).await;
        let reviewed = page(&app, &format!("/practice/{attempt}"), &ada.cookie).await;
        assert!(
            reviewed.contains("What a strong answer covers"),
            "the key is revealed"
        );
        assert!(reviewed.contains("3.00 / 4"));
        assert!(
            reviewed.contains("your ticks and the assessor"),
            "the assessor's reading is beside the ticks"
        );
        assert!(reviewed.contains("Next review of this scenario"));
        // Ticked covered while the assessor found nothing: flagged.
        assert!(reviewed.contains("Worth a look"));

        let due: i64 = sqlx::query_scalar("SELECT due_at FROM review_states WHERE user_id = $1")
            .bind(ada.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert!(
            due > app::server::now_millis(),
            "a Good review is due later"
        );
    })
}

#[test]
fn starting_again_resumes_the_unfinished_answer() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = candidate(&app, "ada@example.com").await;
        let first = start(&app, &ada, SCENARIO, "").await;
        let again = start(&app, &ada, SCENARIO, "10").await;
        assert_eq!(first, again);
        assert_eq!(count(&app.pool, "attempts").await, 1);
    })
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = candidate(&app, "ada@example.com").await;
        let c = Some(ada.cookie.as_str());

        let no_version = app
            .call(
                StartAttempt::PATH,
                &format!("slug={SCENARIO}&version=99"),
                c,
            )
            .await;
        assert_eq!(no_version.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_version
            .body
            .contains("That version of the scenario does not exist"));
        let bad_limit = app
            .call(
                StartAttempt::PATH,
                &format!("slug={SCENARIO}&version=1&time_limit=7"),
                c,
            )
            .await;
        assert_eq!(bad_limit.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_limit.body.contains("Choose a time limit"));
        assert_eq!(count(&app.pool, "attempts").await, 0);

        let attempt = start(&app, &ada, SCENARIO, "").await;
        app.call(
            SaveDraft::PATH,
            &format!("attempt_id={attempt}&answer=kept"),
            c,
        )
        .await;

        // An empty answer is not submitted (the draft is still saved: it is what was typed).
        let empty = app
            .call(
                SaveAnswer::PATH,
                &format!("attempt_id={attempt}&answer=+++&intent=submit"),
                c,
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Write an answer before submitting it."));
        assert_eq!(
            answer_of(&app, attempt).await,
            ("kept".to_string(), None),
            "the refused submit left the saved draft alone"
        );

        // A 2 MB answer: refused before anything is written.
        app.call(
            SaveDraft::PATH,
            &format!("attempt_id={attempt}&answer=kept"),
            c,
        )
        .await;
        let huge = "a".repeat(2 * 1024 * 1024);
        for path in [SaveDraft::PATH, SaveAnswer::PATH] {
            let reply = app
                .call(
                    path,
                    &format!("attempt_id={attempt}&answer={huge}&intent=submit"),
                    c,
                )
                .await;
            assert!(
                reply.status == StatusCode::PAYLOAD_TOO_LARGE
                    || reply.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{path}: {}",
                reply.status
            );
            assert!(reply.body.len() < 500, "no echo of the answer");
            assert_eq!(answer_of(&app, attempt).await, ("kept".to_string(), None));
        }
        // Just over the character limit: a 422 that says the limit.
        let long = "b".repeat(40_001);
        let reply = app
            .call(
                SaveDraft::PATH,
                &format!("attempt_id={attempt}&answer={long}"),
                c,
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("the limit is 40000"), "{}", reply.body);

        // Scoring before submitting.
        let form = score_form(&app, attempt, "3", "covered").await;
        let early = app.call(SubmitSelfScore::PATH, &form, c).await;
        assert_eq!(early.status, StatusCode::CONFLICT);

        submit(&app, &ada, attempt, "An answer.").await;
        // Scores out of range, not numbers, or missing: 422 naming each, nothing stored.
        for (score, message) in [
            ("5", "a score is a whole number from 1 to 4"),
            ("0", "a score is a whole number from 1 to 4"),
            ("high", "a score is a whole number from 1 to 4"),
        ] {
            let form = score_form(&app, attempt, score, "covered").await;
            let reply = app.call(SubmitSelfScore::PATH, &form, c).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{score}");
            assert!(reply.body.contains(message), "{}", reply.body);
        }
        let form = score_form(&app, attempt, "3", "sort-of").await;
        let reply = app.call(SubmitSelfScore::PATH, &form, c).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("as covered, partly or missed"));
        let missing = app
            .call(SubmitSelfScore::PATH, &format!("attempt_id={attempt}"), c)
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.body.contains("Score Framing"), "{}", missing.body);
        assert_eq!(count(&app.pool, "scorecards").await, 0);
        assert_eq!(count(&app.pool, "review_states").await, 0);

        // A submitted answer never changes; a self-score is final.
        let late = app
            .call(
                SaveDraft::PATH,
                &format!("attempt_id={attempt}&answer=changed"),
                c,
            )
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        self_score(&app, &ada, attempt, 2).await;
        let twice = app
            .call(
                SubmitSelfScore::PATH,
                &score_form(&app, attempt, "4", "covered").await,
                c,
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert!(twice.body.contains("a self-score is final"));
        assert_eq!(count(&app.pool, "scorecards").await, 1);
        assert_eq!(answer_of(&app, attempt).await.0, "An answer.");

        // Malformed arguments: 400, no decoder text.
        let malformed = app
            .call(SaveDraft::PATH, "attempt_id=not-a-number&answer=x", c)
            .await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
        assert!(!malformed.body.contains("Args"));
    })
}

#[test]
fn an_attempt_is_seen_and_changed_by_its_candidate_only() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = candidate(&app, "ada@example.com").await;
        let bob = candidate(&app, "bob@example.com").await;
        create_user(&app.pool, "root@example.com", Role::Admin).await;
        let admin = app.sign_in("root@example.com", PASSWORD).await;
        let attempt = start(&app, &ada, SCENARIO, "").await;
        submit(&app, &ada, attempt, "Ada's private answer").await;

        for cookie in [Some(bob.cookie.as_str()), Some(admin.as_str()), None] {
            let expected = if cookie.is_some() {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNAUTHORIZED
            };
            for (path, form) in [
                (GetAttempt::PATH, format!("id={attempt}")),
                (SaveDraft::PATH, format!("attempt_id={attempt}&answer=x")),
                (
                    SaveAnswer::PATH,
                    format!("attempt_id={attempt}&answer=x&intent=submit"),
                ),
                (
                    SubmitSelfScore::PATH,
                    score_form(&app, attempt, "4", "covered").await,
                ),
            ] {
                let reply = app.call(path, &form, cookie).await;
                assert_eq!(reply.status, expected, "{path}");
                assert!(!reply.body.contains("private answer"));
            }
            if let Some(cookie) = cookie {
                let request = axum::http::Request::get(format!("/practice/{attempt}"))
                    .header("cookie", cookie)
                    .body(axum::body::Body::empty())
                    .unwrap();
                let reply = app.send(request).await;
                assert_eq!(reply.status, StatusCode::FORBIDDEN);
                assert!(!reply.body.contains("private answer"));
            }
        }
        assert_eq!(count(&app.pool, "scorecards").await, 0);
        assert_eq!(answer_of(&app, attempt).await.0, "Ada's private answer");

        // Bob's history and export know nothing of Ada's attempt.
        let history = page(&app, "/history", &bob.cookie).await;
        assert!(!history.contains("/practice/"), "no attempts listed");
        let request = axum::http::Request::get("/history/export.csv")
            .header("cookie", &bob.cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        let csv = app.send(request).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.body.lines().count(), 1, "header only: {}", csv.body);
        let anonymous = app.get("/history/export.csv").await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let missing = page_status(&app, "/practice/999999", &ada.cookie).await;
        assert_eq!(missing, StatusCode::NOT_FOUND);
    })
}

async fn page_status(app: &TestApp, path: &str, cookie: &str) -> StatusCode {
    let request = axum::http::Request::get(path)
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    app.send(request).await.status
}

#[test]
fn weak_answers_come_back_sooner_and_due_ones_are_practised_next() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = candidate(&app, "ada@example.com").await;
        let weak = start(&app, &ada, SCENARIO, "").await;
        submit(&app, &ada, weak, "Restart everything.").await;
        self_score(&app, &ada, weak, 1).await;
        let strong = start(&app, &ada, "gpu-pods-pending", "").await;
        submit(&app, &ada, strong, "A thorough answer.").await;
        self_score(&app, &ada, strong, 4).await;

        let due: Vec<(String, i64)> = sqlx::query_as(
            "SELECT s.slug, r.due_at FROM review_states r JOIN scenarios s ON s.id = r.scenario_id
              ORDER BY r.due_at",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(due.len(), 2);
        assert_eq!(
            due[0].0, SCENARIO,
            "the scenario rated Again comes back first"
        );
        assert!(
            due[1].1 - due[0].1 > 86_400_000,
            "an Easy one waits days longer"
        );

        // Nothing due yet: practise next is a scenario never tried.
        let dash = dashboard(&app, &ada).await;
        assert!(dash["due"].as_array().unwrap().is_empty());
        let next = dash["next"]["slug"].as_str().unwrap().to_string();
        assert!(next != SCENARIO && next != "gpu-pods-pending", "{next}");
        assert!(dash["next"]["reason"]
            .as_str()
            .unwrap()
            .contains("not tried"));
        assert_eq!(dash["attempted"], 2);
        let weakest = dash["weakest"].as_array().unwrap();
        assert_eq!(weakest.len(), 3);
        assert!((weakest[0]["mean"].as_f64().unwrap() - 2.5).abs() < 1e-9);

        // Time passes: the weak scenario is due, and it is what "practise next" starts.
        sqlx::query(
            "UPDATE review_states SET due_at = 0 WHERE scenario_id =
                       (SELECT id FROM scenarios WHERE slug = $1)",
        )
        .bind(SCENARIO)
        .execute(&app.pool)
        .await
        .unwrap();
        let dash = dashboard(&app, &ada).await;
        assert_eq!(dash["due"][0]["slug"], SCENARIO);
        assert_eq!(dash["next"]["slug"], SCENARIO);
        assert_eq!(dash["next"]["reason"], "It is due for review.");

        // A second, better attempt is a second review: the scenario moves out.
        let again = start(&app, &ada, SCENARIO, "").await;
        assert_ne!(again, weak);
        submit(&app, &ada, again, "Better, with a rollback.").await;
        self_score(&app, &ada, again, 3).await;
        let (reps, lapses): (i64, i64) = sqlx::query_as(
            "SELECT reps, lapses FROM review_states r JOIN scenarios s ON s.id = r.scenario_id
              WHERE s.slug = $1",
        )
        .bind(SCENARIO)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(reps, 2);
        assert_eq!(lapses, 0);
        let dash = dashboard(&app, &ada).await;
        assert!(dash["due"].as_array().unwrap().is_empty());

        // The history has two points for each dimension, and the page draws the charts.
        let history: serde_json::Value = serde_json::from_str(
            &app.call(PracticeHistory::PATH, "topic=&scenario=", Some(&ada.cookie))
                .await
                .body,
        )
        .unwrap();
        assert_eq!(history["series"][0]["points"].as_array().unwrap().len(), 3);
        let html = page(&app, "/history", &ada.cookie).await;
        assert_eq!(html.matches("class=\"trend\"").count(), 8);
        let filtered = page(&app, &format!("/history?scenario={SCENARIO}"), &ada.cookie).await;
        assert!(
            filtered.contains(&format!("/history/compare?a={weak}&amp;b={again}"))
                || filtered.contains(&format!("/history/compare?a={weak}&b={again}"))
        );
        let compare = page(
            &app,
            &format!("/history/compare?a={weak}&b={again}"),
            &ada.cookie,
        )
        .await;
        assert!(compare.contains("Restart everything."));
        assert!(compare.contains("Better, with a rollback."));
        assert!(compare.contains("+2"), "framing went from 1 to 3");

        // CSV: one row per attempt, a column per dimension.
        let request = axum::http::Request::get("/history/export.csv")
            .header("cookie", &ada.cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        let csv = app.send(request).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.header("content-type").starts_with("text/csv"));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines.len(), 4, "{}", csv.body);
        assert!(lines[0].contains("self_framing-triage"));
        assert!(lines[1].contains(SCENARIO) && lines[1].contains(",1.00,"));
    })
}

async fn dashboard(app: &TestApp, who: &Candidate) -> serde_json::Value {
    let reply = app
        .call(PracticeDashboard::PATH, "", Some(&who.cookie))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[test]
fn deleting_an_account_deletes_its_practice() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = candidate(&app, "ada@example.com").await;
        let attempt = start(&app, &ada, SCENARIO, "").await;
        submit(&app, &ada, attempt, "Answer").await;
        self_score(&app, &ada, attempt, 3).await;
        app::server::db::users::delete(&app.pool, ada.id)
            .await
            .unwrap();
        for table in [
            "attempts",
            "scorecards",
            "scorecard_scores",
            "review_states",
        ] {
            assert_eq!(count(&app.pool, table).await, 0, "{table}");
        }
    })
}
