//! The SQL of `coach generate-data` (`server/generate.rs`): a synthetic large dataset made in
//! one transaction by recursive CTEs (SQLite's SQL), so a million rows take seconds.
use crate::server::db::{self, Pool};

/// How much to make.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub users: i64,
    pub attempts: i64,
    /// rubric scores, over self and interviewer scorecards
    pub scores: i64,
    pub teams: i64,
    /// revealed calibration exercises per team
    pub exercises_per_team: i64,
}

impl Default for Sizes {
    fn default() -> Self {
        Self {
            users: 1_000,
            attempts: 100_000,
            scores: 1_000_000,
            teams: 10,
            exercises_per_team: 60,
        }
    }
}

/// Accounts 1..=teams lead a team each; the next 100 are interviewers spread over the teams;
/// the rest are candidates. `gen-<n>@example.com`.
pub const INTERVIEWERS: i64 = 100;

/// What was made, counted from the database.
#[derive(Debug, Default)]
pub struct Made {
    pub users: i64,
    pub attempts: i64,
    pub scorecards: i64,
    pub scores: i64,
    pub calibration_scores: i64,
}

/// Make the dataset of `sizes` in one write transaction: every account with the password hash
/// `hash`, everything dated before `now`. The database must have no accounts and a synced
/// rubric and library; the error names the step that failed.
pub async fn fill(pool: &Pool, sizes: Sizes, hash: &str, now: i64) -> Result<Made, String> {
    let fail = |what: &str| {
        let what = what.to_string();
        move |e: sqlx::Error| format!("{what}: {e}")
    };
    let mut tx = db::begin_write(pool).await.map_err(fail("starting"))?;
    let rubric: i64 = sqlx::query_scalar("SELECT id FROM rubric_versions ORDER BY id DESC LIMIT 1")
        .fetch_one(&mut *tx)
        .await
        .map_err(fail("no rubric: sync the content first"))?;
    let dims: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rubric_dimensions WHERE rubric_version_id = $1")
            .bind(rubric)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail("counting dimensions"))?;
    let steps: [(&str, &str); 9] = [
        (
            "versions",
            "CREATE TEMP TABLE gen_versions AS
               SELECT row_number() OVER (ORDER BY id) - 1 AS k, current_version_id AS v
                 FROM scenarios WHERE team_id IS NULL AND archived_at IS NULL",
        ),
        (
            "users",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
             INSERT INTO users (id, email, display_name, password_hash, role, active,
                                session_key, created_at, updated_at)
             SELECT i, 'gen-' || i || '@example.com', 'Generated ' || i, $2,
                    CASE WHEN i <= $3 THEN 'team-lead'
                         WHEN i <= $3 + $4 THEN 'interviewer' ELSE 'candidate' END,
                    1, lower(hex(randomblob(16))), $5, $5 FROM n",
        ),
        (
            "teams",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $3)
             INSERT INTO teams (id, name, created_at) SELECT i, 'Generated team ' || i, $5 FROM n",
        ),
        (
            "members",
            "INSERT INTO team_members (team_id, user_id, is_lead, added_at)
             SELECT CASE WHEN id <= $3 THEN id ELSE 1 + (id - $3 - 1) % $3 END, id, id <= $3, $5
               FROM users WHERE id <= $3 + $4",
        ),
        (
            "attempts",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $6)
             INSERT INTO attempts (id, candidate_id, scenario_version_id, mode, time_limit_s,
                                   answer_md, started_at, draft_saved_at, submitted_at, duration_ms)
             SELECT i, $3 + $4 + 1 + (i % ($1 - $3 - $4)),
                    (SELECT v FROM gen_versions WHERE k = i % (SELECT count(*) FROM gen_versions)),
                    CASE WHEN i % 10 < 3 THEN 'mock' ELSE 'practice' END, 900,
                    'Generated answer ' || i || ': check the model version, roll back, compare features.',
                    $5 - i * 60000, $5 - i * 60000, $5 - i * 60000 + 600000, 600000
               FROM n",
        ),
        (
            "self scorecards",
            "INSERT INTO scorecards (attempt_id, scorer_id, kind, rubric_version_id, notes_md,
                                     submitted_at)
             SELECT id, candidate_id, 'self', $7, '', submitted_at FROM attempts
              WHERE id <= min($6, $8 / $9)",
        ),
        (
            "interviewer scorecards",
            "INSERT INTO scorecards (attempt_id, scorer_id, kind, rubric_version_id, notes_md,
                                     recommendation, target_level, submitted_at)
             SELECT id, $3 + 1 + (id % $4), 'interviewer', $7, 'Evidence: named the versions.',
                    'yes', 'senior', submitted_at + 60000
               FROM attempts WHERE id <= max(0, $8 / $9 - $6)",
        ),
        (
            "scores",
            "INSERT INTO scorecard_scores (scorecard_id, dimension_key, score)
             SELECT s.id, d.key, 1 + abs(random()) % 4
               FROM scorecards s CROSS JOIN rubric_dimensions d
              WHERE d.rubric_version_id = $7",
        ),
        (
            "calibration",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $3 * $10)
             INSERT INTO calibration_exercises (team_id, scenario_version_id, rubric_version_id,
                 title, reference_md, created_by, created_at, revealed_at)
             SELECT 1 + (i - 1) % $3,
                    (SELECT v FROM gen_versions WHERE k = i % (SELECT count(*) FROM gen_versions)),
                    $7, 'Generated exercise ' || i, 'A reference answer.', 1 + (i - 1) % $3,
                    $5 - i * 3600000, $5 - i * 3600000 + 60000
               FROM n",
        ),
    ];
    for (what, sql) in steps {
        sqlx::query(sql)
            .bind(sizes.users)
            .bind(hash)
            .bind(sizes.teams)
            .bind(INTERVIEWERS)
            .bind(now)
            .bind(sizes.attempts)
            .bind(rubric)
            .bind(sizes.scores)
            .bind(dims.max(1))
            .bind(sizes.exercises_per_team)
            .execute(&mut *tx)
            .await
            .map_err(fail(what))?;
    }
    for (what, sql) in [
        (
            "ratings",
            "INSERT INTO calibration_ratings (exercise_id, rater_id, notes_md, submitted_at)
             SELECT e.id, m.user_id, 'Generated reasoning.', e.created_at + 1000
               FROM calibration_exercises e JOIN team_members m ON m.team_id = e.team_id",
        ),
        (
            "rating scores",
            "INSERT INTO calibration_rating_scores (rating_id, dimension_key, score)
             SELECT r.id, d.key, 1 + abs(random()) % 4
               FROM calibration_ratings r
               JOIN calibration_exercises e ON e.id = r.exercise_id
               JOIN rubric_dimensions d ON d.rubric_version_id = e.rubric_version_id",
        ),
        ("clean up", "DROP TABLE gen_versions"),
    ] {
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .map_err(fail(what))?;
    }
    db::commit(tx).await.map_err(fail("committing"))?;
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .map_err(|e| format!("counting {table}: {e}"))
    };
    Ok(Made {
        users: count("users").await?,
        attempts: count("attempts").await?,
        scorecards: count("scorecards").await?,
        scores: count("scorecard_scores").await?,
        calibration_scores: count("calibration_rating_scores").await?,
    })
}

/// The candidate with the most attempts, and how many: whose history the benchmark reads.
pub async fn busiest_candidate(pool: &Pool) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT candidate_id, count(*) FROM attempts WHERE candidate_id IS NOT NULL
          GROUP BY candidate_id ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
}
