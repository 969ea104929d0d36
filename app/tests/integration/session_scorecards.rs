//! Mock-session scorecards through the HTTP edge: hidden from each other until both scorers
//! submit, never changed once submitted (amended instead), and, once shared, part of the
//! candidate's history and schedule. Set-up helpers are the sessions tests'.
use crate::sessions::{cast, json, scorecard_form};
use crate::support::{count, enc, spawn_app};
use app::api::scorecards::{ShareScorecard, SubmitSessionScorecard};
use app::api::sessions::{EndSession, SessionConsole};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

#[test]
fn scorecards_are_hidden_until_both_submit_and_never_change() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let console_form = format!("id={}", c.session);

        // Incomplete: every missing field is named, nothing stored.
        let reply = app
            .call(
                SubmitSessionScorecard::PATH,
                &format!("session_id={}&position=0&feedback=", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        for message in [
            "Choose a recommendation.",
            "Choose the level you are recommending for.",
            "Write the feedback the candidate would hear.",
        ] {
            assert!(reply.body.contains(message), "{message}");
        }
        assert_eq!(count(&app.pool, "scorecards").await, 0);

        let form = scorecard_form(&app, c.session, 0, 3).await;
        let reply = app
            .call(SubmitSessionScorecard::PATH, &form, Some(&c.interviewer))
            .await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);

        // The shadow has not submitted: they see no scorecard, only that one exists.
        let shadow = json(&app, SessionConsole::PATH, &console_form, Some(&c.shadow)).await;
        assert!(shadow["scorecards"].as_array().unwrap().is_empty());
        assert_eq!(shadow["scorecard_count"], 1);
        // Neither does the interviewer see the shadow's until they have theirs... and they do.
        let shadow_form = scorecard_form(&app, c.session, 0, 2).await;
        let reply = app
            .call(SubmitSessionScorecard::PATH, &shadow_form, Some(&c.shadow))
            .await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let shadow = json(&app, SessionConsole::PATH, &console_form, Some(&c.shadow)).await;
        assert_eq!(shadow["scorecards"].as_array().unwrap().len(), 2);

        // A second scorecard is refused; an amendment needs a reason and keeps the original.
        let again = app
            .call(SubmitSessionScorecard::PATH, &form, Some(&c.interviewer))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let original: i64 = sqlx::query_scalar(
            "SELECT c.id FROM scorecards c JOIN users u ON u.id = c.scorer_id
              WHERE u.email = 'ivy@example.com'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let amend = format!("{form}&amends={original}&reason=");
        let reply = app
            .call(SubmitSessionScorecard::PATH, &amend, Some(&c.interviewer))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("Say why you are amending"));
        let amend = format!(
            "{}&amends={original}&reason={}",
            scorecard_form(&app, c.session, 0, 4).await,
            enc("Missed the strong prevention answer")
        );
        let reply = app
            .call(SubmitSessionScorecard::PATH, &amend, Some(&c.interviewer))
            .await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        // The shadow cannot amend the interviewer's scorecard.
        let hijack = format!(
            "{}&amends={original}&reason=mine",
            scorecard_form(&app, c.session, 0, 1).await
        );
        let reply = app
            .call(SubmitSessionScorecard::PATH, &hijack, Some(&c.shadow))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        let console = json(
            &app,
            SessionConsole::PATH,
            &console_form,
            Some(&c.interviewer),
        )
        .await;
        let cards = console["scorecards"].as_array().unwrap();
        assert_eq!(cards.len(), 3, "original, amendment, shadow's");
        let mine: Vec<_> = cards.iter().filter(|c| c["mine"] == true).collect();
        assert_eq!(
            mine[0]["card"]["scores"][0]["score"], 3,
            "the original is unchanged"
        );
        assert_eq!(mine[1]["amends"], original);

        // The database itself refuses to change a submitted scorecard.
        let tamper =
            sqlx::query("UPDATE scorecards SET recommendation = 'strong-no' WHERE id = $1")
                .bind(original)
                .execute(&app.pool)
                .await;
        assert!(tamper.is_err());
        let tamper = sqlx::query("UPDATE scorecard_scores SET score = 1 WHERE scorecard_id = $1")
            .bind(original)
            .execute(&app.pool)
            .await;
        assert!(tamper.is_err());
    })
}

#[test]
fn a_shared_scorecard_joins_the_candidates_history_and_schedule() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = cast(&app).await;
        let form = scorecard_form(&app, c.session, 0, 2).await;
        app.call(SubmitSessionScorecard::PATH, &form, Some(&c.interviewer))
            .await;
        // The shadow's own scorecard is not the interviewer's to share.
        let shadow_form = scorecard_form(&app, c.session, 0, 4).await;
        app.call(SubmitSessionScorecard::PATH, &shadow_form, Some(&c.shadow))
            .await;
        app.call(
            EndSession::PATH,
            &format!("session_id={}", c.session),
            Some(&c.interviewer),
        )
        .await;

        // Before sharing, the candidate sees the attempt but not the interviewer's scores.
        let history = |cookie: String| {
            let app = &app;
            async move {
                json(
                    app,
                    app::api::practice::PracticeHistory::PATH,
                    "topic=&scenario=",
                    Some(&cookie),
                )
                .await
            }
        };
        let before = history(c.candidate.clone()).await;
        assert!(before["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["interviewer_mean"].is_null()));
        assert_eq!(count(&app.pool, "review_states").await, 0);

        let shared = app
            .call(
                ShareScorecard::PATH,
                &format!("session_id={}&position=0", c.session),
                Some(&c.interviewer),
            )
            .await;
        assert!(crate::support::succeeded(&shared), "{}", shared.body);
        let after = history(c.candidate.clone()).await;
        let with_score: Vec<_> = after["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| !a["interviewer_mean"].is_null())
            .collect();
        assert_eq!(with_score.len(), 1);
        assert_eq!(with_score[0]["interviewer_mean"], 2.0);
        assert_eq!(
            count(&app.pool, "review_states").await,
            1,
            "scheduled as a review"
        );
        // ... and the history charts draw it beside the self-scores.
        assert_eq!(
            after["series"][0]["interviewer_points"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(before["series"][0]["interviewer_points"]
            .as_array()
            .unwrap()
            .is_empty());

        // The candidate may now self-score the mock attempt and see both side by side.
        let attempt = with_score[0]["id"].as_i64().unwrap();
        let request = axum::http::Request::get(format!("/practice/{attempt}"))
            .header("cookie", &c.candidate)
            .body(axum::body::Body::empty())
            .unwrap();
        let page = app.send(request).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Score yourself"));
        assert!(page.body.contains("You answered this out loud"));
        // Sharing needs the interviewer: the shadow cannot.
        let reply = app
            .call(
                ShareScorecard::PATH,
                &format!("session_id={}&position=0", c.session),
                Some(&c.shadow),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        // The candidate may delete their account: the session about them goes with it.
        let cat: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'cat@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        app::server::db::users::delete(&app.pool, cat)
            .await
            .unwrap();
        assert_eq!(count(&app.pool, "mock_sessions").await, 0);
        assert_eq!(count(&app.pool, "attempts").await, 0);
    })
}
