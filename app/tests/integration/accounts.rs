//! Accounts and sessions through the router: sign-in, sign-out, renewal, limits, and who may
//! call which server function.
use crate::support::{
    create_user, enc, session_cookie, sign_in_form, spawn_app, spawn_app_with, succeeded, PASSWORD,
};
use app::api::{
    account::*, admin::*, authoring::*, calibration::*, library::*, packs::*, practice::*,
    scorecards::*, sessions::*,
};
use app::domain::account::Role;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;

#[test]
fn registering_signs_the_new_candidate_in_with_a_safe_cookie() {
    crate::support::run(async {
        let app = spawn_app().await;
        let form = format!(
            "email={}&display_name=Ada&password={}",
            enc("ada@example.com"),
            enc(PASSWORD)
        );
        let reply = app.call(Register::PATH, &form, None).await;
        assert!(succeeded(&reply), "{}", reply.body);
        let set_cookie = reply.header("set-cookie");
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
        assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        assert!(
            !set_cookie.contains("Secure"),
            "not Secure over http: {set_cookie}"
        );
        let cookie = session_cookie(&reply).unwrap();
        assert_eq!(
            app.who(Some(&cookie)).await.as_deref(),
            Some("ada@example.com")
        );
        let role: String =
            sqlx::query_scalar("SELECT role FROM users WHERE email = 'ada@example.com'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(role, "candidate");
    })
}

#[test]
fn over_https_the_session_cookie_is_secure() {
    crate::support::run(async {
        let app = spawn_app_with(&[("COACH_PUBLIC_URL", "https://coach.example")]).await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let form = sign_in_form("ada@example.com", PASSWORD);
        let reply = app.call(SignIn::PATH, &form, None).await;
        assert!(reply.header("set-cookie").contains("Secure"));
    })
}

#[test]
fn registration_can_be_switched_off() {
    crate::support::run(async {
        let app = spawn_app_with(&[("COACH_SELF_REGISTRATION", "false")]).await;
        let form = format!(
            "email={}&display_name=Ada&password={}",
            enc("ada@example.com"),
            enc(PASSWORD)
        );
        let reply = app.call(Register::PATH, &form, None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    })
}

#[test]
fn bad_registrations_name_each_field_and_keep_what_was_typed() {
    crate::support::run(async {
        let app = spawn_app().await;
        let form = "email=not-an-email&display_name=Ada+Lovelace&password=short";
        let reply = app.call(Register::PATH, form, None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("Enter an email address"));
        assert!(reply.body.contains("at least 8 characters"));
        assert!(reply.body.contains("Ada Lovelace"), "the name is kept");
        assert!(
            !reply.body.contains("short"),
            "the password is never echoed"
        );
        assert_eq!(crate::support::count(&app.pool, "users").await, 0);

        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let form = format!(
            "email={}&display_name=Ada&password={}",
            enc("ADA@example.com"),
            enc(PASSWORD)
        );
        let reply = app.call(Register::PATH, &form, None).await;
        assert!(
            reply.body.contains("already exists"),
            "emails are case-insensitive"
        );
    })
}

#[test]
fn unknown_email_and_wrong_password_get_the_same_answer() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let wrong = app
            .call(
                SignIn::PATH,
                "email=ada%40example.com&password=wrong+password",
                None,
            )
            .await;
        let unknown = app
            .call(
                SignIn::PATH,
                "email=bob%40example.com&password=wrong+password",
                None,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.status, wrong.status);
        assert!(wrong.body.contains(BAD_CREDENTIALS));
        assert_eq!(
            wrong.body.replace("ada%40", "").replace("ada@", ""),
            unknown.body.replace("bob%40", "").replace("bob@", ""),
        );
        assert!(session_cookie(&wrong).is_none());
    })
}

#[test]
fn signing_in_again_issues_a_new_session_id_and_the_old_one_dies() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let first = app.sign_in("ada@example.com", PASSWORD).await;
        let form = sign_in_form("ada@example.com", PASSWORD);
        let reply = app.call(SignIn::PATH, &form, Some(&first)).await;
        let second = session_cookie(&reply).unwrap();
        assert_ne!(first, second);
        assert_eq!(app.who(Some(&first)).await, None);
        assert_eq!(
            app.who(Some(&second)).await.as_deref(),
            Some("ada@example.com")
        );
    })
}

