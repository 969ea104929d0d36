//! The content format of issue 16 at work: dimensions a drill does not exercise are left out of
//! every scoring form and statistic, example answers appear after scoring and serve as
//! calibration reference answers, commands say what they were checked against, the rubric's
//! recommendation rule is shown where recommendations are chosen, and the library lint holds.
use crate::support::{content_dir, create_user, enc, spawn_app, TestApp, DIMENSIONS, PASSWORD};
use app::api::calibration::{CreateExercise, GetExercise, SubmitRating};
use app::api::practice::{GetAttempt, SaveAnswer, StartAttempt, SubmitSelfScore};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

/// A drill that declares `lineage-versions` not applicable.
const HANG: &str = "distributed-training-hang";

async fn json(app: &TestApp, path: &str, form: &str, cookie: &str) -> serde_json::Value {
    let reply = app.call(path, form, Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn answered(app: &TestApp, cookie: &str, slug: &str) -> i64 {
    let reply = app
        .call(
            StartAttempt::PATH,
            &format!("slug={slug}&version=1&time_limit="),
            Some(cookie),
        )
        .await;
    assert!(crate::support::succeeded(&reply), "{}", reply.body);
    let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let form = format!(
        "attempt_id={attempt}&answer={}&intent=submit",
        enc("I would check NCCL, dump the stacks with py-spy and restart from a checkpoint.")
    );
    let reply = app.call(SaveAnswer::PATH, &form, Some(cookie)).await;
    assert!(crate::support::succeeded(&reply), "{}", reply.body);
    attempt
}

#[test]
fn a_dimension_the_drill_does_not_exercise_is_neither_asked_nor_accepted() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let ada = app.sign_in("ada@example.com", PASSWORD).await;
        let attempt = answered(&app, &ada, HANG).await;

        let scoring = json(&app, GetAttempt::PATH, &format!("id={attempt}"), &ada).await;
        let asked: Vec<&str> = scoring["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap())
            .collect();
        assert_eq!(asked.len(), DIMENSIONS.len() - 1);
        assert!(!asked.contains(&"lineage-versions"), "{asked:?}");

        let marks: Vec<String> = scoring["key_points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| format!("&marks%5B{}%5D=partly", k["key"].as_str().unwrap()))
            .collect();
        let form = |dims: &[&str]| {
            let mut f = format!("attempt_id={attempt}");
            for d in dims {
                f.push_str(&format!("&scores%5B{d}%5D=3"));
            }
            f + &marks.concat()
        };
        // Scoring the dimension that does not apply is refused, and nothing is stored.
        let reply = app
            .call(SubmitSelfScore::PATH, &form(&DIMENSIONS), Some(&ada))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert_eq!(crate::support::count(&app.pool, "scorecards").await, 0);
        let reply = app
            .call(SubmitSelfScore::PATH, &form(&asked), Some(&ada))
            .await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT dimension_key FROM scorecard_scores ORDER BY dimension_key")
                .fetch_all(&app.pool)
                .await
                .unwrap();
        assert_eq!(stored.len(), 7);
        assert!(!stored.iter().any(|k| k == "lineage-versions"));

        // After scoring: the example answers, apart from the answer key.
        let reviewed = json(&app, GetAttempt::PATH, &format!("id={attempt}"), &ada).await;
        let kinds: Vec<&str> = reviewed["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"example-level2") && kinds.contains(&"example-level4"),
            "{kinds:?}"
        );
        let page = app.get_as(&format!("/practice/{attempt}"), &ada).await;
        assert!(page.body.contains("Example answers"));
        assert!(page.body.contains("Example answer at level 4"));
    })
}

#[test]
fn an_example_answer_is_a_calibration_reference_scored_without_the_dimension_it_lacks() {
    crate::support::run(async {
        let app = spawn_app().await;
        let t = crate::support::cast(&app).await;
        let form = format!(
            "team_id={}&scenario={HANG}&title={}&reference=&source=example-4",
            t.team,
            enc("Level-4 hang answer")
        );
        let reply = app.call(CreateExercise::PATH, &form, Some(&t.lead)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        let (id, reference): (i64, String) =
            sqlx::query_as("SELECT id, reference_md FROM calibration_exercises")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        let file = std::fs::read_to_string(
            content_dir().join("scenarios/17-distributed-training-hang.md"),
        )
        .unwrap();
        let example = file
            .split("## Example answer at level 4")
            .nth(1)
            .unwrap()
            .trim();
        assert_eq!(reference.trim(), example);

        let exercise = json(&app, GetExercise::PATH, &format!("id={id}"), &t.member).await;
        assert!(
            !exercise.to_string().contains("\"lineage-versions\""),
            "{exercise}"
        );
        let mut rating = format!("exercise_id={id}&notes=");
        for d in DIMENSIONS.iter().filter(|d| **d != "lineage-versions") {
            rating.push_str(&format!("&scores%5B{d}%5D=4"));
        }
        let reply = app.call(SubmitRating::PATH, &rating, Some(&t.member)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
    })
}

#[test]
fn commands_say_what_they_were_checked_against_and_the_rule_is_shown_with_the_rubric() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/scenarios/gpu-pods-pending").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Checked against cluster-autoscaler 1.31, kubectl 1.31."),
            "{}",
            page.body
        );
        assert!(page.body.contains("Example answer at level 2"));
        let rubric = app.get("/rubric").await;
        assert!(rubric.body.contains("Strong yes"));
        assert!(rubric.body.contains("<td>3.25</td>"), "the staff bar");
    })
}

#[test]
fn every_built_in_drill_passes_the_library_lint() {
    let set = app::server::content::load(&content_dir()).unwrap_or_else(|e| panic!("{e}"));
    let problems = app::server::content::lint(&set, |path| std::fs::read_to_string(path).ok());
    assert!(
        problems.is_empty(),
        "{}",
        app::server::content::ContentErrors(problems)
    );
    let llmops = set
        .scenarios
        .iter()
        .filter(|s| s.topics.contains(&app::domain::taxonomy::Topic::Llmops))
        .count();
    let staff = set
        .scenarios
        .iter()
        .filter(|s| s.level == app::domain::taxonomy::Level::Staff)
        .count();
    assert!(set.scenarios.len() >= 48, "{}", set.scenarios.len());
    assert!(llmops >= 14 && staff >= 9, "llmops {llmops}, staff {staff}");
}
