//! Team calibration through the HTTP edge: only the team sees its exercises, scoring is blind
//! until the lead reveals, a submitted score never changes, and the team's statistics, path to
//! qualified and CSV export come out of what was stored.
use crate::support::{count, create_user, enc, spawn_app, TestApp, DIMENSIONS, PASSWORD};
use app::api::calibration::{
    CalibrationConsent, CalibrationDashboard, CalibrationOverview, CreateExercise, GetExercise,
    RevealExercise, SetQualified, SubmitRating,
};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

pub(crate) struct Team {
    pub(crate) id: i64,
    pub(crate) lead: String,
    pub(crate) ann: String,
    pub(crate) ben: String,
    /// an interviewer on another team
    outsider: String,
    /// an admin who is on no team
    admin: String,
    candidate: String,
}

pub(crate) async fn team(app: &TestApp) -> Team {
    use app::server::db::teams;
    let lead = create_user(&app.pool, "lea@example.com", Role::TeamLead).await;
    let ann = create_user(&app.pool, "ann@example.com", Role::Interviewer).await;
    let ben = create_user(&app.pool, "ben@example.com", Role::Interviewer).await;
    let out = create_user(&app.pool, "out@example.com", Role::Interviewer).await;
    create_user(&app.pool, "adm@example.com", Role::Admin).await;
    create_user(&app.pool, "cat@example.com", Role::Candidate).await;
    let id = teams::create(&app.pool, "Platform", 1).await.unwrap();
    let other = teams::create(&app.pool, "Other", 1).await.unwrap();
    teams::put_member(&app.pool, id, lead, true, 1)
        .await
        .unwrap();
    teams::put_member(&app.pool, id, ann, false, 1)
        .await
        .unwrap();
    teams::put_member(&app.pool, id, ben, false, 1)
        .await
        .unwrap();
    teams::put_member(&app.pool, other, out, true, 1)
        .await
        .unwrap();
    Team {
        id,
        lead: app.sign_in("lea@example.com", PASSWORD).await,
        ann: app.sign_in("ann@example.com", PASSWORD).await,
        ben: app.sign_in("ben@example.com", PASSWORD).await,
        outsider: app.sign_in("out@example.com", PASSWORD).await,
        admin: app.sign_in("adm@example.com", PASSWORD).await,
        candidate: app.sign_in("cat@example.com", PASSWORD).await,
    }
}

