//! The `coach` server binary.
//!
//! `coach` (or `coach serve`): settings -> logging -> database and migrations -> content sync ->
//! router -> serve until Ctrl-C or SIGTERM.
//! `coach check-content [DIR]`: validate the content files and print every problem, touching nothing.
//! `coach check-answer --scenario SLUG`: the answer assessor's reading of standard input, as JSON.
//! `coach eval-assessor`: the assessor against the labelled answers (make eval).
//! `coach backup FILE` / `coach restore FILE`: online backup of the database, and putting one back.
//! `coach copy-to-postgres URL`: move from SQLite to PostgreSQL with every record.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve(false).await,
        ["serve", "--demo"] | ["--demo"] => serve(true).await,
        ["check-content"] => check_content(None),
        ["check-content", dir] => check_content(Some(dir)),
        ["user", "add", rest @ ..] => add_user(rest).await,
        ["backup", file] => backup(file).await,
        ["generate-data", rest @ ..] => generate_data(rest).await,
        ["bench-queries"] => bench_queries().await,
        ["restore", file] => restore(file).await,
        ["copy-to-postgres", target] => copy_to_postgres(target).await,
        ["eval-assessor", rest @ ..] => eval_assessor(rest),
        ["check-answer", "--scenario", slug] => return check_answer(slug, None),
        ["check-answer", "--scenario", slug, "--content", dir] => {
            return check_answer(slug, Some(dir))
        }
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coach: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
const USAGE: &str = "usage:
  coach [serve] [--demo]      serve the app (--demo: on an empty database, create demo accounts)
  coach user add --role ROLE --email EMAIL --name NAME
                              create an account; the password is read from standard input
  coach check-content [DIR]   validate the content files (format and library lint)
  coach check-answer --scenario SLUG [--content DIR]
                              the answer assessor's reading of the answer on standard input, as JSON
  coach eval-assessor [--answers DIR] [--content DIR] [--json FILE]
                              the assessor against the labelled answers of eval/answers
  coach backup FILE           copy the database to FILE while the app keeps serving, and check it
  coach restore FILE          put a backup in place of the database (stop the server first)
  coach copy-to-postgres URL  copy the SQLite database (COACH_DATABASE_URL) into the empty
                              PostgreSQL database at URL, every record and id (stop the server first)
  coach generate-data [--users N] [--attempts N] [--scores N]
                              fill a new database with a synthetic dataset (for benchmarks)
  coach bench-queries         time the history and team calibration queries on that dataset
roles: candidate, interviewer, team-lead, admin
settings (environment): COACH_DATABASE_URL, COACH_ADDR, COACH_PUBLIC_URL, COACH_CONTENT_DIR,
  COACH_SELF_REGISTRATION, COACH_LOG, COACH_LOG_FORMAT, COACH_METRICS_TOKEN,
  COACH_TRUSTED_PROXIES, COACH_SHUTDOWN_GRACE";

#[cfg(feature = "ssr")]
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `coach check-answer --scenario SLUG [--content DIR]`: the assessor's reading of the answer on
/// standard input, as JSON: per key point the status, a confidence and the evidence sentences.
/// Exit status 2 for a scenario that does not exist.
#[cfg(feature = "ssr")]
fn check_answer(slug: &str, dir: Option<&str>) -> std::process::ExitCode {
    use std::io::Read;
    use std::process::ExitCode;
    let dir = dir
        .map(str::to_string)
        .or_else(|| std::env::var("COACH_CONTENT_DIR").ok())
        .unwrap_or_else(|| "content".into());
    let content = match app::server::content::load(std::path::Path::new(&dir)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("coach: {e}");
            return ExitCode::FAILURE;
        }
    };
    let drills = app::server::eval::drills(&content);
    let Some(drill) = drills.get(slug) else {
        eprintln!("coach: no scenario has the slug \"{slug}\" in {dir}/scenarios");
        return ExitCode::from(2);
    };
    let mut answer = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut answer) {
        eprintln!("coach: reading the answer from standard input: {e}");
        return ExitCode::from(2);
    }
    let findings = app::domain::assess::assess(&answer, &drill.prompt, &drill.key_points);
    println!(
        "{}",
        app::server::eval::check_answer_json(slug, &answer, &findings)
    );
    ExitCode::SUCCESS
}

