//! `coach copy-to-postgres`: a SQLite database holding every kind of record arrives in
//! PostgreSQL whole (every row of every table, ids included), the copy works there (search,
//! new ids after the copied ones), and a second copy into the now-used database is refused.
use app::server::db::copy::{self, Value, DERIVED, TABLES};
use app::server::{content, db, generate};

/// Every row of `table`, sorted, as values.
async fn rows(pool: &db::Pool, table: &str) -> Vec<Vec<Value>> {
    let sql = if table == "scenario_search" {
        "SELECT rowid, title, summary, prompt, answer_key FROM scenario_search".to_string()
    } else {
        format!("SELECT * FROM {table}")
    };
    let mut out: Vec<Vec<Value>> = sqlx::query(&sql)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| copy::values(r).unwrap())
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

/// The records the generator does not make, written as the app writes them.
async fn the_rest(pool: &db::Pool) {
    let version: i64 = sqlx::query_scalar("SELECT min(id) FROM scenario_versions")
        .fetch_one(pool)
        .await
        .unwrap();
    let statements = [
        // A team's fork of a built-in, with an author.
        "UPDATE scenarios SET team_id = 1, forked_from_id = 1
          WHERE id = (SELECT max(id) FROM scenarios WHERE slug <> 'gpu-pods-pending')"
            .to_string(),
        "UPDATE scenario_versions SET author_id = 2
          WHERE scenario_id = (SELECT max(id) FROM scenarios WHERE team_id = 1)"
            .to_string(),
        format!(
            "INSERT INTO attempts (candidate_id, scenario_version_id, mode, time_limit_s, answer_md,
                                   started_at, draft_saved_at, submitted_at, duration_ms,
                                   calibration_consent_at)
             VALUES (NULL, {version}, 'mock', 1800, 'Checked the ¿ünïcode? path first.',
                     10, 20, 30, 20, 40)"
        ),
        "INSERT INTO mock_sessions (interviewer_id, candidate_id, guest_name, guest_email, token,
                                    planned_minutes, status, notes_md, revision, created_at, ended_at)
         VALUES (1, NULL, 'Gil Guest', 'gil@example.com', 'ab12', 45, 'ended', 'notes', 7, 5, 50)"
            .to_string(),
        "INSERT INTO mock_session_items (session_id, position, attempt_id, started_at, shared_at)
         VALUES (1, 1, (SELECT max(id) FROM attempts), 11, NULL)"
            .to_string(),
        "INSERT INTO mock_reveals (item_id, follow_up, revealed_at) VALUES (1, 0, 12)".to_string(),
        "INSERT INTO mock_marks (item_id, key_point_key, mark, updated_at)
         VALUES (1, 'drift', 'partly', 13)"
            .to_string(),
        "INSERT INTO mock_shadows (session_id, user_id, added_at) VALUES (1, 2, 6)".to_string(),
        "INSERT INTO scorecard_marks (scorecard_id, key_point_key, mark) VALUES (1, 'drift', 'missed')"
            .to_string(),
        "INSERT INTO review_states (user_id, scenario_id, due_at, stability, difficulty,
                                    elapsed_days, scheduled_days, reps, lapses, state,
                                    last_review_at, last_attempt_id)
         VALUES (1, 1, 99, 3.173, 5.25, 0, 3, 1, 0, 2, 90, 1)"
            .to_string(),
        "INSERT INTO calibration_expert_scores (exercise_id, dimension_key, score)
         VALUES (1, 'root-cause', 3)"
            .to_string(),
        "INSERT INTO pack_imports (team_id, user_id, created_at, applied, report)
         VALUES (1, 1, 70, 1, '{\"files\":[]}')"
            .to_string(),
        "INSERT INTO tower_sessions (id, data, expiry_date, user_id)
         VALUES ('s1', x'00ff10', 4102444800, 1)"
            .to_string(),
        "INSERT INTO assessments (attempt_id, method, assessed_at, findings)
         VALUES (1, 'lexical-2', 50, '[]')"
            .to_string(),
        "INSERT INTO assessment_marks (attempt_id, key_point_key, mark) VALUES (1, 'drift', 'partly')"
            .to_string(),
        // An account deleted long ago, with a higher id than any left.
        "INSERT INTO deleted_ids (table_name, highest) VALUES ('users', 100000)".to_string(),
    ];
    for sql in statements {
        sqlx::query(&sql).execute(pool).await.unwrap();
    }
    app::server::auth::limits::check(pool, [127, 0, 0, 1].into(), "ada@example.com", 1_000)
        .await
        .unwrap()
        .unwrap();
    app::server::auth::limits::remember(pool, [127, 0, 0, 1].into(), "ada@example.com", 1_000)
        .await
        .unwrap();
}

#[test]
fn a_sqlite_database_with_every_kind_of_record_arrives_whole_in_postgres() {
    if !crate::support::on_postgres() {
        eprintln!("skipped on SQLite: runs in the PostgreSQL pass, which opens both");
        return;
    }
    crate::support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let lite = db::connect(&format!("sqlite://{}/from.db", dir.path().display()))
            .await
            .unwrap();
        content::sync(&lite, &crate::support::content_dir(), 1)
            .await
            .unwrap();
        let sizes = generate::Sizes {
            users: 150,
            attempts: 400,
            scores: 3_000,
            teams: 3,
            exercises_per_team: 2,
        };
        generate::generate(&lite, sizes, 1_800_000_000_000)
            .await
            .unwrap();
        the_rest(&lite).await;

        // The list covers every table, and the source has rows in each.
        let tables = crate::support::sqlite_tables(&lite).await;
        let mut listed: Vec<&str> = TABLES.iter().chain(DERIVED).copied().collect();
        listed.sort();
        assert_eq!(tables, listed, "copy::TABLES and DERIVED name every table");
        for table in TABLES {
            assert!(!rows(&lite, table).await.is_empty(), "{table} has rows");
        }

        let (_pg_dir, pg) = crate::support::fresh_db().await;
        let mut heard = Vec::new();
        let report = copy::sqlite_to_postgres(&lite, &pg, |t, n| heard.push((t.to_string(), n)))
            .await
            .unwrap();
        assert_eq!(report.len(), TABLES.len());
        assert!(
            heard.iter().any(|(t, n)| t == "scorecard_scores" && *n > 0),
            "progress"
        );
        for table in TABLES {
            assert_eq!(rows(&lite, table).await, rows(&pg, table).await, "{table}");
        }

        // It works there: search reads the copied index, new ids come after the copied ones.
        let q = app::domain::search::SearchQuery::parse("tolerations").unwrap();
        let found = db::scenarios::list(
            &pg,
            db::scenarios::Viewer(None),
            &Default::default(),
            q.as_ref(),
        )
        .await
        .unwrap();
        assert!(found.iter().any(|c| c.slug == "gpu-pods-pending"));
        let user = db::users::NewUser {
            email: "new@example.com",
            display_name: "New",
            password_hash: "x",
            role: app::domain::account::Role::Candidate,
        };
        let mut conn = pg.acquire().await.unwrap();
        let created = db::users::create(&mut conn, &user, 1).await.unwrap();
        drop(conn);
        assert!(
            created.id > 100_000,
            "no id of the source, deleted ones included, is handed out again: {}",
            created.id
        );

        // A second copy into a database in use is refused and changes nothing.
        let before = rows(&pg, "users").await;
        let refused = copy::sqlite_to_postgres(&lite, &pg, |_, _| {})
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("not empty"), "{refused}");
        assert_eq!(rows(&pg, "users").await, before);
    })
}