pub(crate) async fn json(app: &TestApp, path: &str, form: &str, cookie: &str) -> serde_json::Value {
    let reply = app.call(path, form, Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// The lead creates an exercise on the team; returns its id.
pub(crate) async fn exercise(app: &TestApp, t: &Team, title: &str, expert: &[(&str, u8)]) -> i64 {
    let mut form = format!(
        "team_id={}&scenario=gpu-pods-pending&title={}&reference={}",
        t.id,
        enc(title),
        enc("I would first check the scheduler events for the pending pods.")
    );
    for (d, s) in expert {
        form.push_str(&format!("&expert%5B{d}%5D={s}"));
    }
    let reply = app.call(CreateExercise::PATH, &form, Some(&t.lead)).await;
    assert!(
        crate::support::succeeded(&reply),
        "{} {}",
        reply.status,
        reply.body
    );
    sqlx::query_scalar("SELECT max(id) FROM calibration_exercises")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn scores(exercise: i64, each: u8) -> String {
    let mut form = format!("exercise_id={exercise}&notes={}", enc("Solid triage"));
    for d in DIMENSIONS {
        form.push_str(&format!("&scores%5B{d}%5D={each}"));
    }
    form
}

pub(crate) async fn rate(app: &TestApp, cookie: &str, exercise: i64, each: u8) {
    let reply = app
        .call(SubmitRating::PATH, &scores(exercise, each), Some(cookie))
        .await;
    assert!(
        crate::support::succeeded(&reply),
        "{} {}",
        reply.status,
        reply.body
    );
}

#[test]
fn scoring_is_blind_until_the_lead_reveals() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = team(&app).await;
        let id = exercise(&app, &t, "Pending GPU pods", &[("root-cause", 3)]).await;
        rate(&app, &t.ann, id, 4).await;

        // Ben has not scored: he is sent no one's scores, not even the expert key's.
        let seen = json(&app, GetExercise::PATH, &format!("id={id}"), &t.ben).await;
        assert_eq!(seen["stage"], "ToScore");
        assert!(seen["results"].is_null());
        assert!(seen["own"].is_null());
        assert_eq!(seen["notes"], serde_json::json!([]));
        assert!(!seen.to_string().contains("Solid triage"));
        assert_eq!(seen["has_expert"], true);
        let progress = seen["progress"].to_string();
        assert!(progress.contains("[\"ann\",true]"), "{progress}");
        assert!(progress.contains("[\"ben\",false]"), "{progress}");
        // Nor is the page: no results section, the blind form instead.
        let page = app
            .send(
                axum::http::Request::get(format!("/calibration/{id}"))
                    .header("cookie", &t.ben)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Your scores (blind)"));
        assert!(!page.body.contains("id=\"results\""));

        // Ann, having scored, sees her own scores and still nobody else's.
        let hers = json(&app, GetExercise::PATH, &format!("id={id}"), &t.ann).await;
        assert_eq!(hers["stage"], "Waiting");
        assert!(hers["results"].is_null());
        assert_eq!(hers["own"]["scores"][0][1], 4);

        // Only the lead reveals.
        let form = format!("exercise_id={id}");
        let refused = app.call(RevealExercise::PATH, &form, Some(&t.ann)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        rate(&app, &t.ben, id, 2).await;
        rate(&app, &t.lead, id, 3).await;
        let reply = app.call(RevealExercise::PATH, &form, Some(&t.lead)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);

        let out = json(&app, GetExercise::PATH, &format!("id={id}"), &t.ben).await;
        assert_eq!(out["stage"], "Revealed");
        assert_eq!(out["notes"][0], serde_json::json!(["ann", "Solid triage"]));
        let dims = out["results"]["dimensions"].as_array().unwrap();
        assert_eq!(dims.len(), 8);
        let root = dims.iter().find(|d| d["key"] == "root-cause").unwrap();
        assert_eq!(root["median"], 3.0);
        assert_eq!(root["range"], 2);
        assert_eq!(root["expert"], 3);
        let ann = root["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["rater"] == "ann")
            .unwrap();
        assert_eq!(ann["from_median"], 1.0);
        assert_eq!(ann["from_expert"], 1.0);
        // Every rater gave one score to every dimension and the three never agreed: the
        // agreement over this answer's dimensions is below chance.
        let alpha = out["results"]["agreement"]["alpha"].as_f64().unwrap();
        assert!(alpha < 0.0, "{alpha}");
        let page = app
            .send(
                axum::http::Request::get(format!("/calibration/{id}"))
                    .header("cookie", &t.ben)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(page.body.contains("id=\"results\""));
        assert!(page.body.contains("unreliable"));
        assert!(!page.body.contains("NaN"));

        // Scoring is closed now.
        let late = app
            .call(SubmitRating::PATH, &scores(id, 1), Some(&t.ben))
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
    })
}

#[test]
fn a_submitted_score_cannot_be_changed() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = team(&app).await;
        let id = exercise(&app, &t, "One", &[]).await;
        rate(&app, &t.ann, id, 2).await;
        let again = app
            .call(SubmitRating::PATH, &scores(id, 4), Some(&t.ann))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("cannot be changed"), "{}", again.body);
        assert_eq!(count(&app.pool, "calibration_ratings").await, 1);
        let stored: Vec<i64> =
            sqlx::query_scalar("SELECT DISTINCT score FROM calibration_rating_scores")
                .fetch_all(&app.pool)
                .await
                .unwrap();
        assert_eq!(stored, vec![2]);
        // It is in the rater's own data export.
        let mine = app
            .send(
                axum::http::Request::get("/account/export.json")
                    .header("cookie", &t.ann)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        let data: serde_json::Value = serde_json::from_str(&mine.body).unwrap();
        assert_eq!(data["calibration_ratings"][0]["exercise"], "One");
        assert_eq!(data["calibration_ratings"][0]["scores"]["root-cause"], 2);
        // Not even the database lets it change.
        let update = sqlx::query("UPDATE calibration_rating_scores SET score = 4")
            .execute(&app.pool)
            .await;
        assert!(update.is_err());
    })
}

#[test]
fn missing_scores_are_named_and_nothing_is_stored() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = team(&app).await;
        let id = exercise(&app, &t, "One", &[]).await;
        let form = format!("exercise_id={id}&scores%5Broot-cause%5D=9&notes=keep+me");
        let reply = app.call(SubmitRating::PATH, &form, Some(&t.ann)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            reply.body.contains("scores[framing-triage]"),
            "{}",
            reply.body
        );
        assert!(
            reply.body.contains("a whole number from 1 to 4"),
            "{}",
            reply.body
        );
        assert!(
            reply.body.contains("keep me"),
            "notes are kept: {}",
            reply.body
        );
        assert_eq!(count(&app.pool, "calibration_ratings").await, 0);

        // The lead's form: a reference answer is needed, an expert score is 1 to 4.
        let form = format!(
            "team_id={}&scenario=gpu-pods-pending&title=T&reference=&expert%5Broot-cause%5D=7",
            t.id
        );
        let reply = app.call(CreateExercise::PATH, &form, Some(&t.lead)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("\"reference\""), "{}", reply.body);
        assert!(reply.body.contains("expert[root-cause]"), "{}", reply.body);
        assert_eq!(count(&app.pool, "calibration_exercises").await, 1);
    })
}