/// `coach eval-assessor [--answers DIR] [--content DIR] [--json FILE] [--limit N]`: the
/// assessor and the old keyword check on every labelled answer; the report on standard output,
/// every figure in FILE (default target/eval/results.json).
#[cfg(feature = "ssr")]
fn eval_assessor(args: &[&str]) -> Result<(), BoxError> {
    use app::server::eval;
    let mut answers = "eval/answers".to_string();
    let mut content = "content".to_string();
    let mut json = "target/eval/results.json".to_string();
    let mut limit = None;
    let mut explain = false;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if *flag == "--explain-dev" {
            explain = true;
            continue;
        }
        if *flag == "--features-dev" {
            let file = rest.next().ok_or("--features-dev needs a file")?;
            let features = |answer: &str, drill: &eval::Drill| {
                app::domain::assess::features(answer, &drill.prompt, &drill.key_points)
            };
            let csv = eval::dev_features(
                std::path::Path::new(&content),
                std::path::Path::new(&answers),
                &features,
            )?;
            std::fs::write(file, csv)?;
            return Ok(());
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match *flag {
            "--answers" => answers = value.to_string(),
            "--content" => content = value.to_string(),
            "--json" => json = value.to_string(),
            "--limit" => limit = Some(value.parse::<usize>().map_err(|_| "--limit is a number")?),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    let assessor = |answer: &str, drill: &eval::Drill| -> Vec<app::domain::practice::Mark> {
        app::domain::assess::assess(answer, &drill.prompt, &drill.key_points)
            .into_iter()
            .map(|f| f.mark)
            .collect()
    };
    if explain {
        let read = |answer: &str, drill: &eval::Drill| {
            app::domain::assess::assess(answer, &drill.prompt, &drill.key_points)
        };
        print!(
            "{}",
            eval::explain_dev(
                std::path::Path::new(&content),
                std::path::Path::new(&answers),
                &read
            )?
        );
        return Ok(());
    }
    let e = eval::evaluate(
        std::path::Path::new(&content),
        std::path::Path::new(&answers),
        app::domain::assess::METHOD,
        &assessor,
        limit,
    )?;
    print!("{}", eval::report(&e));
    if let Some(dir) = std::path::Path::new(&json).parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&json, eval::to_json(&e))?;
    println!("Every figure: {json}");
    Ok(())
}

#[cfg(feature = "ssr")]
fn check_content(dir: Option<&str>) -> Result<(), BoxError> {
    let dir = std::path::PathBuf::from(dir.unwrap_or("content"));
    let set = app::server::content::load(&dir)?;
    let problems = app::server::content::lint(&set, |path| std::fs::read_to_string(path).ok());
    if !problems.is_empty() {
        return Err(app::server::content::ContentErrors(problems).into());
    }
    println!(
        "{}: {} scenarios, {} frameworks, rubric with {} dimensions: all valid",
        dir.display(),
        set.scenarios.len(),
        set.frameworks.len(),
        set.rubric.dimensions.len()
    );
    Ok(())
}

/// `coach user add --role admin --email ada@example.com --name "Ada"`, password from stdin
/// (prompted without echo on a terminal; one line when piped). Never from an argument, where it
/// would sit in the shell history and the process list.
#[cfg(feature = "ssr")]
async fn add_user(args: &[&str]) -> Result<(), BoxError> {
    use app::server::{cli::UserAdd, db, settings::Settings};
    use std::io::IsTerminal;

    let command = UserAdd::parse(args)?;
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password (8 to 128 characters): ")?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    let settings = Settings::from_env()?;
    let pool = db::connect(&settings.database_url).await?;
    println!("{}", command.run(&pool, &password).await?);
    Ok(())
}

/// `coach backup FILE`: `VACUUM INTO` a new file while the server runs, then check the copy.
#[cfg(feature = "ssr")]
async fn backup(file: &str) -> Result<(), BoxError> {
    use app::server::{db, ops, settings::Settings};
    let settings = Settings::from_env()?;
    let pool = db::open_read_only(&settings.database_url).await?;
    let report = ops::backup(&pool, std::path::Path::new(file)).await?;
    println!(
        "backed up {} ({:.1} MB) in {} ms; integrity check: ok",
        file,
        report.bytes as f64 / 1e6,
        report.took.as_millis()
    );
    Ok(())
}

/// `coach restore FILE`: check the backup, keep the current database aside, put the backup in.
#[cfg(feature = "ssr")]
async fn restore(file: &str) -> Result<(), BoxError> {
    use app::server::{db, ops, settings::Settings};
    let settings = Settings::from_env()?;
    let path = db::file_of(&settings.database_url)?;
    let kept = ops::restore(std::path::Path::new(file), &path).await?;
    match kept {
        Some(old) => println!(
            "restored {} from {file}; the previous database is kept as {}",
            path.display(),
            old.display()
        ),
        None => println!("restored {} from {file}", path.display()),
    }
    // Opening it runs any migrations a newer binary brings, before the server does.
    db::connect(&settings.database_url).await?.close().await;
    Ok(())
}

/// `coach copy-to-postgres URL`: every record of the SQLite database into an empty PostgreSQL
/// database (migrated first), in one transaction; progress on stderr, a summary on stdout.
#[cfg(feature = "ssr")]
async fn copy_to_postgres(target: &str) -> Result<(), BoxError> {
    use app::server::{copy, db, settings::Settings};
    use std::io::Write;
    let settings = Settings::from_env()?;
    if db::Backend::of_url(&settings.database_url) != Some(db::Backend::Sqlite) {
        return Err("COACH_DATABASE_URL must name the sqlite:// database to copy from".into());
    }
    if db::Backend::of_url(target) != Some(db::Backend::Postgres) {
        return Err(format!("{} is not a postgres:// URL", db::redact(target)).into());
    }
    let from = db::open_read_only(&settings.database_url).await?;
    let to = db::connect(target).await?;
    let began = std::time::Instant::now();
    let report = copy::sqlite_to_postgres(&from, &to, |table, rows| {
        eprint!("\r\x1b[Kcopying {table}: {rows} rows");
        let _ = std::io::stderr().flush();
    })
    .await?;
    eprintln!("\r\x1b[K");
    let rows: u64 = report.iter().map(|(_, n)| n).sum();
    println!(
        "copied {rows} rows of {} tables into {} in {:.1} s; row counts checked",
        report.len(),
        db::redact(target),
        began.elapsed().as_secs_f64()
    );
    from.close().await;
    to.close().await;
    Ok(())
}

/// `coach generate-data`: a synthetic dataset in a database without accounts.
#[cfg(feature = "ssr")]
async fn generate_data(args: &[&str]) -> Result<(), BoxError> {
    use app::server::{content, db, generate, now_millis, settings::Settings};
    let mut sizes = generate::Sizes::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value: i64 = rest
            .next()
            .and_then(|v| v.parse().ok())
            .filter(|v| *v > 0)
            .ok_or_else(|| format!("{flag} needs a positive number"))?;
        match *flag {
            "--users" => sizes.users = value,
            "--attempts" => sizes.attempts = value,
            "--scores" => sizes.scores = value,
            other => return Err(format!("unknown option {other}\n{USAGE}").into()),
        }
    }
    let settings = Settings::from_env()?;
    if db::Backend::of_url(&settings.database_url) != Some(db::Backend::Sqlite) {
        return Err("generate-data writes a SQLite database (its SQL is SQLite's); for PostgreSQL, generate into SQLite and use copy-to-postgres".into());
    }
    let pool = db::connect(&settings.database_url).await?;
    content::sync(&pool, &settings.content_dir, now_millis()).await?;
    let began = std::time::Instant::now();
    let made = generate::generate(&pool, sizes, now_millis()).await?;
    println!(
        "generated in {:.1} s: {} users, {} attempts, {} scorecards, {} scores, {} calibration scores (password of every account: {})",
        began.elapsed().as_secs_f64(),
        made.users,
        made.attempts,
        made.scorecards,
        made.scores,
        made.calibration_scores,
        generate::PASSWORD
    );
    pool.close().await;
    Ok(())
}

