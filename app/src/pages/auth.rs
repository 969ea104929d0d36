//! Sign in and register.
use crate::api::account::{Register, SignIn};
use crate::components::form::{field_error, kept_value, Field, FormError};
use crate::domain::account::safe_next;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `?next=` of this page, if it is a path of this site.
fn next_from_query() -> Option<String> {
    use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| safe_next(n).is_some())
}

/// The hidden field that carries `next` through the form.
#[component]
fn NextField(next: Option<String>) -> impl IntoView {
    next.map(|next| view! { <input type="hidden" name="next" value=next/> })
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    // After a failed no-JavaScript post the error (and the typed email) come back in the URL.
    let error = action.value().get_untracked().and_then(Result::err);
    let (email, email_error) = (kept_value(&error, "email"), field_error(&error, "email"));
    let password_error = field_error(&error, "password");
    let next = next_from_query();
    let register = match &next {
        Some(n) => format!("/register?next={}", encode(n)),
        None => "/register".to_string(),
    };
    view! {
        <Title text="Sign in"/>
        <div class="wrap narrow form-page">
            <h1>"Sign in"</h1>
            <ActionForm action>
                <FormError error=error.clone() fields=&["email", "password"]/>
                <Field name="email" label="Email" kind="email" value=email autocomplete="username" error=email_error/>
                <Field name="password" label="Password" kind="password" autocomplete="current-password" error=password_error/>
                <NextField next=next/>
                <button type="submit" class="button">"Sign in"</button>
            </ActionForm>
            <p>"No account yet? " <a href=register>"Register"</a></p>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let error = action.value().get_untracked().and_then(Result::err);
    let (email, email_error) = (kept_value(&error, "email"), field_error(&error, "email"));
    let (name, name_error) = (
        kept_value(&error, "display_name"),
        field_error(&error, "display_name"),
    );
    let password_error = field_error(&error, "password");
    let next = next_from_query();
    let sign_in = match &next {
        Some(n) => format!("/sign-in?next={}", encode(n)),
        None => "/sign-in".to_string(),
    };
    view! {
        <Title text="Register"/>
        <div class="wrap narrow form-page">
            <h1>"Create an account"</h1>
            <p class="lead">"Practise the scenarios, keep your scores, see what to practise next."</p>
            <ActionForm action>
                <FormError error=error.clone() fields=&["email", "display_name", "password"]/>
                <Field name="email" label="Email" kind="email" value=email autocomplete="email" error=email_error/>
                <Field name="display_name" label="Your name" value=name autocomplete="name" error=name_error hint="Shown to interviewers and your team."/>
                <Field name="password" label="Password" kind="password" autocomplete="new-password" error=password_error hint="8 to 128 characters. A long phrase is easier to remember and harder to guess."/>
                <NextField next=next/>
                <button type="submit" class="button">"Create account"</button>
            </ActionForm>
            <p>"Already registered? " <a href=sign_in>"Sign in"</a></p>
        </div>
    }
}

/// Percent-encode a query value (everything but unreserved characters and `/`).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