#[test]
fn only_the_team_sees_its_exercises_and_only_its_leads_run_them() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = team(&app).await;
        let id = exercise(&app, &t, "Team only", &[]).await;
        let form = format!("id={id}");
        for (who, cookie) in [("outsider", &t.outsider), ("admin", &t.admin)] {
            let reply = app.call(GetExercise::PATH, &form, Some(cookie)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}: {}", reply.body);
            let reply = app
                .call(SubmitRating::PATH, &scores(id, 3), Some(cookie))
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}");
            let list = json(&app, CalibrationOverview::PATH, "", cookie).await;
            assert_eq!(list["exercises"].as_array().unwrap().len(), 0, "{who}");
        }
        let reply = app.call(GetExercise::PATH, &form, Some(&t.candidate)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(count(&app.pool, "calibration_ratings").await, 0);

        // A member who does not lead cannot create, see the dashboard, or export.
        let create = format!(
            "team_id={}&scenario=gpu-pods-pending&title=X&reference=Y",
            t.id
        );
        for cookie in [&t.ann, &t.outsider, &t.admin] {
            let reply = app.call(CreateExercise::PATH, &create, Some(cookie)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            let reply = app
                .call(
                    CalibrationDashboard::PATH,
                    &format!("team_id={}", t.id),
                    Some(cookie),
                )
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            let csv = app
                .send(
                    axum::http::Request::get(format!("/calibration/teams/{}/export.csv", t.id))
                        .header("cookie", cookie)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(csv.status, StatusCode::FORBIDDEN);
        }
        assert_eq!(count(&app.pool, "calibration_exercises").await, 1);
        let members = json(&app, CalibrationOverview::PATH, "", &t.ann).await;
        assert_eq!(members["exercises"][0]["title"], "Team only");
        // The lead's form is not sent to a member who does not lead.
        assert_eq!(members["scenarios"].as_array().unwrap().len(), 0);
    })
}

