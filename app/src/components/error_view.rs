//! How a page shows an error, and the HTTP status it answers with.
use crate::domain::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Set the status of the page being rendered (server side; a no-op in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(code) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The 404 body shared by unknown URLs and unknown slugs.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found"/>
        <div class="wrap narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have been moved or archived."</p>
            <ul>
                <li><a href="/scenarios">"Browse the scenario library"</a></li>
                <li><a href="/frameworks">"Read the answer frameworks"</a></li>
                <li><a href="/">"Go to the home page"</a></li>
            </ul>
        </div>
    }
}

/// A page-level error: sets the status and shows the error's user-facing message.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <NotFound/> }.into_any();
    }
    if error == AppError::Unauthenticated {
        // A signed-in page asked for while signed out: the sign-in page, then back here.
        // The request's own address, not the router's: this renders after an await, when a
        // request given up on (a client gone) may have lost the router's context, and
        // `use_location` then panics. (Not an island: it only ever renders on the server.)
        #[cfg(feature = "ssr")]
        let (path, query) = use_context::<axum::http::request::Parts>()
            .map(|p| {
                (
                    p.uri.path().to_string(),
                    p.uri.query().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_else(|| ("/".into(), String::new()));
        #[cfg(not(feature = "ssr"))]
        let (path, query) = ("/".to_string(), String::new());
        // A no-JavaScript form's error travels in `__err` / `__path`: not worth coming back to.
        let query: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                !pair.is_empty() && !pair.starts_with("__err=") && !pair.starts_with("__path=")
            })
            .collect();
        let here = if query.is_empty() {
            path
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let target = match crate::domain::account::safe_next(&here) {
            Some(path) => format!("/sign-in?next={}", crate::pages::auth::encode(path)),
            None => "/sign-in".to_string(),
        };
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&target);
        set_status(303);
        return view! {
            <Title text="Please sign in"/>
            <div class="wrap narrow">
                <h1>"Please sign in"</h1>
                <p role="alert" class="error-text">{error.to_string()}</p>
                <p><a class="button" href=target>"Sign in"</a></p>
            </div>
        }
        .into_any();
    }
    set_status(error.status());
    let (title, next) = match error {
        AppError::Unauthenticated => ("Please sign in", Some(("/sign-in", "Sign in"))),
        AppError::Forbidden => ("Not allowed", Some(("/", "Go to the home page"))),
        AppError::Gone(_) => ("This has ended", Some(("/", "Go to the home page"))),
        _ => ("Something went wrong", None),
    };
    view! {
        <Title text=title/>
        <div class="wrap narrow">
            <h1>{title}</h1>
            <p role="alert" class="error-text">{error.to_string()}</p>
            {next.map(|(href, text)| view! { <p><a class="button" href=href>{text}</a></p> })}
        </div>
    }
    .into_any()
}
