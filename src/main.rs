//! The `coach` server binary.
//!
//! `coach` (or `coach serve`): settings -> logging -> database and migrations -> content sync ->
//! router -> serve until Ctrl-C or SIGTERM.
//! `coach check-content [DIR]`: validate the content files and print every problem, touching nothing.

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
        [] | ["serve"] => serve().await,
        ["check-content"] => check_content(None),
        ["check-content", dir] => check_content(Some(dir)),
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
const USAGE: &str = "usage: coach [serve] | coach check-content [DIR]
settings (environment): COACH_DATABASE_URL, COACH_ADDR, COACH_CONTENT_DIR, COACH_LOG";

#[cfg(feature = "ssr")]
type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[cfg(feature = "ssr")]
fn check_content(dir: Option<&str>) -> Result<(), BoxError> {
    let dir = std::path::PathBuf::from(dir.unwrap_or("content"));
    let set = app::server::content::load(&dir)?;
    println!(
        "{}: {} scenarios, {} frameworks, rubric with {} dimensions: all valid",
        dir.display(),
        set.scenarios.len(),
        set.frameworks.len(),
        set.rubric.dimensions.len()
    );
    Ok(())
}

#[cfg(feature = "ssr")]
async fn serve() -> Result<(), BoxError> {
    use app::server::{content, db, http, now_millis, settings::Settings, state::AppState};
    use std::sync::Arc;
    use tracing_subscriber::EnvFilter;

    let settings = Settings::from_env()?;
    let filter = EnvFilter::try_new(&settings.log)
        .map_err(|e| format!("invalid setting COACH_LOG={:?}: {e}", settings.log))?;
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let mut leptos_options = leptos::config::get_configuration(None)?.leptos_options;
    leptos_options.site_addr = settings.addr;

    let pool = db::connect(&settings.database_url).await?;
    let report = content::sync(&pool, &settings.content_dir, now_millis()).await?;
    tracing::info!(
        ?report,
        "content synced from {}",
        settings.content_dir.display()
    );

    let addr = settings.addr;
    let state = AppState {
        leptos_options,
        pool,
        settings: Arc::new(settings),
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
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
