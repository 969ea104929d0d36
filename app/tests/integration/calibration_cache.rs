//! The team dashboard kept between views (`server::team_cache`): every change it shows is on
//! the next view, and the database's change counter moves for exactly the writes it reads.
use crate::calibration::{exercise, json, rate, team};
use crate::support::{create_user, spawn_app};
use app::api::calibration::{CalibrationDashboard, RevealExercise};
use app::domain::account::Role;
use leptos::server_fn::ServerFn;

/// The dashboard is kept between views (`server::team_cache`) and must never show what was
/// true before a change: each change it shows, made through the app or straight in the
/// database (as another instance on the same database would), is on the next view.
#[test]
fn the_dashboard_kept_between_views_shows_every_change_on_the_next_view() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = team(&app).await;
        let reveal = |id: i64| {
            let (app, lead) = (&app, t.lead.clone());
            async move {
                let reply = app
                    .call(
                        RevealExercise::PATH,
                        &format!("exercise_id={id}"),
                        Some(&lead),
                    )
                    .await;
                assert!(crate::support::succeeded(&reply), "{}", reply.body);
            }
        };
        for n in 0..3 {
            let id = exercise(&app, &t, &format!("Exercise {n}"), &[]).await;
            rate(&app, &t.lead, id, 2).await;
            rate(&app, &t.ann, id, 2).await;
            rate(&app, &t.ben, id, 3).await;
            reveal(id).await;
        }
        let form = format!("team_id={}", t.id);
        let view = || json(&app, CalibrationDashboard::PATH, &form, &t.lead);
        let first = view().await;
        assert_eq!(first["exercises"], 3);
        assert_eq!(view().await, first, "nothing changed, the same dashboard");
        let sql = |q: &'static str| {
            let pool = app.pool.clone();
            async move {
                sqlx::query(q).execute(&pool).await.unwrap();
            }
        };
        let member = |d: &serde_json::Value, name: &str| {
            d["members"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["name"] == name)
                .cloned()
        };

        // A reveal, through the app.
        let id = exercise(&app, &t, "Exercise 3", &[]).await;
        rate(&app, &t.ann, id, 4).await;
        rate(&app, &t.ben, id, 1).await;
        reveal(id).await;
        let d = view().await;
        assert_eq!(d["exercises"], 4);
        assert_eq!(d["over_time"].as_array().unwrap().len(), 4);

        // A rater's new name, written by another instance.
        sql("UPDATE users SET display_name = 'Ann Lee' WHERE display_name = 'ann'").await;
        let d = view().await;
        let raters: Vec<&str> = d["trends"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rater"].as_str().unwrap())
            .collect();
        assert!(
            raters.contains(&"Ann Lee") && !raters.contains(&"ann"),
            "{raters:?}"
        );
        assert!(member(&d, "Ann Lee").is_some());

        // A qualification.
        sql("UPDATE team_members SET qualified_at = 77 WHERE user_id =
               (SELECT id FROM users WHERE display_name = 'Ann Lee')")
        .await;
        assert_eq!(
            member(&view().await, "Ann Lee").unwrap()["qualified_at"],
            77
        );

        // A member leaves the team (their ratings stay in the statistics), then deletes their
        // account (their ratings stay, unnamed, and they have no trend of their own).
        let raters = |d: &serde_json::Value| -> Vec<String> {
            d["trends"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["rater"].as_str().unwrap().to_string())
                .collect()
        };
        sql("DELETE FROM team_members WHERE user_id =
               (SELECT id FROM users WHERE display_name = 'ben')")
        .await;
        let d = view().await;
        assert!(member(&d, "ben").is_none(), "ben left the team");
        assert!(raters(&d).contains(&"ben".to_string()));
        sql("DELETE FROM users WHERE display_name = 'ben'").await;
        let d = view().await;
        assert!(!raters(&d).contains(&"ben".to_string()), "{:?}", raters(&d));
        assert_eq!(d["exercises"], 4);
        // The team's own name is read on every view.
        sql("UPDATE teams SET name = 'Platform team' WHERE name = 'Platform'").await;
        assert_eq!(view().await["team"], "Platform team");
    })
}

