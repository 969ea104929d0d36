//! The hot pages' queries use indexes: every SELECT that the history page, the team calibration
//! dashboard and the library run, captured as it runs (from sqlx's own statement events), is
//! explained by SQLite, and none may scan a table that grows with use.
#[expect(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]
#[path = "integration/support.rs"]
mod support;

use app::domain::practice::HistoryFilter;
use app::server::{content, generate};
use std::collections::HashMap;
use std::sync::Mutex;
use tracing_subscriber::layer::SubscriberExt;

/// Tables whose size grows with users and their work; a full scan of one is a bug in waiting.
const GROWING: [&str; 12] = [
    "users",
    "attempts",
    "scorecards",
    "scorecard_scores",
    "scorecard_marks",
    "review_states",
    "mock_sessions",
    "mock_session_items",
    "calibration_exercises",
    "calibration_ratings",
    "calibration_rating_scores",
    "tower_sessions",
];

static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        #[derive(Default)]
        struct Sql {
            summary: String,
            statement: String,
        }
        impl tracing::field::Visit for Sql {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                match field.name() {
                    "summary" => self.summary = value.to_string(),
                    "db.statement" => self.statement = value.to_string(),
                    _ => {}
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut sql = Sql::default();
        event.record(&mut sql);
        let text = if sql.statement.trim().is_empty() {
            sql.summary
        } else {
            sql.statement
        };
        STATEMENTS.lock().unwrap().push(text.trim().to_string());
    }
}

/// alias -> table, from `FROM t a` / `JOIN t AS a` in a statement.
fn aliases(sql: &str) -> HashMap<String, String> {
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let mut map = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        if w.eq_ignore_ascii_case("FROM") || w.eq_ignore_ascii_case("JOIN") {
            if let Some(table) = words.get(i + 1) {
                map.insert(table.to_string(), table.to_string());
                let mut next = i + 2;
                if words
                    .get(next)
                    .is_some_and(|w| w.eq_ignore_ascii_case("AS"))
                {
                    next += 1;
                }
                if let Some(alias) = words.get(next) {
                    map.insert(alias.to_string(), table.to_string());
                }
            }
        }
    }
    map
}

#[test]
fn the_hot_pages_read_through_indexes() {
    let subscriber = tracing_subscriber::registry().with(Capture);
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber per binary");
    support::run(async {
        let (_dir, pool) = support::fresh_db().await;
        content::sync(&pool, &support::content_dir(), 1)
            .await
            .unwrap();
        let sizes = generate::Sizes {
            users: 300,
            attempts: 3_000,
            scores: 30_000,
            teams: 10,
            exercises_per_team: 10,
        };
        generate::generate(&pool, sizes, 1_800_000_000_000)
            .await
            .unwrap();
        let (candidate, _) = generate::busiest_candidate(&pool).await.unwrap();
        STATEMENTS.lock().unwrap().clear();

        app::server::practice::history(&pool, candidate, HistoryFilter::default())
            .await
            .unwrap();
        app::api::calibration::team_dashboard(&pool, 1, "Generated team 1".into())
            .await
            .unwrap();
        let statements: Vec<String> = std::mem::take(&mut *STATEMENTS.lock().unwrap());
        assert!(
            statements.len() >= 5,
            "statements were captured: {statements:?}"
        );

        let mut scans = Vec::new();
        let mut explained = 0;
        for sql in statements.iter().filter(|s| {
            let s = s.trim_start().to_ascii_uppercase();
            s.starts_with("SELECT") || s.starts_with("WITH")
        }) {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("explaining {sql}: {e}"));
            explained += 1;
            let names = aliases(sql);
            for (_, _, _, detail) in plan {
                let Some(rest) = detail.strip_prefix("SCAN ") else {
                    continue;
                };
                let name = rest.split_whitespace().next().unwrap_or_default();
                let table = names.get(name).map(String::as_str).unwrap_or(name);
                if GROWING.contains(&table) {
                    scans.push(format!("{detail}  (table {table})\n  in: {sql}"));
                }
            }
        }
        assert!(explained >= 5, "{statements:?}");
        assert!(
            scans.is_empty(),
            "full scans of growing tables:\n{}",
            scans.join("\n")
        );
    })
}