#[test]
fn the_dashboard_flags_drift_and_the_lead_confirms_only_those_within_thresholds() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = team(&app).await;
        // Five exercises: the lead and Ann agree; Ben scores two points higher every time.
        for n in 0..5 {
            let id = exercise(&app, &t, &format!("Exercise {n}"), &[]).await;
            let base = 1 + (n % 2) as u8;
            rate(&app, &t.lead, id, base).await;
            rate(&app, &t.ann, id, base).await;
            rate(&app, &t.ben, id, base + 2).await;
            let reply = app
                .call(
                    RevealExercise::PATH,
                    &format!("exercise_id={id}"),
                    Some(&t.lead),
                )
                .await;
            assert!(crate::support::succeeded(&reply));
        }
        // A sixth, not revealed: not in the statistics or the export.
        let blind = exercise(&app, &t, "Still blind", &[]).await;
        rate(&app, &t.ann, blind, 4).await;

        let d = json(
            &app,
            CalibrationDashboard::PATH,
            &format!("team_id={}", t.id),
            &t.lead,
        )
        .await;
        assert_eq!(d["exercises"], 5);
        assert_eq!(d["over_time"].as_array().unwrap().len(), 5);
        let trends = d["trends"].as_array().unwrap();
        let ben = trends.iter().find(|r| r["rater"] == "ben").unwrap();
        assert_eq!(ben["standing"], "Drifting");
        assert_eq!(ben["points"].as_array().unwrap().len(), 5);
        let ann = trends.iter().find(|r| r["rater"] == "ann").unwrap();
        assert_eq!(ann["standing"], "Within");
        // Scores vary between exercises and Ben is consistently off: agreement is defined
        // and below reliable.
        let alpha = d["report"]["overall"]["alpha"].as_f64().unwrap();
        assert!(alpha < 0.8, "{alpha}");

        let confirm = |user: &str| format!("team_id={}&user_id={}&qualified=yes", t.id, user);
        let ids: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, display_name FROM users WHERE display_name IN ('ann', 'ben')",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let id_of = |name: &str| ids.iter().find(|(_, n)| n == name).unwrap().0.to_string();
        let refused = app
            .call(SetQualified::PATH, &confirm(&id_of("ben")), Some(&t.lead))
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains("not within"), "{}", refused.body);
        let ok = app
            .call(SetQualified::PATH, &confirm(&id_of("ann")), Some(&t.lead))
            .await;
        assert!(crate::support::succeeded(&ok), "{}", ok.body);
        let qualified: Vec<String> = sqlx::query_scalar(
            "SELECT u.display_name FROM team_members m JOIN users u ON u.id = m.user_id
              WHERE m.qualified_at IS NOT NULL",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(qualified, vec!["ann".to_string()]);

        // The export: one row per rater x dimension x revealed exercise.
        let csv = app
            .send(
                axum::http::Request::get(format!("/calibration/teams/{}/export.csv", t.id))
                    .header("cookie", &t.lead)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.header("content-type").starts_with("text/csv"));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(lines[0].starts_with("exercise_id,exercise,scenario,revealed_at,rater_id,rater"));
        assert_eq!(lines.len(), 1 + 5 * 3 * 8);
        assert!(!csv.body.contains("Still blind"));
        let ben_row = lines.iter().find(|l| l.contains(",ben,")).unwrap();
        assert!(
            ben_row.contains(",3,1,2,"),
            "score 3, median 1, +2: {ben_row}"
        );

        // Ben deletes his account: his ratings stay in each exercise's statistics (a former
        // member's), and he is in nobody's trends any more.
        let gone = app
            .call(
                app::api::account::DeleteAccount::PATH,
                &format!("password={}&confirm=yes", enc(PASSWORD)),
                Some(&t.ben),
            )
            .await;
        assert!(crate::support::succeeded(&gone), "{}", gone.body);
        let d = json(
            &app,
            CalibrationDashboard::PATH,
            &format!("team_id={}", t.id),
            &t.lead,
        )
        .await;
        assert_eq!(d["exercises"], 5);
        let trends = d["trends"].as_array().unwrap();
        assert!(trends.iter().all(|r| r["rater"] != "ben"), "{trends:?}");
        for point in d["over_time"].as_array().unwrap() {
            assert_eq!(point[3]["raters"], 3, "{point}");
        }
    })
}