/// What raises the dashboards' change counter: every write the dashboard reads, also mock
/// sessions and their interviewers' scorecards; and what does not: a candidate's own practice,
/// the busiest writes there are, which would otherwise throw every dashboard away.
#[test]
fn mock_sessions_move_the_dashboards_change_counter_and_practice_does_not() {
    crate::support::run(async {
        use app::server::db::team_stats::epoch;
        let app = spawn_app().await;
        let pool = &app.pool;
        let cat = create_user(pool, "cat@example.com", Role::Candidate).await;
        let ivy = create_user(pool, "ivy@example.com", Role::Interviewer).await;
        let version: i64 = sqlx::query_scalar("SELECT min(id) FROM scenario_versions")
            .fetch_one(pool)
            .await
            .unwrap();
        let rubric: i64 = sqlx::query_scalar("SELECT max(id) FROM rubric_versions")
            .fetch_one(pool)
            .await
            .unwrap();
        let attempt = |mode: &'static str| async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO attempts (candidate_id, scenario_version_id, mode, answer_md,
                                       started_at, draft_saved_at)
                 VALUES ($1, $2, $3, 'an answer', 1, 1) RETURNING id",
            )
            .bind(cat)
            .bind(version)
            .bind(mode)
            .fetch_one(pool)
            .await
            .unwrap()
        };
        let submit = |attempt: i64| async move {
            sqlx::query("UPDATE attempts SET submitted_at = 2, duration_ms = 1 WHERE id = $1")
                .bind(attempt)
                .execute(pool)
                .await
                .unwrap();
        };
        let card = |attempt: i64, scorer: i64, kind: &'static str| async move {
            sqlx::query(
                "INSERT INTO scorecards (attempt_id, scorer_id, kind, rubric_version_id, notes_md,
                                         submitted_at)
                 VALUES ($1, $2, $3, $4, '', 3)",
            )
            .bind(attempt)
            .bind(scorer)
            .bind(kind)
            .bind(rubric)
            .execute(pool)
            .await
            .unwrap();
        };

        // Practice: an attempt, submitted, self-scored.
        let before = epoch(pool).await.unwrap();
        let practice = attempt("practice").await;
        submit(practice).await;
        card(practice, cat, "self").await;
        assert_eq!(
            epoch(pool).await.unwrap(),
            before,
            "practice leaves dashboards be"
        );

        // A mock session: each step is on some team's dashboard.
        let mut last = epoch(pool).await.unwrap();
        let mut moved = |step: &str, now: i64| {
            assert!(now > last, "{step} moves the counter ({last} -> {now})");
            last = now;
        };
        let session: i64 = sqlx::query_scalar(
            "INSERT INTO mock_sessions (interviewer_id, candidate_id, token, planned_minutes,
                                        status, created_at)
             VALUES ($1, $2, 'tok', 45, 'live', 1) RETURNING id",
        )
        .bind(ivy)
        .bind(cat)
        .fetch_one(pool)
        .await
        .unwrap();
        moved("a session", epoch(pool).await.unwrap());
        let mock = attempt("mock").await;
        sqlx::query(
            "INSERT INTO mock_session_items (session_id, position, attempt_id) VALUES ($1, 0, $2)",
        )
        .bind(session)
        .bind(mock)
        .execute(pool)
        .await
        .unwrap();
        moved("its item", epoch(pool).await.unwrap());
        submit(mock).await;
        moved("the answer submitted", epoch(pool).await.unwrap());
        card(mock, ivy, "interviewer").await;
        moved("the interviewer's scorecard", epoch(pool).await.unwrap());
        sqlx::query("INSERT INTO mock_shadows (session_id, user_id, added_at) VALUES ($1, $2, 4)")
            .bind(session)
            .bind(cat)
            .execute(pool)
            .await
            .unwrap();
        moved("a shadow", epoch(pool).await.unwrap());
        sqlx::query("DELETE FROM mock_sessions WHERE id = $1")
            .bind(session)
            .execute(pool)
            .await
            .unwrap();
        moved("the session deleted", epoch(pool).await.unwrap());
    })
}
