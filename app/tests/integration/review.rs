//! What an outside security and correctness review found, each as a test that failed before
//! its fix: identity reused after deletion, scenarios and mock questions seen by the wrong
//! people, unlimited password guessing, requests that stalled or crashed the server, live
//! streams without limits, and a shadow who could read the interviewer's ticks.
use crate::sessions::{cast as session_cast, json, scorecard_form};
use crate::support::{create_user, enc, session_cookie, spawn_app, succeeded, TestApp, PASSWORD};
use app::api::account::{ChangePassword, DeleteAccount, Register};
use app::api::admin::UpdateUser;
use app::api::practice::{GetAttempt, PracticeDashboard, PracticeHistory};
use app::api::scorecards::SubmitSessionScorecard;
use app::api::sessions::{EndSession, GoToScenario, MarkKeyPoint, SessionConsole};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

async fn sessions_of(app: &TestApp, user: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tower_sessions WHERE user_id = $1")
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn id_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[test]
fn a_deleted_accounts_other_sessions_never_open_the_next_account() {
    crate::support::run(async {
        let app = spawn_app().await;
        let register = |email: &str| {
            format!(
                "email={}&display_name=Newcomer&password={}",
                enc(email),
                enc(PASSWORD)
            )
        };
        let reply = app
            .call(Register::PATH, &register("ada@example.com"), None)
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let ada = id_of(&app, "ada@example.com").await;
        let laptop = session_cookie(&reply).unwrap();
        let phone = app.sign_in("ada@example.com", PASSWORD).await;
        assert_eq!(
            sessions_of(&app, ada).await,
            2,
            "sessions are findable by user"
        );

        let form = format!("password={}&confirm=yes", enc(PASSWORD));
        let reply = app.call(DeleteAccount::PATH, &form, Some(&laptop)).await;
        assert!(succeeded(&reply), "{}", reply.body);
        assert_eq!(
            sessions_of(&app, ada).await,
            0,
            "every session of it is deleted"
        );

        // The next account created, by registering or by an admin.
        let reply = app
            .call(Register::PATH, &register("bo@example.com"), None)
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let bo = id_of(&app, "bo@example.com").await;
        let admin = create_user(&app.pool, "root@example.com", Role::Admin).await;
        assert!(bo > ada && admin > bo, "ids are never handed out twice");
        assert_eq!(app.who(Some(&phone)).await, None, "the phone is signed out");
        assert_eq!(app.who(Some(&laptop)).await, None);
    })
}

#[test]
fn a_password_change_or_deactivation_ends_every_session_of_the_account() {
    crate::support::run(async {
        let app = spawn_app().await;
        let ada = create_user(&app.pool, "ada@example.com", Role::Interviewer).await;
        create_user(&app.pool, "root@example.com", Role::Admin).await;
        let admin = app.sign_in("root@example.com", PASSWORD).await;
        let here = app.sign_in("ada@example.com", PASSWORD).await;
        let there = app.sign_in("ada@example.com", PASSWORD).await;

        let form = format!(
            "current_password={}&new_password={}",
            enc(PASSWORD),
            enc("another long password")
        );
        let reply = app.call(ChangePassword::PATH, &form, Some(&here)).await;
        assert!(succeeded(&reply), "{}", reply.body);
        let here = session_cookie(&reply).expect("the changing session signs in again");
        assert_eq!(app.who(Some(&there)).await, None);
        assert_eq!(
            app.who(Some(&here)).await.as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(sessions_of(&app, ada).await, 1);

        let form = format!("user_id={ada}&role=interviewer");
        let reply = app.call(UpdateUser::PATH, &form, Some(&admin)).await;
        assert!(succeeded(&reply), "{}", reply.body);
        assert_eq!(sessions_of(&app, ada).await, 0);
        assert_eq!(app.who(Some(&here)).await, None);
        // Active again, the old session stays dead: the account has a new session key.
        let form = format!("user_id={ada}&role=interviewer&active=yes");
        let reply = app.call(UpdateUser::PATH, &form, Some(&admin)).await;
        assert!(succeeded(&reply), "{}", reply.body);
        assert_eq!(app.who(Some(&here)).await, None);
    })
}

#[test]
fn a_new_account_sees_no_other_teams_scenarios_in_practise_next() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = crate::support::cast(&app).await;
        let reply = app
            .call(
                app::api::authoring::SaveScenario::PATH,
                &crate::authoring::form(c.team, "team-secret-drill", crate::authoring::PROMPT),
                Some(&c.lead),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let builtins: i64 =
            sqlx::query_scalar("SELECT count(*) FROM scenarios WHERE team_id IS NULL")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        let reply = app
            .call(PracticeDashboard::PATH, "", Some(&c.candidate))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(!reply.body.contains("team-secret-drill"), "{}", reply.body);
        let dashboard: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(dashboard["total"].as_i64(), Some(builtins));
        // A member of the team sees it, and counts it.
        let reply = app.call(PracticeDashboard::PATH, "", Some(&c.member)).await;
        let dashboard: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(dashboard["total"].as_i64(), Some(builtins + 1));
    })
}

