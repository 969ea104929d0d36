//! The two backends' migrations are kept in step: a fresh SQLite database and a fresh
//! PostgreSQL database have the same tables, the same columns (name, kind of value, whether it
//! may be empty) and the same named indexes. Runs in the PostgreSQL pass of the suite, which
//! can open both.
use std::collections::BTreeMap;

/// table -> column -> (kind, not null)
type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;

fn kind(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        "real" | "double precision" => "real",
        "blob" | "bytea" => "blob",
        // FTS5 columns have no declared type; they hold text.
        "" => "text",
        other => return other.to_string(),
    }
    .to_string()
}

async fn sqlite_schema(pool: &app::server::db::Pool) -> (Columns, Vec<String>) {
    let tables = crate::support::sqlite_tables(pool).await;
    let mut columns = Columns::new();
    for table in tables {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        let mut cols: BTreeMap<String, (String, bool)> = rows
            .into_iter()
            .map(|(name, ty, not_null, pk)| (name, (kind(&ty), not_null == 1 || pk > 0)))
            .collect();
        if table == "scenario_search" {
            // FTS5's rowid is implicit; its columns are never empty.
            cols.insert("rowid".into(), ("integer".into(), true));
            for (_, (_, not_null)) in cols.iter_mut() {
                *not_null = true;
            }
        }
        columns.insert(table, cols);
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (columns, indexes)
}

async fn postgres_schema(pool: &app::server::db::Pool) -> (Columns, Vec<String>) {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
           FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx_%'
          ORDER BY table_name, column_name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut columns = Columns::new();
    for (table, column, ty, nullable) in rows {
        // The search document is computed from the other columns (FTS5 keeps its own index).
        if table == "scenario_search" && column == "document" {
            continue;
        }
        columns
            .entry(table)
            .or_default()
            .insert(column, (kind(&ty), nullable == "NO"));
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes
          WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'
            AND indexname <> 'scenario_search_document'
          ORDER BY indexname",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (columns, indexes)
}

#[test]
fn both_backends_have_the_same_tables_columns_and_indexes() {
    if !crate::support::on_postgres() {
        eprintln!("skipped on SQLite: runs in the PostgreSQL pass, which opens both");
        return;
    }
    crate::support::run(async {
        let (_pg_dir, pg) = crate::support::fresh_db().await;
        let dir = tempfile::tempdir().unwrap();
        let lite = app::server::db::connect(&format!("sqlite://{}/s.db", dir.path().display()))
            .await
            .unwrap();
        let (lite_columns, lite_indexes) = sqlite_schema(&lite).await;
        let (pg_columns, pg_indexes) = postgres_schema(&pg).await;
        assert!(lite_columns.len() > 30, "{:?}", lite_columns.keys());
        assert_eq!(
            lite_columns.keys().collect::<Vec<_>>(),
            pg_columns.keys().collect::<Vec<_>>(),
            "the same tables"
        );
        for (table, columns) in &lite_columns {
            assert_eq!(columns, &pg_columns[table], "the columns of {table}");
        }
        assert_eq!(lite_indexes, pg_indexes, "the same named indexes");
    })
}
