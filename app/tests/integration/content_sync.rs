//! The content sync on real SQLite files: idempotent, versioned, archiving, all-or-nothing.
use crate::support::{content_dir, copy_of_content, count, fresh_db};
use app::server::content::{self, load, SyncError};

const TABLES: [&str; 9] = [
    "scenarios",
    "scenario_versions",
    "scenario_version_topics",
    "scenario_sections",
    "scenario_key_points",
    "scenario_follow_ups",
    "frameworks",
    "rubric_versions",
    "rubric_dimensions",
];

async fn row_counts(pool: &app::server::db::Pool) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(count(pool, table).await);
    }
    counts
}

#[test]
fn every_file_in_content_is_valid_and_complete() {
    let set = load(&content_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(set.scenarios.len() >= 48, "at least 48 complete drills");
    let mut slugs = std::collections::HashSet::new();
    let mut titles = std::collections::HashSet::new();
    for s in &set.scenarios {
        assert_eq!(
            s.sections.len(),
            9,
            "{}: the answer key and both examples",
            s.path
        );
        for (kind, markdown) in &s.sections {
            assert!(
                markdown.trim().len() > 80,
                "{}: {kind:?} is nearly empty",
                s.path
            );
        }
        assert!(s.prompt.trim().len() > 100, "{}: short prompt", s.path);
        assert!(s.key_points.len() >= 5, "{} has few key points", s.path);
        assert!(s.follow_ups.len() >= 3, "{} has few follow-ups", s.path);
        assert!(
            slugs.insert(s.slug.as_str().to_string()),
            "duplicate slug in {}",
            s.path
        );
        assert!(
            titles.insert(s.title.to_lowercase()),
            "duplicate title in {}",
            s.path
        );
    }
    // Every topic has drills at more than one level.
    for topic in app::domain::taxonomy::Topic::ALL {
        let levels: std::collections::HashSet<_> = set
            .scenarios
            .iter()
            .filter(|s| s.topics.contains(&topic))
            .map(|s| s.level)
            .collect();
        assert!(levels.len() >= 2, "{topic:?} has drills at one level only");
    }
    assert_eq!(set.frameworks.len(), 8);
    assert_eq!(set.rubric.dimensions.len(), 8);
    assert_eq!(set.rubric.recommendations.len(), 4);
    assert!(set
        .scenarios
        .iter()
        .any(|s| s.slug.as_str() == "registry-deployment-drift"));
}

#[test]
fn a_first_sync_loads_everything_and_a_second_changes_nothing() {
    crate::support::run(async {
        let (_dir, pool) = fresh_db().await;
        let first = content::sync(&pool, &content_dir(), 1000).await.unwrap();
        assert_eq!(first.scenarios_added, 50);
        assert_eq!(first.frameworks_written, 8);
        assert!(first.rubric_updated);
        let after_first = row_counts(&pool).await;

        let second = content::sync(&pool, &content_dir(), 2000).await.unwrap();
        assert!(!second.changed_anything(), "{second:?}");
        assert_eq!(second.scenarios_unchanged, 50);
        assert_eq!(row_counts(&pool).await, after_first);
        let updated: i64 = sqlx::query_scalar("SELECT max(updated_at) FROM scenarios")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(updated, 1000, "an unchanged sync writes no row");
    })
}

#[test]
fn an_edited_file_gets_a_new_version_and_the_old_one_is_kept() {
    crate::support::run(async {
        let (dir, pool) = fresh_db().await;
        let content = copy_of_content(dir.path());
        content::sync(&pool, &content, 1).await.unwrap();

        let file = content.join("scenarios/02-gpu-pods-pending.md");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(
            &file,
            text.replacen("## Prompt\n", "## Prompt\nEdited. ", 1),
        )
        .unwrap();
        let report = content::sync(&pool, &content, 2).await.unwrap();
        assert_eq!(report.scenarios_updated, 1);
        assert_eq!(report.scenarios_unchanged, 49);

        let versions: Vec<(i64, String)> = sqlx::query_as(
            "SELECT v.version, v.prompt_md FROM scenario_versions v
               JOIN scenarios s ON s.id = v.scenario_id
              WHERE s.slug = 'gpu-pods-pending' ORDER BY v.version",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(versions.len(), 2);
        assert!(!versions[0].1.starts_with("Edited."));
        assert!(versions[1].1.starts_with("Edited."));
        let detail = app::server::db::scenarios::get(
            &pool,
            app::server::db::scenarios::Viewer(None),
            "gpu-pods-pending",
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(detail.version, 2);
        assert!(detail.prompt_html.contains("Edited."));
    })
}

#[test]
fn a_removed_file_archives_its_scenario_and_restoring_it_unarchives() {
    crate::support::run(async {
        let (dir, pool) = fresh_db().await;
        let content = copy_of_content(dir.path());
        content::sync(&pool, &content, 1).await.unwrap();

        let file = content.join("scenarios/12-rag-hallucinations.md");
        let saved = std::fs::read(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        let report = content::sync(&pool, &content, 2).await.unwrap();
        assert_eq!(report.scenarios_archived, 1);
        assert_eq!(count(&pool, "scenarios").await, 50, "archived, not deleted");
        assert!(app::server::db::scenarios::get(
            &pool,
            app::server::db::scenarios::Viewer(None),
            "rag-hallucinations"
        )
        .await
        .unwrap()
        .is_none());

        std::fs::write(&file, saved).unwrap();
        let report = content::sync(&pool, &content, 3).await.unwrap();
        assert_eq!(report.scenarios_archived, 0);
        assert_eq!(report.scenarios_added, 0);
        assert_eq!(
            count(&pool, "scenario_versions").await,
            50,
            "same bytes: no new version"
        );
        assert!(app::server::db::scenarios::get(
            &pool,
            app::server::db::scenarios::Viewer(None),
            "rag-hallucinations"
        )
        .await
        .unwrap()
        .is_some());
    })
}

#[test]
fn an_invalid_file_stops_the_sync_names_the_file_and_changes_nothing() {
    crate::support::run(async {
        let (dir, pool) = fresh_db().await;
        let content = copy_of_content(dir.path());
        content::sync(&pool, &content, 1).await.unwrap();
        let before = row_counts(&pool).await;

        // One good edit and one broken file: neither may land.
        let good = content.join("scenarios/01-predictions-wrong-200-ok.md");
        let text = std::fs::read_to_string(&good).unwrap();
        std::fs::write(
            &good,
            text.replacen("## Prompt\n", "## Prompt\nChanged. ", 1),
        )
        .unwrap();
        let bad = content.join("scenarios/03-latency-spike-new-model.md");
        let text = std::fs::read_to_string(&bad).unwrap();
        std::fs::write(
            &bad,
            text.replacen("level = \"senior\"", "level = senior", 1),
        )
        .unwrap();

        let err = content::sync(&pool, &content, 2).await.unwrap_err();
        let SyncError::Invalid(errors) = &err else {
            panic!("expected invalid content, got {err}");
        };
        assert_eq!(errors.0.len(), 1);
        let message = err.to_string();
        assert!(
            message.contains("03-latency-spike-new-model.md:"),
            "{message}"
        );
        assert!(message.contains("invalid TOML"), "{message}");
        assert_eq!(row_counts(&pool).await, before);
    })
}

#[test]
fn two_files_with_one_slug_are_refused_naming_both() {
    crate::support::run(async {
        let (dir, _pool) = fresh_db().await;
        let content = copy_of_content(dir.path());
        std::fs::copy(
            content.join("scenarios/02-gpu-pods-pending.md"),
            content.join("scenarios/99-copy.md"),
        )
        .unwrap();
        let message = load(&content).unwrap_err().to_string();
        assert!(
            message.contains("99-copy.md:2: duplicate slug \"gpu-pods-pending\""),
            "{message}"
        );
        assert!(
            message.contains("02-gpu-pods-pending.md already uses it"),
            "{message}"
        );
    })
}

#[test]
fn search_finds_stemmed_words_in_the_answer_key() {
    crate::support::run(async {
        let (_dir, pool) = fresh_db().await;
        content::sync(&pool, &content_dir(), 1).await.unwrap();
        let search = app::domain::search::SearchQuery::parse("tolerations").unwrap();
        let cards = app::server::db::scenarios::list(
            &pool,
            app::server::db::scenarios::Viewer(None),
            &Default::default(),
            search.as_ref(),
        )
        .await
        .unwrap();
        // The result set, not the order: SQLite's bm25 and PostgreSQL's ts_rank weigh a
        // second, weaker match ("tolerance") differently.
        let card = cards
            .iter()
            .find(|c| c.slug == "gpu-pods-pending")
            .expect("the scenario whose answer key says tolerations");
        let excerpt = card.excerpt.as_ref().unwrap();
        assert!(
            excerpt.len() >= 3,
            "the matched word is marked: {excerpt:?}"
        );
        assert!(
            excerpt[1].to_lowercase().starts_with("tolera"),
            "the stemmed word is the one marked: {excerpt:?}"
        );
    })
}