#[test]
fn a_candidate_offers_a_finished_mock_interview_as_a_reference_answer() {
    crate::support::run(async {
        use app::api::scorecards::SubmitSessionScorecard;
        use app::api::sessions::{CreateSession, EndSession};
        let app = spawn_app().await;
        let t = team(&app).await;
        // Ann (on the team) interviews the candidate, Ben shadows; both score.
        let form = "candidate_email=cat%40example.com&scenarios%5B1%5D=gpu-pods-pending\
                    &planned_minutes=30&shadow_email=ben%40example.com";
        let reply = app.call(CreateSession::PATH, form, Some(&t.ann)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let session: i64 = sqlx::query_scalar("SELECT max(id) FROM mock_sessions")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let keys: Vec<String> = sqlx::query_scalar(
            "SELECT k.key FROM scenario_key_points k
               JOIN attempts a ON a.scenario_version_id = k.version_id
               JOIN mock_session_items i ON i.attempt_id = a.id
              WHERE i.session_id = $1 ORDER BY k.position",
        )
        .bind(session)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        for (cookie, score) in [(&t.ann, 3), (&t.ben, 2)] {
            let mut card = format!(
                "session_id={session}&position=0&recommendation=yes&target_level=senior\
                 &feedback=Good&evidence={}",
                enc("Said: check the node pool quota first.")
            );
            for d in DIMENSIONS {
                card.push_str(&format!("&scores%5B{d}%5D={score}"));
            }
            for k in &keys {
                card.push_str(&format!("&marks%5B{k}%5D=covered"));
            }
            let reply = app
                .call(SubmitSessionScorecard::PATH, &card, Some(cookie))
                .await;
            assert!(crate::support::succeeded(&reply), "{}", reply.body);
        }
        let reply = app
            .call(
                EndSession::PATH,
                &format!("session_id={session}"),
                Some(&t.ann),
            )
            .await;
        assert!(crate::support::succeeded(&reply));
        let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
            .fetch_one(&app.pool)
            .await
            .unwrap();

        // Two scorecards on one attempt: the dashboard's mock-interview statistics count it.
        let d = json(
            &app,
            CalibrationDashboard::PATH,
            &format!("team_id={}", t.id),
            &t.lead,
        )
        .await;
        assert_eq!(d["mock_attempts"], 1);
        assert_eq!(d["mock_report"]["overall"]["raters"], 2);

        // Not offered until the candidate agrees; nobody else can agree for them.
        let o = json(&app, CalibrationOverview::PATH, "", &t.lead).await;
        assert_eq!(o["sources"].as_array().unwrap().len(), 0);
        let yes = format!("attempt_id={attempt}&consent=yes");
        let refused = app.call(CalibrationConsent::PATH, &yes, Some(&t.ann)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let ok = app
            .call(CalibrationConsent::PATH, &yes, Some(&t.candidate))
            .await;
        assert!(crate::support::succeeded(&ok), "{}", ok.body);
        let o = json(&app, CalibrationOverview::PATH, "", &t.lead).await;
        assert_eq!(o["sources"][0]["attempt_id"], attempt);

        // The lead makes an exercise of it: the transcript is the interviewers' evidence.
        let form = format!(
            "team_id={}&scenario=&title={}&reference=&source={attempt}",
            t.id,
            enc("From a real interview")
        );
        let reply = app.call(CreateExercise::PATH, &form, Some(&t.lead)).await;
        assert!(
            crate::support::succeeded(&reply),
            "{} {}",
            reply.status,
            reply.body
        );
        let reference: String = sqlx::query_scalar(
            "SELECT reference_md FROM calibration_exercises ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert!(
            reference.contains("check the node pool quota"),
            "{reference}"
        );

        // Withdrawn: no longer offered, and a form naming it is refused.
        let no = format!("attempt_id={attempt}&consent=no");
        let ok = app
            .call(CalibrationConsent::PATH, &no, Some(&t.candidate))
            .await;
        assert!(crate::support::succeeded(&ok));
        let reply = app.call(CreateExercise::PATH, &form, Some(&t.lead)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("\"source\""), "{}", reply.body);
    })
}