#[test]
fn signing_out_ends_the_session_on_the_server() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        let reply = app.call(SignOut::PATH, "", Some(&cookie)).await;
        assert!(succeeded(&reply));
        // Replaying the old cookie (as a thief would) finds nothing.
        assert_eq!(app.who(Some(&cookie)).await, None);
        assert_eq!(crate::support::count(&app.pool, "tower_sessions").await, 0);
    })
}

#[test]
fn changing_the_password_ends_every_other_session() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let laptop = app.sign_in("ada@example.com", PASSWORD).await;
        let phone = app.sign_in("ada@example.com", PASSWORD).await;

        let wrong = app
            .call(
                ChangePassword::PATH,
                "current_password=nope&new_password=another+long+one",
                Some(&laptop),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("not your current password"));

        let form = format!(
            "current_password={}&new_password=another+long+one",
            enc(PASSWORD)
        );
        let reply = app.call(ChangePassword::PATH, &form, Some(&laptop)).await;
        assert!(succeeded(&reply), "{}", reply.body);
        let laptop = session_cookie(&reply).unwrap_or(laptop);
        assert_eq!(
            app.who(Some(&laptop)).await.as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(app.who(Some(&phone)).await, None, "the other session ended");
        app.sign_in("ada@example.com", "another long one").await;
    })
}

#[test]
fn repeated_failures_on_one_account_are_refused_with_429() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        for _ in 0..5 {
            let reply = app
                .call(
                    SignIn::PATH,
                    "email=ada%40example.com&password=guess+guess",
                    None,
                )
                .await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let reply = app
            .call(
                SignIn::PATH,
                "email=ada%40example.com&password=guess+guess",
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(reply.body.contains("Too many password attempts"));
        // Even the right password waits: the limit is checked before the password.
        let form = sign_in_form("ada@example.com", PASSWORD);
        assert_eq!(
            app.call(SignIn::PATH, &form, None).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    })
}

#[test]
fn a_deactivated_user_is_signed_out_and_cannot_sign_in() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "root@example.com", Role::Admin).await;
        let ada = create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let admin = app.sign_in("root@example.com", PASSWORD).await;
        let ada_cookie = app.sign_in("ada@example.com", PASSWORD).await;
        let reply = app
            .call(
                UpdateUser::PATH,
                &format!("user_id={ada}&role=candidate"),
                Some(&admin),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        assert_eq!(app.who(Some(&ada_cookie)).await, None);
        let form = sign_in_form("ada@example.com", PASSWORD);
        assert_eq!(
            app.call(SignIn::PATH, &form, None).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    })
}

#[test]
fn the_last_admin_cannot_be_demoted_or_deleted() {
    crate::support::run(async {
        let app = spawn_app().await;
        let root = create_user(&app.pool, "root@example.com", Role::Admin).await;
        let admin = app.sign_in("root@example.com", PASSWORD).await;
        let reply = app
            .call(
                UpdateUser::PATH,
                &format!("user_id={root}&role=candidate&active=yes"),
                Some(&admin),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        let form = format!("password={}&confirm=yes", enc(PASSWORD));
        let reply = app.call(DeleteAccount::PATH, &form, Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert!(reply.body.contains("only admin"));
    })
}

#[test]
fn deleting_an_account_needs_password_and_confirmation_then_removes_it() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        let unconfirmed = format!("password={}", enc(PASSWORD));
        let reply = app
            .call(DeleteAccount::PATH, &unconfirmed, Some(&cookie))
            .await;
        assert!(reply.body.contains("Tick the box"));
        assert_eq!(crate::support::count(&app.pool, "users").await, 1);
        let reply = app
            .call(
                DeleteAccount::PATH,
                &format!("{unconfirmed}&confirm=yes"),
                Some(&cookie),
            )
            .await;
        assert!(succeeded(&reply), "{}", reply.body);
        assert_eq!(crate::support::count(&app.pool, "users").await, 0);
        assert_eq!(app.who(Some(&cookie)).await, None);
    })
}

#[test]
fn my_data_downloads_as_json_for_me_only() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let anonymous = app.get("/account/export.json").await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        let request = Request::get("/account/export.json")
            .header("cookie", &cookie)
            .body(Body::empty())
            .unwrap();
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply
            .header("content-disposition")
            .starts_with("attachment"));
        let data: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(data["account"]["email"], "ada@example.com");
        assert!(
            !reply.body.contains("argon2"),
            "no password hash in the export"
        );
    })
}

