//! `coach serve --demo`: a newcomer's first look is a team ten weeks into using the app, made
//! by the app's own server functions (so every invariant a person's use keeps holds).
use crate::support::{count, spawn_app};
use app::domain::calibration::Standing;
use app::server::{demo, now_millis};

#[test]
fn the_demo_is_a_team_ten_weeks_into_using_the_app() {
    crate::support::run(async {
        let app = spawn_app().await;
        let now = now_millis();
        assert!(demo::seed_if_empty(&app.pool, now).await.unwrap());
        let made = demo::live_in(&app.state, now).await.unwrap();
        assert!(made.practice_attempts >= 25, "{made:?}");
        assert!(made.sessions >= 8, "{made:?}");
        assert_eq!(made.exercises, 7, "six revealed and one open: {made:?}");
        let pool = &app.pool;
        let cam: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'candidate1@demo.example'")
                .fetch_one(pool)
                .await
                .unwrap();

        // Cam: at least 25 self-scored practice attempts over ten weeks, in every topic.
        let history = app::server::practice::history(pool, cam, Default::default())
            .await
            .unwrap();
        let practice: Vec<_> = history
            .attempts
            .iter()
            .filter(|a| a.self_mean.is_some() && a.interviewer_mean.is_none())
            .collect();
        assert!(practice.len() >= 25, "{} practice attempts", practice.len());
        let first = practice.iter().map(|a| a.started_at).min().unwrap();
        let last = practice.iter().map(|a| a.started_at).max().unwrap();
        assert!(last - first >= 9 * 7 * 86_400_000, "spread over the weeks");
        assert!(last < now, "nothing in the future");
        assert!(
            history.progress.iter().all(|t| t.attempted > 0),
            "every topic practised: {:?}",
            history.progress
        );
        // Improving on framing, not on communication.
        let series = |key: &str| {
            history
                .series
                .iter()
                .find(|s| s.key == key)
                .unwrap_or_else(|| panic!("no series {key}"))
                .points
                .clone()
        };
        let framing = series("framing-triage");
        let communication = series("communication");
        let early = |p: &[(i64, i64, i64)]| p.iter().take(6).map(|x| x.2 as f64).sum::<f64>() / 6.0;
        let late =
            |p: &[(i64, i64, i64)]| p.iter().rev().take(6).map(|x| x.2 as f64).sum::<f64>() / 6.0;
        assert!(late(&framing) - early(&framing) >= 1.0, "{framing:?}");
        assert!((late(&communication) - early(&communication)).abs() < 0.7);
        // Two interviewer scorecards shared with him, beside his own.
        let shared = history
            .attempts
            .iter()
            .filter(|a| a.interviewer_mean.is_some())
            .count();
        assert_eq!(shared, 2);
        // Scheduled: something is due by now.
        let dashboard = app::server::practice::dashboard(pool, cam, now)
            .await
            .unwrap();
        assert!(!dashboard.due.is_empty(), "some reviews due today");

        // Mock interviews: eight or more ended, with a shadow's scorecard and an amendment.
        let ended: i64 =
            sqlx::query_scalar("SELECT count(*) FROM mock_sessions WHERE status = 'ended'")
                .fetch_one(pool)
                .await
                .unwrap();
        assert!(ended >= 8, "{ended} ended sessions");
        let amended: i64 =
            sqlx::query_scalar("SELECT count(*) FROM scorecards WHERE amends_id IS NOT NULL")
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(amended, 1);

        // Calibration: the dashboard has real numbers, Ivo drifts, Ira is qualified.
        let team: i64 = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Demo hiring team'")
            .fetch_one(pool)
            .await
            .unwrap();
        let board = app::api::calibration::team_dashboard(pool, team, "Demo hiring team".into())
            .await
            .unwrap();
        assert_eq!(board.exercises, 6, "revealed exercises");
        assert!(
            board.report.overall.alpha.is_some(),
            "{:?}",
            board.report.overall
        );
        assert!(board.report.overall.icc_single.is_some());
        assert!(
            board
                .report
                .per_dimension
                .iter()
                .all(|(_, a)| a.alpha.is_some()),
            "every dimension has a number"
        );
        let standing = |name: &str| {
            board
                .trends
                .iter()
                .find(|t| t.rater == name)
                .map(|t| t.standing)
                .unwrap_or_else(|| panic!("no trend for {name}"))
        };
        assert_eq!(standing("Ivo Interviewer"), Standing::Drifting);
        assert_eq!(standing("Ira Interviewer"), Standing::Within);
        let ira = board
            .members
            .iter()
            .find(|m| m.name == "Ira Interviewer")
            .unwrap();
        assert!(ira.qualified_at.is_some(), "Ira is qualified");
        let open: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM calibration_exercises WHERE revealed_at IS NULL",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(open, 1, "one exercise still being scored");

        // The team's own scenario, in two versions.
        let versions: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
              WHERE s.slug = 'feature-backfill-stalls'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(versions, 2);
        assert_eq!(count(pool, "users").await, 7);

        // Only on an empty database: a second start changes nothing.
        assert!(!demo::seed_if_empty(pool, now).await.unwrap());
    })
}