#[test]
fn a_mock_candidate_sees_a_scenario_only_once_it_is_on_screen() {
    crate::support::run(async {
        let app = spawn_app().await;
        let s = session_cast(&app).await;
        let attempts: Vec<i64> = sqlx::query_scalar(
            "SELECT attempt_id FROM mock_session_items WHERE session_id = $1 ORDER BY position",
        )
        .bind(s.session)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let positions: Vec<i64> = sqlx::query_scalar(
            "SELECT position FROM mock_session_items WHERE session_id = $1 ORDER BY position",
        )
        .bind(s.session)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let (first, second) = (attempts[0], attempts[1]);
        let candidate = Some(s.candidate.as_str());
        // Set up, nothing is shown yet: the candidate's pages list neither scenario.
        let history = app
            .call(PracticeHistory::PATH, "topic=&scenario=", candidate)
            .await;
        assert!(
            !history.body.contains("predictions-wrong-200-ok"),
            "{}",
            history.body
        );
        // The candidate's screen opens on the first scenario.
        let reply = app
            .call(
                app::api::sessions::JoinScreen::PATH,
                &format!("token={}", s.token),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

        // The first scenario is on screen; the second is not, and exists nowhere for them.
        let listed = |body: &str, id: i64| body.contains(&format!("\"id\":{id},"));
        let history = app
            .call(PracticeHistory::PATH, "topic=&scenario=", candidate)
            .await;
        let dashboard = app.call(PracticeDashboard::PATH, "", candidate).await;
        for body in [&history.body, &dashboard.body] {
            assert!(listed(body, first), "{body}");
            assert!(!listed(body, second), "{body}");
            assert!(!body.contains("gpu-pods-pending"), "{body}");
        }
        let reply = app
            .call(GetAttempt::PATH, &format!("id={second}"), candidate)
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        let page = app
            .get_as(&format!("/practice/{second}"), &s.candidate)
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let export = app.get_as("/history/export.csv", &s.candidate).await;
        assert!(!export.body.contains("gpu-pods-pending"), "{}", export.body);

        // On screen, it is theirs.
        let form = format!("session_id={}&position={}", s.session, positions[1]);
        let reply = app
            .call(GoToScenario::PATH, &form, Some(&s.interviewer))
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let reply = app
            .call(GetAttempt::PATH, &format!("id={second}"), candidate)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    })
}

#[test]
fn a_team_scenario_asked_in_a_mock_never_shows_its_answer_key_to_an_outsider() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = crate::support::cast(&app).await;
        let reply = app
            .call(
                app::api::authoring::SaveScenario::PATH,
                &crate::authoring::form(c.team, "team-secret-drill", crate::authoring::PROMPT),
                Some(&c.lead),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let form = "candidate_email=cat%40example.com&scenarios%5B1%5D=team-secret-drill\
                    &planned_minutes=30";
        let reply = app
            .call(
                app::api::sessions::CreateSession::PATH,
                form,
                Some(&c.member),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let (session, attempt): (i64, i64) = sqlx::query_as(
            "SELECT session_id, attempt_id FROM mock_session_items ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let token: String = sqlx::query_scalar("SELECT token FROM mock_sessions WHERE id = $1")
            .bind(session)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let reply = app
            .call(
                app::api::sessions::JoinScreen::PATH,
                &format!("token={token}"),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        // The interviewer ticks every key point and shares the scorecard with the candidate.
        let position: i64 =
            sqlx::query_scalar("SELECT position FROM mock_session_items WHERE attempt_id = $1")
                .bind(attempt)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        let form = crate::sessions::scorecard_form(&app, session, position, 3).await;
        assert!(form.contains("marks%5Bdisk-usage%5D=covered"), "{form}");
        let reply = app
            .call(
                app::api::scorecards::SubmitSessionScorecard::PATH,
                &form,
                Some(&c.member),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let reply = app
            .call(
                EndSession::PATH,
                &format!("session_id={session}"),
                Some(&c.member),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let reply = app
            .call(
                app::api::scorecards::ShareScorecard::PATH,
                &format!("session_id={session}&position={position}"),
                Some(&c.member),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        // The candidate scores themselves (no key points to tick: they are not shown), which
        // brings the interviewer's shared scorecard beside their own.
        let mut form = format!("attempt_id={attempt}");
        for d in crate::support::DIMENSIONS {
            form.push_str(&format!("&scores%5B{d}%5D=3"));
        }
        let reply = app
            .call(
                app::api::practice::SubmitSelfScore::PATH,
                &form,
                Some(&c.candidate),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let attempt = json(
            &app,
            GetAttempt::PATH,
            &format!("id={attempt}"),
            Some(&c.candidate),
        )
        .await;
        assert!(attempt["prompt_html"].as_str().unwrap().contains("100%"));
        assert_eq!(attempt["key_points"], serde_json::json!([]));
        assert_eq!(attempt["sections"], serde_json::json!([]));
        assert!(!attempt.to_string().contains("Checks disk usage first"));
        // The shared scorecard's scores arrive; its ticks, which name the key points, do not.
        assert_eq!(attempt["other_cards"].as_array().unwrap().len(), 1);
        for key in ["disk-usage", "checkpoint-path", "retention"] {
            assert!(!attempt.to_string().contains(key), "{key} in {attempt}");
        }
        let export = app
            .send(
                axum::http::Request::get("/account/export.json")
                    .header("cookie", &c.candidate)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(export.status, StatusCode::OK);
        assert!(
            export.body.contains("team-secret-drill"),
            "the attempt is exported"
        );
        assert!(!export.body.contains("disk-usage"), "{}", export.body);
    })
}

/// Open the candidate screen's event stream and keep it open (its body is returned unread).
async fn open_stream(app: &TestApp, token: &str) -> axum::response::Response {
    use tower::ServiceExt;
    let request = axum::http::Request::get(format!("/join/{token}/events"))
        .body(axum::body::Body::empty())
        .unwrap();
    app.router.clone().oneshot(request).await.unwrap()
}

#[test]
fn live_streams_are_capped_per_session_and_close_when_it_ends() {
    use http_body_util::BodyExt;
    crate::support::run(async {
        let app = spawn_app().await;
        let s = session_cast(&app).await;
        let mut open = Vec::new();
        for _ in 0..app::server::live::MAX_STREAMS_PER_SESSION {
            let res = open_stream(&app, &s.token).await;
            assert_eq!(res.status(), StatusCode::OK);
            open.push(res);
        }
        let res = open_stream(&app, &s.token).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        // A closed screen frees its place.
        drop(open.pop());
        let again = open_stream(&app, &s.token).await;
        assert_eq!(again.status(), StatusCode::OK);
        drop(open);

        let reply = app
            .call(
                EndSession::PATH,
                &format!("session_id={}", s.session),
                Some(&s.interviewer),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        // The stream says the session ended, then ends (reading it to the end returns).
        let body = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            again.into_body().collect(),
        )
        .await
        .expect("the stream closes after the end")
        .unwrap()
        .to_bytes();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("event: ended"), "{text}");
        assert_eq!(app.state.live.streams_of(s.session), 0);
    })
}

#[test]
fn a_shadow_sees_the_interviewers_ticks_only_after_scoring() {
    crate::support::run(async {
        let app = spawn_app().await;
        let s = session_cast(&app).await;
        let form = format!(
            "session_id={}&key=correctness-not-outage&mark=covered",
            s.session
        );
        let reply = app
            .call(MarkKeyPoint::PATH, &form, Some(&s.interviewer))
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let console = |who: String| {
            let app = &app;
            async move {
                json(
                    app,
                    SessionConsole::PATH,
                    &format!("id={}", s.session),
                    Some(&who),
                )
                .await
            }
        };
        let seen = console(s.interviewer.clone()).await;
        assert!(
            seen["key_points"].to_string().contains("\"covered\""),
            "{seen}"
        );
        let seen = console(s.shadow.clone()).await;
        assert!(
            !seen["key_points"].to_string().contains("\"covered\""),
            "{seen}"
        );

        let position = seen["position"].as_i64().unwrap();
        let form = scorecard_form(&app, s.session, position, 3).await;
        let reply = app
            .call(SubmitSessionScorecard::PATH, &form, Some(&s.shadow))
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let seen = console(s.shadow.clone()).await;
        assert!(
            seen["key_points"].to_string().contains("\"covered\""),
            "{seen}"
        );
    })
}

#[test]
fn an_amendment_after_reading_the_others_is_marked_and_statistics_use_first_scorecards() {
    crate::support::run(async {
        let app = spawn_app().await;
        let s = session_cast(&app).await;
        let position: i64 = sqlx::query_scalar(
            "SELECT min(position) FROM mock_session_items WHERE session_id = $1",
        )
        .bind(s.session)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        // The interviewer scores alone: no other scorecard yet, so an amendment now is still
        // their own judgement.
        let form = scorecard_form(&app, s.session, position, 2).await;
        let reply = app
            .call(SubmitSessionScorecard::PATH, &form, Some(&s.interviewer))
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let first: i64 = sqlx::query_scalar("SELECT max(id) FROM scorecards")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let amend = |score: u8, reason: &str| {
            let app = &app;
            let reason = reason.to_string();
            async move {
                let mut form = scorecard_form(app, s.session, position, score).await;
                form.push_str(&format!("&amends={first}&reason={}", enc(&reason)));
                form
            }
        };
        let reply = app
            .call(
                SubmitSessionScorecard::PATH,
                &amend(2, "typo in feedback").await,
                Some(&s.interviewer),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        // The shadow submits; the interviewer reads it, then amends towards it.
        let form = scorecard_form(&app, s.session, position, 4).await;
        let reply = app
            .call(SubmitSessionScorecard::PATH, &form, Some(&s.shadow))
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let reply = app
            .call(
                SubmitSessionScorecard::PATH,
                &amend(4, "on reflection").await,
                Some(&s.interviewer),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        let marked: Vec<(Option<i64>, i64)> = sqlx::query_as(
            "SELECT amends_id, saw_others FROM scorecards WHERE kind = 'interviewer' ORDER BY id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(
            marked,
            vec![(None, 0), (Some(first), 0), (None, 0), (Some(first), 1)]
        );
        let console = json(
            &app,
            SessionConsole::PATH,
            &format!("id={}", s.session),
            Some(&s.interviewer),
        )
        .await;
        assert!(
            console.to_string().contains("\"saw_others\":true"),
            "{console}"
        );
    })
}

#[test]
fn join_tokens_are_not_written_to_the_request_log() {
    let path = format!("/join/{}/events", "f".repeat(64));
    let shown = app::server::http::loggable_path(&path);
    assert!(!shown.contains("ffff"), "{shown}");
}

impl TestApp {
    /// A page as the holder of `cookie` gets it.
    pub async fn get_as(&self, path: &str, cookie: &str) -> crate::support::Reply {
        self.send(
            axum::http::Request::get(path)
                .header("cookie", cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
    }
}