/// `coach bench-queries`: on a generated database, time what the history page and the team
/// calibration dashboard compute, exactly as their server functions do; JSON on stdout.
#[cfg(feature = "ssr")]
async fn bench_queries() -> Result<(), BoxError> {
    use app::domain::practice::HistoryFilter;
    use app::server::{db, generate, settings::Settings};
    use std::time::Instant;
    let settings = Settings::from_env()?;
    // COACH_LOG=sqlx::query=debug shows each statement with its time.
    init_logging(&settings)?;
    let pool = db::connect(&settings.database_url).await?;
    let (candidate, attempts) = generate::busiest_candidate(&pool).await?;
    fn summary(mut ms: Vec<f64>) -> String {
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
        format!(
            "{{\"runs\": {}, \"p50_ms\": {:.3}, \"p95_ms\": {:.3}, \"max_ms\": {:.3}}}",
            ms.len(),
            at(0.5),
            at(0.95),
            ms[ms.len() - 1]
        )
    }
    // Steady state, as a running server is: warm every pooled connection's page cache first.
    for _ in 0..50 {
        app::server::practice::history(&pool, candidate, HistoryFilter::default()).await?;
    }
    for _ in 0..5 {
        app::api::calibration::team_dashboard(&pool, 1, "Generated team 1".into()).await?;
    }
    let mut history = Vec::new();
    for _ in 0..200 {
        let began = Instant::now();
        let h = app::server::practice::history(&pool, candidate, HistoryFilter::default()).await?;
        history.push(began.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(h);
    }
    let mut dashboard = Vec::new();
    for _ in 0..50 {
        let began = Instant::now();
        let d = app::api::calibration::team_dashboard(&pool, 1, "Generated team 1".into()).await?;
        dashboard.push(began.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(d);
    }
    println!(
        "{{\"history_attempts\": {attempts}, \"history\": {}, \"team_dashboard\": {}}}",
        summary(history),
        summary(dashboard)
    );
    pool.close().await;
    Ok(())
}

/// Logs as text or JSON lines (`COACH_LOG_FORMAT`), filtered by `COACH_LOG`; and, whatever the
/// filter, sqlx's per-statement events feed the database timing metrics.
#[cfg(feature = "ssr")]
fn init_logging(settings: &app::server::settings::Settings) -> Result<(), BoxError> {
    use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};
    use tracing_subscriber::{EnvFilter, Layer};
    let filter = EnvFilter::try_new(&settings.log)
        .map_err(|e| format!("invalid setting COACH_LOG={:?}: {e}", settings.log))?;
    let output = if settings.log_json {
        tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_filter(filter)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer().with_filter(filter).boxed()
    };
    let timings = app::server::ops::StatementTimings
        .with_filter(Targets::new().with_target("sqlx::query", tracing::Level::DEBUG));
    tracing_subscriber::registry()
        .with(output)
        .with(timings)
        .try_init()?;
    Ok(())
}

/// After a shutdown signal, requests in flight get this long to finish (live event streams
/// never finish by themselves, so without a limit they would hold shutdown forever).
#[cfg(feature = "ssr")]
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

#[cfg(feature = "ssr")]
async fn serve(demo: bool) -> Result<(), BoxError> {
    use app::server::{content, db, demo, http, now_millis, settings::Settings, state::AppState};
    use std::net::SocketAddr;

    let settings = Settings::from_env()?;
    init_logging(&settings)?;

    let mut leptos_options = leptos::config::get_configuration(None)?.leptos_options;
    leptos_options.site_addr = settings.addr;

    let pool = db::connect(&settings.database_url).await?;
    let report = content::sync(&pool, &settings.content_dir, now_millis()).await?;
    tracing::info!(
        ?report,
        "content synced from {}",
        settings.content_dir.display()
    );

    if demo && demo::seed_if_empty(&pool, now_millis()).await? {
        tracing::info!("demo accounts created (password: {})", demo::DEMO_PASSWORD);
    }

    let addr = settings.addr;
    let grace_seconds = settings.shutdown_grace_seconds;
    let state = AppState::new(leptos_options, pool.clone(), settings);
    let draining = state.draining.clone();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}");
    // The peer address feeds the sign-in rate limit.
    let service = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let grace = std::time::Duration::from_secs(grace_seconds);
    let server = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Readiness says "not ready" while requests are still accepted, so a load balancer
        // stops sending new ones before the listener closes.
        draining.store(true, std::sync::atomic::Ordering::Relaxed);
        tracing::info!("shutting down: not ready, still serving for {grace:?}");
        tokio::time::sleep(grace).await;
        tracing::info!("shutting down: finishing requests in flight (at most {DRAIN:?})");
        let _ = stop_tx.send(true);
    });
    let deadline = async move {
        let _ = stop_rx.wait_for(|stop| *stop).await;
        tokio::time::sleep(DRAIN).await;
    };
    tokio::select! {
        result = server => result?,
        _ = deadline => tracing::warn!("requests still open after {DRAIN:?} (live streams): closing them"),
    }
    // Closing the pool checkpoints the write-ahead log into the database file.
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

#[cfg(feature = "ssr")]
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no main: see lib.rs for hydrate().
}
