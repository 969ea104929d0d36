//! Every query of the database layer that reads scenarios for someone goes through the one
//! visibility rule (`db::scenarios::visible`): built-ins are everybody's, a team's scenarios its
//! members' only. This test reads the layer's source and lists every function that touches the
//! `scenarios` table; each either applies the rule or is named below with the reason it need
//! not. A new query that does neither fails here, before it can leak a team's scenario (as
//! "Practise next" once did).
use std::path::Path;

/// Functions that read scenarios without the rule, and why that is right.
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "authoring.rs",
        "team_scenarios",
        "the teams' scenarios the asker authors for (policy-checked)",
    ),
    (
        "authoring.rs",
        "builtins",
        "built-in scenarios only (team_id IS NULL)",
    ),
    (
        "authoring.rs",
        "head",
        "one scenario by slug for an authorised author",
    ),
    (
        "authoring.rs",
        "stored_file",
        "one version by id, after the caller's check",
    ),
    (
        "authoring.rs",
        "create",
        "slug uniqueness across every team",
    ),
    (
        "calibration.rs",
        "usable_by_team",
        "built-ins and the exercise's own team",
    ),
    (
        "generate.rs",
        "fill",
        "built-in scenarios only (team_id IS NULL), for the offline dataset generator",
    ),
    ("history.rs", "rows", "the candidate's own attempts"),
    (
        "history.rs",
        "scored_by_scenario",
        "the candidate's own attempts",
    ),
    (
        "history.rs",
        "attempted_by_topic",
        "the candidate's own attempts",
    ),
    (
        "history.rs",
        "attempted_count",
        "the candidate's own attempts",
    ),
    (
        "practice.rs",
        "core",
        "one attempt, after the ownership check",
    ),
    ("practice.rs", "export_rows", "the candidate's own attempts"),
    (
        "team_stats.rs",
        "export_rows",
        "a team's own revealed exercises, for its lead",
    ),
    (
        "scenarios.rs",
        "builtin_scenarios",
        "built-in scenarios only (team_id IS NULL)",
    ),
    (
        "scenarios.rs",
        "current_version_ids",
        "content sync: every built-in",
    ),
    (
        "scenarios.rs",
        "archive_missing",
        "content sync: every built-in",
    ),
    (
        "scenarios.rs",
        "upsert_version",
        "content sync and authoring writes",
    ),
    (
        "scenarios.rs",
        "get_version",
        "one version by id, after the caller's check",
    ),
    (
        "scenarios.rs",
        "version_id",
        "a version by slug for an authorised caller",
    ),
];

/// (file, function name, body) of every function in the database layer.
fn functions() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/db");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current: Option<(String, String)> = None;
        for line in text.lines() {
            let trimmed = line.trim_start();
            let header = [
                "pub async fn ",
                "pub(crate) async fn ",
                "async fn ",
                "pub fn ",
                "fn ",
            ]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p));
            if let Some(rest) = header.filter(|_| !line.starts_with("        ")) {
                if let Some((name, body)) = current.take() {
                    out.push((file.clone(), name, body));
                }
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                current = Some((name, String::new()));
            } else if let Some((_, body)) = current.as_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        if let Some((name, body)) = current {
            out.push((file.clone(), name, body));
        }
    }
    out
}

#[test]
fn every_query_that_reads_scenarios_applies_the_visibility_rule_or_says_why_not() {
    let mut unexplained = Vec::new();
    let mut readers = 0;
    for (file, name, body) in functions() {
        let reads = ["FROM scenarios", "JOIN scenarios ", "JOIN scenarios\n"]
            .iter()
            .any(|s| body.contains(s));
        if !reads || name == "visible" || name == "visible_to" {
            continue;
        }
        readers += 1;
        let applies = body.contains("visible(") || body.contains("visible_to(");
        let exempt = EXEMPT.iter().any(|(f, n, _)| *f == file && *n == name);
        if !applies && !exempt {
            unexplained.push(format!("{file}: {name}"));
        }
    }
    assert!(
        readers > 10,
        "the scan found only {readers} functions: is it reading the layer?"
    );
    assert!(
        unexplained.is_empty(),
        "these read scenarios without db::scenarios::visible: {unexplained:?}"
    );
}
