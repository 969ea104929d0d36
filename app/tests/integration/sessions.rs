//! Mock sessions through the HTTP edge: who may open the console and the candidate screen,
//! what the candidate's browser is sent, live state in the database, and scorecards that never
//! change once submitted.
use crate::support::{count, create_user, enc, spawn_app, TestApp, DIMENSIONS, PASSWORD};
use app::api::sessions::{
    AutosaveSessionNotes, CreateSession, EndSession, GoToScenario, JoinScreen, MarkKeyPoint,
    RevealFollowUp, SessionConsole,
};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

pub(crate) struct Cast {
    pub interviewer: String,
    pub shadow: String,
    pub candidate: String,
    pub other: String,
    pub session: i64,
    pub token: String,
}

/// An interviewer, a shadow, a candidate with an account, another interviewer, and a session
/// of two scenarios.
pub(crate) async fn cast(app: &TestApp) -> Cast {
    create_user(&app.pool, "ivy@example.com", Role::Interviewer).await;
    create_user(&app.pool, "sam@example.com", Role::Interviewer).await;
    create_user(&app.pool, "cat@example.com", Role::Candidate).await;
    create_user(&app.pool, "oz@example.com", Role::TeamLead).await;
    let interviewer = app.sign_in("ivy@example.com", PASSWORD).await;
    let form = "candidate_email=cat%40example.com&scenarios%5B1%5D=predictions-wrong-200-ok\
                &scenarios%5B2%5D=gpu-pods-pending&planned_minutes=45&shadow_email=sam%40example.com";
    let reply = app
        .call(CreateSession::PATH, form, Some(&interviewer))
        .await;
    assert!(
        crate::support::succeeded(&reply),
        "{} {}",
        reply.status,
        reply.body
    );
    let (session, token): (i64, String) =
        sqlx::query_as("SELECT id, token FROM mock_sessions ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    Cast {
        interviewer,
        shadow: app.sign_in("sam@example.com", PASSWORD).await,
        candidate: app.sign_in("cat@example.com", PASSWORD).await,
        other: app.sign_in("oz@example.com", PASSWORD).await,
        session,
        token,
    }
}

pub(crate) async fn json(
    app: &TestApp,
    path: &str,
    form: &str,
    cookie: Option<&str>,
) -> serde_json::Value {
    let reply = app.call(path, form, cookie).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

pub(crate) async fn scorecard_form(
    app: &TestApp,
    session: i64,
    position: i64,
    score: u8,
) -> String {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT k.key FROM scenario_key_points k
           JOIN attempts a ON a.scenario_version_id = k.version_id
           JOIN mock_session_items i ON i.attempt_id = a.id
          WHERE i.session_id = $1 AND i.position = $2 ORDER BY k.position",
    )
    .bind(session)
    .bind(position)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut form = format!(
        "session_id={session}&position={position}&recommendation=yes&target_level=senior\
         &feedback={}&evidence={}",
        enc("Clear triage, good rollback."),
        enc("Named the model version.")
    );
    for d in DIMENSIONS {
        form.push_str(&format!("&scores%5B{d}%5D={score}"));
    }
    for k in keys {
        form.push_str(&format!("&marks%5B{k}%5D=covered"));
    }
    form
}