#[test]
fn a_failed_form_post_without_javascript_comes_back_with_the_error_and_the_email() {
    crate::support::run(async {
        let app = spawn_app().await;
        let request = Request::post(SignIn::PATH)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("referer", "http://127.0.0.1:3000/sign-in")
            .body(Body::from(
                "email=ada%40example.com&password=wrong+password",
            ))
            .unwrap();
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FOUND);
        let location = reply.header("location").to_string();
        assert!(
            location.starts_with("http://127.0.0.1:3000/sign-in?"),
            "{location}"
        );
        let back = app
            .get(location.trim_start_matches("http://127.0.0.1:3000"))
            .await;
        assert!(back.body.contains(BAD_CREDENTIALS));
        assert!(
            back.body.contains("value=\"ada@example.com\""),
            "the email is kept"
        );
    })
}

/// Who may call each server function. Every registered server function must be listed: a new
/// one that is not makes this test fail until its access rule is decided here.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Allowed {
    Everyone,
    SignedIn,
    /// interviewers, team leads and admins
    Interviewers,
    Admin,
    /// a lead of that team only: refused for every caller of this table (on no team)
    TeamLeads,
}

#[test]
fn every_server_function_admits_exactly_the_roles_it_should() {
    crate::support::run(async {
        use Allowed::*;
        let table: Vec<(&str, Allowed, &str)> = vec![
            (ListScenarios::PATH, Everyone, "q=&topic=&level="),
            (GetScenario::PATH, Everyone, "slug=gpu-pods-pending"),
            (LibraryOverview::PATH, Everyone, ""),
            (ListFrameworks::PATH, Everyone, ""),
            (GetFramework::PATH, Everyone, "slug=how-to-answer"),
            (GetRubric::PATH, Everyone, ""),
            (WhoAmI::PATH, Everyone, ""),
            (
                SignIn::PATH,
                Everyone,
                "email=nobody%40example.com&password=wrong+password",
            ),
            (
                Register::PATH,
                Everyone,
                "email=bad&display_name=&password=x",
            ),
            (
                ChangePassword::PATH,
                SignedIn,
                "current_password=wrong&new_password=whatever+new",
            ),
            (DeleteAccount::PATH, SignedIn, "password=wrong"),
            (ListUsers::PATH, Admin, ""),
            (
                UpdateUser::PATH,
                Admin,
                "user_id=999999&role=candidate&active=yes",
            ),
            (ListTeams::PATH, Admin, ""),
            (CreateTeam::PATH, Admin, "name="),
            (
                AddTeamMember::PATH,
                Admin,
                "team_id=999999&email=x%40example.com",
            ),
            (
                RemoveTeamMember::PATH,
                Admin,
                "team_id=999999&user_id=999999",
            ),
            (StartAttempt::PATH, SignedIn, "slug=nope&version=1"),
            (GetAttempt::PATH, SignedIn, "id=999999"),
            (SaveDraft::PATH, SignedIn, "attempt_id=999999&answer=x"),
            (SaveAnswer::PATH, SignedIn, "attempt_id=999999&answer=x"),
            (SubmitSelfScore::PATH, SignedIn, "attempt_id=999999"),
            (PracticeDashboard::PATH, SignedIn, ""),
            (PracticeHistory::PATH, SignedIn, "topic=&scenario="),
            (CompareAttempts::PATH, SignedIn, "a=999999&b=999998"),
            (ListSessions::PATH, Interviewers, ""),
            (CreateSession::PATH, Interviewers, "guest_name="),
            (SessionConsole::PATH, Interviewers, "id=999999"),
            (
                MarkKeyPoint::PATH,
                Interviewers,
                "session_id=999999&key=x&mark=covered",
            ),
            (
                RevealFollowUp::PATH,
                Interviewers,
                "session_id=999999&follow_up=0",
            ),
            (
                AutosaveSessionNotes::PATH,
                Interviewers,
                "session_id=999999&notes=x",
            ),
            (
                SaveSessionNotes::PATH,
                Interviewers,
                "session_id=999999&notes=x",
            ),
            (
                GoToScenario::PATH,
                Interviewers,
                "session_id=999999&position=1",
            ),
            (EndSession::PATH, Interviewers, "session_id=999999"),
            (
                SubmitSessionScorecard::PATH,
                Interviewers,
                "session_id=999999&position=0",
            ),
            (
                ShareScorecard::PATH,
                Interviewers,
                "session_id=999999&position=0",
            ),
            (JoinScreen::PATH, Everyone, "token=nope"),
            (CalibrationOverview::PATH, Interviewers, ""),
            (AuthoringOverview::PATH, Admin, ""),
            (AuthorEditor::PATH, Admin, "slug=nope"),
            (PreviewMarkdown::PATH, Admin, "markdown=x"),
            (SaveScenario::PATH, Admin, "team_id=999999"),
            (SetScenarioArchived::PATH, Admin, "slug=nope&archived=yes"),
            (ScenarioHistory::PATH, Everyone, "slug=nope"),
            (ContentPacks::PATH, Admin, ""),
            (PackImport::PATH, Admin, "id=999999"),
            (
                CreateExercise::PATH,
                TeamLeads,
                "team_id=999999&title=x&reference=y",
            ),
            (GetExercise::PATH, Interviewers, "id=999999"),
            (SubmitRating::PATH, Interviewers, "exercise_id=999999"),
            (RevealExercise::PATH, Interviewers, "exercise_id=999999"),
            (CalibrationDashboard::PATH, TeamLeads, "team_id=999999"),
            (
                SetQualified::PATH,
                TeamLeads,
                "team_id=999999&user_id=1&qualified=yes",
            ),
            (
                CalibrationConsent::PATH,
                SignedIn,
                "attempt_id=999999&consent=yes",
            ),
            // Last, because it ends the caller's session.
            (SignOut::PATH, Everyone, ""),
        ];
        for (path, _) in leptos::server_fn::axum::server_fn_paths() {
            assert!(
                table.iter().any(|(p, _, _)| *p == path),
                "server function {path} has no access rule in this test"
            );
        }

        let app = spawn_app().await;
        let mut callers: Vec<(String, Option<Role>, Option<String>)> =
            vec![("anonymous".into(), None, None)];
        for role in Role::ALL {
            let email = format!("{}@example.com", role.key());
            create_user(&app.pool, &email, role).await;
            let cookie = app.sign_in(&email, PASSWORD).await;
            callers.push((role.key().into(), Some(role), Some(cookie)));
        }

        for (who, role, cookie) in &callers {
            for (path, allowed, form) in &table {
                let reply = app.call(path, form, cookie.as_deref()).await;
                let should = match allowed {
                    Everyone => true,
                    SignedIn => role.is_some(),
                    Interviewers => {
                        matches!(role, Some(Role::Interviewer | Role::TeamLead | Role::Admin))
                    }
                    Admin => *role == Some(Role::Admin),
                    TeamLeads => false,
                };
                let refused = matches!(
                    reply.status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                );
                assert_eq!(
                    !refused, should,
                    "{who} calling {path}: {} {}",
                    reply.status, reply.body
                );
                if refused {
                    let expected = if role.is_none() {
                        StatusCode::UNAUTHORIZED
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    assert_eq!(reply.status, expected, "{who} calling {path}");
                }
            }
        }
    })
}

#[test]
fn the_first_admin_is_created_from_the_command_line_and_can_sign_in() {
    crate::support::run(async {
        use app::server::cli::UserAdd;
        let app = spawn_app().await;
        // (Missing flags are clap's to report: see the binary's tests/cli.rs.)
        let err = UserAdd::parse("root", "a@b.co", "A").unwrap_err();
        assert!(err.starts_with("--role: "), "{err}");
        let err = UserAdd::parse("admin", "not-an-address", "A").unwrap_err();
        assert!(err.starts_with("--email: "), "{err}");

        let command = UserAdd::parse("admin", "root@example.com", "Root").unwrap();
        let weak = command.run(&app.pool, "short").await.unwrap_err();
        assert!(weak.contains("at least 8"), "{weak}");
        let done = command.run(&app.pool, PASSWORD).await.unwrap();
        assert!(
            done.starts_with("created Admin Root <root@example.com>"),
            "{done}"
        );
        let again = command.run(&app.pool, PASSWORD).await.unwrap_err();
        assert!(again.contains("already exists"), "{again}");

        let cookie = app.sign_in("root@example.com", PASSWORD).await;
        let reply = app.call(ListUsers::PATH, "", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::OK);
    })
}
