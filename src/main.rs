//! The `coach` server binary: its commands are in `cli.rs` (`coach --help` lists them).
//!
//! `coach` (or `coach serve`): settings -> logging -> database and migrations -> content sync ->
//! router -> serve until Ctrl-C or SIGTERM.

#[cfg(feature = "ssr")]
mod cli;

/// jemalloc, purging freed memory back to the system a second after a burst (see Cargo.toml).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use clap::Parser;
    use cli::{Cli, Command, UserCommand};
    use std::process::ExitCode;
    // Unknown or missing arguments: clap prints what is wrong and the usage, and exits with 2.
    let cli = Cli::parse();
    let default = Command::Serve {
        demo: cli.demo,
        demo_accounts: false,
    };
    let result = match cli.command.unwrap_or(default) {
        Command::Serve {
            demo,
            demo_accounts,
        } => {
            serve(match (demo, demo_accounts) {
                (true, _) => Demo::History,
                (false, true) => Demo::Accounts,
                (false, false) => Demo::Off,
            })
            .await
        }
        Command::CheckContent { dir } => check_content(dir.as_deref()),
        Command::CheckAnswer { scenario, content } => {
            return check_answer(&scenario, content.as_deref())
        }
        Command::EvalAssessor(args) => eval_assessor(args),
        Command::User {
            command: UserCommand::Add { role, email, name },
        } => match app::server::cli::UserAdd::parse(&role, &email, &name) {
            Ok(command) => add_user(command).await,
            // A value clap cannot check by itself: reported like its own errors (status 2).
            Err(e) => {
                use clap::CommandFactory;
                Cli::command()
                    .error(clap::error::ErrorKind::InvalidValue, e)
                    .exit()
            }
        },
        Command::Backup { file } => backup(&file).await,
        Command::Restore { file } => restore(&file).await,
        Command::CopyToPostgres { url } => copy_to_postgres(&url).await,
        Command::GenerateData {
            users,
            attempts,
            scores,
        } => generate_data(users, attempts, scores).await,
        Command::Precompress { dir } => precompress(&dir),
        Command::BenchQueries => bench_queries().await,
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
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `coach check-answer --scenario SLUG [--content DIR]`: the assessor's reading of the answer on
/// standard input, as JSON: per key point the status, a confidence and the evidence sentences.
/// Exit status 2 for a scenario that does not exist.
#[cfg(feature = "ssr")]
fn check_answer(slug: &str, dir: Option<&std::path::Path>) -> std::process::ExitCode {
    use std::io::Read;
    use std::process::ExitCode;
    let dir = dir
        .map(|d| d.display().to_string())
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

/// `coach eval-assessor`: the assessor and the old keyword check on every labelled answer; the
/// report on standard output, every figure in a JSON file.
#[cfg(feature = "ssr")]
fn eval_assessor(args: cli::EvalAssessor) -> Result<(), BoxError> {
    use app::server::eval;
    let (content, answers) = (args.content.as_path(), args.answers.as_path());
    if let Some(file) = &args.features_dev {
        let features = |answer: &str, drill: &eval::Drill| {
            app::domain::assess::features(answer, &drill.prompt, &drill.key_points)
        };
        std::fs::write(file, eval::dev_features(content, answers, &features)?)?;
        return Ok(());
    }
    if args.explain_dev {
        let read = |answer: &str, drill: &eval::Drill| {
            app::domain::assess::assess(answer, &drill.prompt, &drill.key_points)
        };
        print!("{}", eval::explain_dev(content, answers, &read)?);
        return Ok(());
    }
    let assessor = |answer: &str, drill: &eval::Drill| -> Vec<app::domain::practice::Mark> {
        app::domain::assess::assess(answer, &drill.prompt, &drill.key_points)
            .into_iter()
            .map(|f| f.mark)
            .collect()
    };
    let e = eval::evaluate(
        content,
        answers,
        app::domain::assess::METHOD,
        &assessor,
        args.limit,
    )?;
    print!("{}", eval::report(&e));
    if let Some(dir) = args.json.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.json, eval::to_json(&e))?;
    println!("Every figure: {}", args.json.display());
    Ok(())
}

#[cfg(feature = "ssr")]
fn check_content(dir: Option<&std::path::Path>) -> Result<(), BoxError> {
    let dir = dir.unwrap_or(std::path::Path::new("content")).to_path_buf();
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
async fn add_user(command: app::server::cli::UserAdd) -> Result<(), BoxError> {
    use app::server::{db, settings::Settings};
    use std::io::IsTerminal;

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
async fn backup(file: &std::path::Path) -> Result<(), BoxError> {
    use app::server::{db, ops, settings::Settings};
    let settings = Settings::from_env()?;
    let pool = db::open_read_only(&settings.database_url).await?;
    let report = ops::backup(&pool, file).await?;
    println!(
        "backed up {} ({:.1} MB) in {} ms; integrity check: ok",
        file.display(),
        report.bytes as f64 / 1e6,
        report.took.as_millis()
    );
    Ok(())
}

/// `coach restore FILE`: check the backup, keep the current database aside, put the backup in.
#[cfg(feature = "ssr")]
async fn restore(file: &std::path::Path) -> Result<(), BoxError> {
    use app::server::{db, ops, settings::Settings};
    let settings = Settings::from_env()?;
    let path = db::file_of(&settings.database_url)?;
    let kept = ops::restore(file, &path).await?;
    match kept {
        Some(old) => println!(
            "restored {} from {}; the previous database is kept as {}",
            path.display(),
            file.display(),
            old.display()
        ),
        None => println!("restored {} from {}", path.display(), file.display()),
    }
    // Opening it runs any migrations a newer binary brings, before the server does.
    db::connect(&settings.database_url).await?.close().await;
    Ok(())
}

/// `coach copy-to-postgres URL`: every record of the SQLite database into an empty PostgreSQL
/// database (migrated first), in one transaction; progress on stderr, a summary on stdout.
#[cfg(feature = "ssr")]
async fn copy_to_postgres(target: &str) -> Result<(), BoxError> {
    use app::server::{
        db::{self, copy},
        settings::Settings,
    };
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
async fn generate_data(users: i64, attempts: i64, scores: i64) -> Result<(), BoxError> {
    use app::server::{content, db, generate, now_millis, settings::Settings};
    let sizes = generate::Sizes {
        users,
        attempts,
        scores,
        ..generate::Sizes::default()
    };
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

/// `coach precompress [FOLDER]`: brotli and gzip copies of the built browser files.
#[cfg(feature = "ssr")]
fn precompress(dir: &std::path::Path) -> Result<(), BoxError> {
    for (file, plain, br, gz) in app::server::ops::precompress(dir)? {
        println!("{file}: {plain} bytes, brotli {br}, gzip {gz}");
    }
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
        "{{\"candidate_id\": {candidate}, \"history_attempts\": {attempts}, \"history\": {}, \"team_dashboard\": {}}}",
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

/// What `serve` creates on an empty database.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Demo {
    Off,
    Accounts,
    History,
}

#[cfg(feature = "ssr")]
async fn serve(demo: Demo) -> Result<(), BoxError> {
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

    let seeded = demo != Demo::Off && demo::seed_if_empty(&pool, now_millis()).await?;
    if seeded {
        tracing::info!("demo accounts created (password: {})", demo::DEMO_PASSWORD);
    }

    let addr = settings.addr;
    let grace_seconds = settings.shutdown_grace_seconds;
    let state = AppState::new(leptos_options, pool.clone(), settings);
    if seeded && demo == Demo::History {
        let began = std::time::Instant::now();
        match demo::live_in(&state, now_millis()).await {
            Ok(made) => tracing::info!(
                ?made,
                "demo history made in {} ms",
                began.elapsed().as_millis()
            ),
            // The accounts are there and the app works; only the sample history is missing
            // (content edited so that the demo's drills no longer fit, for instance).
            Err(e) => tracing::error!(
                "the demo history could not be made, serving the demo accounts without it \
                 (remove the database to try again): {e}"
            ),
        }
    }
    state.page_cache.sweep_stale_pages();
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
