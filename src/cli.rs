//! The command line: every command, its arguments and the settings, on clap's derive API so
//! that `--help` and `--version` work everywhere and a wrong argument is named (exit status 2).
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The version line: the crate's version and the git commit it was built from (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("COACH_GIT_COMMIT"),
    ")"
);

/// Settings are read from the environment by every command that opens the database or serves.
const SETTINGS: &str = "\
Settings (environment variables, with their defaults):
  COACH_DATABASE_URL       sqlite://data/coach.db   or postgres://user@host/db
  COACH_ADDR               127.0.0.1:3000           address and port to listen on
  COACH_PUBLIC_URL         http://COACH_ADDR        the address people use (https:// turns on
                                                    secure cookies and HSTS)
  COACH_CONTENT_DIR        content                  the scenarios, frameworks and rubric
  COACH_SELF_REGISTRATION  true                     anyone may register as a candidate
  COACH_LOG                info                     a tracing filter, e.g. app=debug,info
  COACH_LOG_FORMAT         text                     text, or json (one object per line)
  COACH_METRICS_TOKEN      (none)                   bearer token for /metrics from elsewhere
  COACH_TRUSTED_PROXIES    (none)                   proxies whose X-Forwarded-For is believed
  COACH_SHUTDOWN_GRACE     2                        seconds of not-ready before closing";

#[derive(Debug, Parser)]
#[command(
    name = "coach",
    version = VERSION,
    about = "MLOps Interview Coach: practise and run MLOps, ML-platform and LLMOps interviews",
    long_about = "MLOps Interview Coach: practise and run MLOps, ML-platform and LLMOps interviews.\n\nWith no command, serves the app (the same as `coach serve`).",
    after_help = SETTINGS,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command: serve, creating the demo team and its history on an empty database
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (the default command)
    #[command(after_help = SETTINGS)]
    Serve {
        /// On an empty database, create the demo team and ten weeks of its use of the app
        #[arg(long, conflicts_with = "demo_accounts")]
        demo: bool,
        /// On an empty database, create the demo accounts and team only (a clean slate)
        #[arg(long)]
        demo_accounts: bool,
    },
    /// Validate the content files (format and library lint), touching nothing
    CheckContent {
        /// The content folder [default: content]
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// The answer assessor's reading of the answer on standard input, as JSON
    CheckAnswer {
        /// The scenario's slug
        #[arg(long, value_name = "SLUG")]
        scenario: String,
        /// The content folder [default: $COACH_CONTENT_DIR, else content]
        #[arg(long, value_name = "DIR")]
        content: Option<PathBuf>,
    },
    /// The assessor against the labelled answers of eval/answers (make eval)
    EvalAssessor(EvalAssessor),
    /// Manage accounts
    #[command(subcommand_required = true, arg_required_else_help = true)]
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Copy the database to FILE while the app keeps serving, and check the copy
    #[command(after_help = SETTINGS)]
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Put a backup in place of the database, keeping the old one aside (stop the server first)
    #[command(after_help = SETTINGS)]
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Copy the SQLite database (COACH_DATABASE_URL) into an empty PostgreSQL database, every
    /// record and id (stop the server first)
    #[command(after_help = SETTINGS)]
    CopyToPostgres {
        /// The target, postgres://...
        #[arg(value_name = "URL")]
        url: String,
    },
    /// Fill a new SQLite database with a synthetic dataset (for benchmarks)
    #[command(after_help = SETTINGS)]
    GenerateData {
        /// Accounts
        #[arg(long, value_name = "N", default_value_t = 1_000, value_parser = clap::value_parser!(i64).range(1..))]
        users: i64,
        /// Practice attempts
        #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = clap::value_parser!(i64).range(1..))]
        attempts: i64,
        /// Rubric scores, over self and interviewer scorecards
        #[arg(long, value_name = "N", default_value_t = 1_000_000, value_parser = clap::value_parser!(i64).range(1..))]
        scores: i64,
    },
    /// Write brotli and gzip copies of the built browser files beside them, at the best
    /// compression, for the server to send as they are (scripts/build.sh runs it)
    Precompress {
        /// The folder of the built browser files
        #[arg(value_name = "FOLDER", default_value = "target/site/pkg")]
        dir: PathBuf,
    },
    /// Time the history and team calibration queries on a generated dataset (JSON)
    #[command(after_help = SETTINGS)]
    BenchQueries,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input (prompted on a terminal)
    #[command(after_help = SETTINGS)]
    Add {
        /// What the account may do
        #[arg(long, value_name = "ROLE", value_parser = ["candidate", "interviewer", "team-lead", "admin"])]
        role: String,
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// The name shown to others
        #[arg(long, value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct EvalAssessor {
    /// The labelled answers
    #[arg(long, value_name = "DIR", default_value = "eval/answers")]
    pub answers: PathBuf,
    /// The content folder
    #[arg(long, value_name = "DIR", default_value = "content")]
    pub content: PathBuf,
    /// Where every figure is written
    #[arg(long, value_name = "FILE", default_value = "target/eval/results.json")]
    pub json: PathBuf,
    /// Read only the first N answers
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// (development) print each development answer's findings
    #[arg(long, hide = true)]
    pub explain_dev: bool,
    /// (development) write the assessor's features of the development answers as CSV
    #[arg(long, hide = true, value_name = "FILE")]
    pub features_dev: Option<PathBuf>,
}
