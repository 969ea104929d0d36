//! The command line as an operator meets it: help everywhere, the version with its commit, and
//! a wrong argument named with exit status 2 (nothing is opened or served).
use std::process::{Command, Output};

fn coach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coach"))
        .args(args)
        // Nothing here may touch a real database: point any that is opened at nowhere useful.
        .env("COACH_DATABASE_URL", "sqlite:///nonexistent-dir/never.db")
        .output()
        .expect("the coach binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_every_command_and_the_settings_with_defaults() {
    let out = coach(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in [
        "serve",
        "check-content",
        "check-answer",
        "eval-assessor",
        "user",
        "backup",
        "restore",
        "copy-to-postgres",
        "generate-data",
        "precompress",
        "bench-queries",
    ] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
    assert!(help.contains("COACH_DATABASE_URL"), "{help}");
    assert!(help.contains("sqlite://data/coach.db"), "{help}");
    assert!(help.contains("COACH_ADDR"), "{help}");
    assert!(help.contains("127.0.0.1:3000"), "{help}");
}

#[test]
fn version_names_the_commit() {
    let out = coach(&["--version"]);
    assert!(out.status.success());
    let version = text(&out.stdout);
    assert!(
        version.starts_with(&format!("coach {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    let commit = version
        .split("(commit ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_default();
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{version}"
    );
}

#[test]
fn every_command_has_its_own_help() {
    let out = coach(&["user", "add", "--help"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let help = text(&out.stdout);
    assert!(help.contains("--role <ROLE>"), "{help}");
    assert!(help.contains("team-lead"), "the roles are listed: {help}");
    assert!(help.contains("standard input"), "{help}");
    let out = coach(&["generate-data", "--help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("[default: 1000000]"));
    let out = coach(&["help", "backup"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Usage: coach backup <FILE>"));
}

#[test]
fn wrong_arguments_are_named_and_exit_with_status_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["serve", "--dmeo"], "--dmeo"),
        (&["no-such-command"], "no-such-command"),
        (
            &["user", "add", "--role", "admin", "--email", "a@b.co"],
            "--name",
        ),
        (
            &[
                "user", "add", "--role", "root", "--email", "a@b.co", "--name", "A",
            ],
            "root",
        ),
        (
            &[
                "user", "add", "--role", "admin", "--email", "nope", "--name", "A",
            ],
            "--email",
        ),
        (&["generate-data", "--users", "0"], "--users"),
        (&["backup"], "<FILE>"),
    ];
    for (args, named) in cases {
        let out = coach(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(err.contains(named), "{args:?} should name {named}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    }
}