/// The status of the candidate screen's event stream (its body never ends, so it is not read).
pub(crate) async fn events_status(app: &TestApp, token: &str) -> StatusCode {
    use tower::ServiceExt;
    let request = axum::http::Request::get(format!("/join/{token}/events"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    if response.status() == StatusCode::OK {
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
    }
    response.status()
}

#[test]
fn only_the_interviewer_and_the_shadow_open_the_console() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let form = format!("id={}", c.session);
        let console = json(&app, SessionConsole::PATH, &form, Some(&c.interviewer)).await;
        assert_eq!(console["shadow"], false);
        assert!(console["join_path"].as_str().unwrap().ends_with(&c.token));
        assert_eq!(console["key_points"].as_array().unwrap().len(), 7);
        let shadow = json(&app, SessionConsole::PATH, &form, Some(&c.shadow)).await;
        assert_eq!(shadow["shadow"], true);
        assert!(
            shadow["join_path"].is_null(),
            "a shadow is not given the join link"
        );

        for (who, cookie, status) in [
            ("another interviewer", Some(&c.other), StatusCode::FORBIDDEN),
            ("the candidate", Some(&c.candidate), StatusCode::FORBIDDEN),
            ("anonymous", None, StatusCode::UNAUTHORIZED),
        ] {
            let reply = app
                .call(SessionConsole::PATH, &form, cookie.map(String::as_str))
                .await;
            assert_eq!(reply.status, status, "{who}");
            assert!(!reply.body.contains("key_points"));
        }
        // The shadow watches but cannot drive.
        for (path, form) in [
            (
                RevealFollowUp::PATH,
                format!("session_id={}&follow_up=0", c.session),
            ),
            (
                MarkKeyPoint::PATH,
                format!("session_id={}&key=golden-payload&mark=covered", c.session),
            ),
            (
                GoToScenario::PATH,
                format!("session_id={}&position=1", c.session),
            ),
            (EndSession::PATH, format!("session_id={}", c.session)),
            (
                AutosaveSessionNotes::PATH,
                format!("session_id={}&notes=mine", c.session),
            ),
        ] {
            let reply = app.call(path, &form, Some(&c.shadow)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(count(&app.pool, "mock_reveals").await, 0);
        assert_eq!(count(&app.pool, "mock_marks").await, 0);

        // The console page itself answers the same way.
        let request = axum::http::Request::get(format!("/sessions/{}", c.session))
            .header("cookie", &c.other)
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
    })
}

#[test]
fn the_candidate_screen_gets_the_prompt_and_revealed_questions_and_nothing_else() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let token_form = format!("token={}", c.token);
        let before = json(&app, JoinScreen::PATH, &token_form, None).await;
        assert!(before["revealed"].as_array().unwrap().is_empty());
        assert_eq!(before["count"], 2);

        let reveal = app
            .call(
                RevealFollowUp::PATH,
                &format!("session_id={}&follow_up=1", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert!(crate::support::succeeded(&reveal), "{}", reveal.body);
        app.call(
            MarkKeyPoint::PATH,
            &format!("session_id={}&key=golden-payload&mark=missed", c.session),
            Some(&c.interviewer),
        )
        .await;
        app.call(
            AutosaveSessionNotes::PATH,
            &format!("session_id={}&notes=SECRET-NOTE", c.session),
            Some(&c.interviewer),
        )
        .await;

        let after = app.call(JoinScreen::PATH, &token_form, None).await;
        assert_eq!(after.status, StatusCode::OK);
        let screen: serde_json::Value = serde_json::from_str(&after.body).unwrap();
        assert_eq!(screen["revealed"].as_array().unwrap().len(), 1);
        assert!(screen["revision"].as_i64().unwrap() > before["revision"].as_i64().unwrap());
        // Nothing of the answer key, the checklist, the rubric or the notes reaches the
        // candidate, in the data or in the page.
        let page = app.get(&format!("/join/{}", c.token)).await;
        assert_eq!(page.status, StatusCode::OK);
        for body in [&after.body, &page.body] {
            for secret in [
                "Replays known-good payloads",
                "golden-payload",
                "What a strong answer covers",
                "SECRET-NOTE",
                "framing-triage",
                "missed",
            ] {
                assert!(!body.contains(secret), "candidate sees {secret:?}");
            }
        }
        // A wrong token opens nothing; the right one stops working when the session ends.
        let wrong = app.call(JoinScreen::PATH, "token=0000", None).await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/join/0000").await.status, StatusCode::NOT_FOUND);
        assert_eq!(events_status(&app, &c.token).await, StatusCode::OK);
        let end = app
            .call(
                EndSession::PATH,
                &format!("session_id={}", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert!(crate::support::succeeded(&end));
        let gone = app.call(JoinScreen::PATH, &token_form, None).await;
        assert_eq!(gone.status, StatusCode::GONE);
        assert_eq!(
            app.get(&format!("/join/{}", c.token)).await.status,
            StatusCode::GONE
        );
        // A screen that reconnects after the end hears it as an event, not an error.
        assert_eq!(events_status(&app, &c.token).await, StatusCode::OK);
        let events = app.get(&format!("/join/{}/events", c.token)).await;
        assert!(events.body.starts_with("event: ended\n"), "{}", events.body);
        assert!(!events.body.contains("revision"), "{}", events.body);
        assert_eq!(events_status(&app, "0000").await, StatusCode::NOT_FOUND);
        // Ended: nothing more can be revealed.
        let late = app
            .call(
                RevealFollowUp::PATH,
                &format!("session_id={}&follow_up=2", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
    })
}

#[test]
fn live_state_is_in_the_database() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        for form in [
            format!("session_id={}&key=golden-payload&mark=covered", c.session),
            format!("session_id={}&key=feature-parity&mark=partly", c.session),
        ] {
            let reply = app
                .call(MarkKeyPoint::PATH, &form, Some(&c.interviewer))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        }
        app.call(
            RevealFollowUp::PATH,
            &format!("session_id={}&follow_up=0", c.session),
            Some(&c.interviewer),
        )
        .await;
        app.call(
            AutosaveSessionNotes::PATH,
            &format!(
                "session_id={}&notes={}",
                c.session,
                enc("Asked about lineage")
            ),
            Some(&c.interviewer),
        )
        .await;
        // A fresh router on the same database file stands for a restarted server.
        let console = json(
            &app,
            SessionConsole::PATH,
            &format!("id={}", c.session),
            Some(&c.interviewer),
        )
        .await;
        let marks: Vec<(String, String)> = console["key_points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| !k[1].is_null())
            .map(|k| {
                (
                    k[0]["key"].as_str().unwrap().into(),
                    k[1].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            marks,
            [
                ("golden-payload".to_string(), "covered".to_string()),
                ("feature-parity".to_string(), "partly".to_string())
            ]
        );
        assert_eq!(console["follow_ups"][0]["revealed"], true);
        assert_eq!(console["notes_md"], "Asked about lineage");

        // Bad input changes nothing.
        for (form, status) in [
            (
                format!("session_id={}&key=nope&mark=covered", c.session),
                422,
            ),
            (
                format!("session_id={}&key=golden-payload&mark=maybe", c.session),
                422,
            ),
        ] {
            let reply = app
                .call(MarkKeyPoint::PATH, &form, Some(&c.interviewer))
                .await;
            assert_eq!(reply.status.as_u16(), status, "{form}");
        }
        let reply = app
            .call(
                RevealFollowUp::PATH,
                &format!("session_id={}&follow_up=99", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let reply = app
            .call(
                GoToScenario::PATH,
                &format!("session_id={}&position=7", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(&app.pool, "mock_marks").await, 2);
        assert_eq!(count(&app.pool, "mock_reveals").await, 1);

        // The candidate's open mock attempt is not a practice draft: practising the same
        // scenario meanwhile starts a practice attempt.
        let start = app
            .call(
                app::api::practice::StartAttempt::PATH,
                "slug=predictions-wrong-200-ok&version=1",
                Some(&c.candidate),
            )
            .await;
        assert!(crate::support::succeeded(&start), "{}", start.body);
        let mode: String = sqlx::query_scalar("SELECT mode FROM attempts ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(mode, "practice");

        // Moving on shows the next scenario on the candidate's screen, with no questions yet.
        let next = app
            .call(
                GoToScenario::PATH,
                &format!("session_id={}&position=1", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert!(crate::support::succeeded(&next));
        let screen = json(&app, JoinScreen::PATH, &format!("token={}", c.token), None).await;
        assert_eq!(screen["position"], 1);
        assert!(screen["revealed"].as_array().unwrap().is_empty());
    })
}

#[test]
fn setting_up_a_session_checks_every_field() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ivy@example.com", Role::Interviewer).await;
        create_user(&app.pool, "cat@example.com", Role::Candidate).await;
        let ivy = app.sign_in("ivy@example.com", PASSWORD).await;
        let cat = app.sign_in("cat@example.com", PASSWORD).await;

        let reply = app
            .call(
                CreateSession::PATH,
                "candidate_email=nobody%40example.com&planned_minutes=500&shadow_email=cat%40example.com\
                 &scenarios%5B1%5D=no-such-scenario",
                Some(&ivy),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        for message in [
            "No active account has this email. Leave it empty",
            "Plan between 5 and 240 minutes.",
            "A shadow must be an interviewer.",
            "There is no scenario",
        ] {
            assert!(reply.body.contains(message), "{message}: {}", reply.body);
        }
        assert_eq!(count(&app.pool, "mock_sessions").await, 0);
        assert_eq!(count(&app.pool, "attempts").await, 0);

        create_user(&app.pool, "ian@example.com", Role::Interviewer).await;
        let reply = app
            .call(
                CreateSession::PATH,
                "candidate_email=ian%40example.com&shadow_email=ian%40example.com&level=staff",
                Some(&ivy),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply
            .body
            .contains("The candidate cannot shadow their own interview."));

        // Candidates do not run sessions.
        let reply = app
            .call(CreateSession::PATH, "guest_name=Bob", Some(&cat))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        // A guest with suggested scenarios: two, matching the level.
        let reply = app
            .call(
                CreateSession::PATH,
                "guest_name=Grace&guest_email=grace%40example.com&level=staff",
                Some(&ivy),
            )
            .await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let levels: Vec<String> = sqlx::query_scalar(
            "SELECT v.level FROM mock_session_items i JOIN attempts a ON a.id = i.attempt_id
               JOIN scenario_versions v ON v.id = a.scenario_version_id ORDER BY i.position",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert!(!levels.is_empty() && levels.len() <= 2);
        assert!(levels.iter().all(|l| l == "staff"), "{levels:?}");
        let guest_attempts: i64 =
            sqlx::query_scalar("SELECT count(*) FROM attempts WHERE candidate_id IS NULL")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(guest_attempts as usize, levels.len());
    })
}
