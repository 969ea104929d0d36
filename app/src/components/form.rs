//! Form pieces: labelled fields with their error tied to them, and form-level messages.
use crate::domain::error::AppError;
use leptos::prelude::*;

/// A labelled input. `error` is shown under it and announced with it (`aria-describedby`).
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional_no_strip)] value: Option<String>,
    #[prop(optional_no_strip)] error: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| name.to_string());
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                type=kind
                id=id
                name=name
                value=value
                required=true
                autocomplete=autocomplete
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
            {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
        </div>
    }
}

/// The error of a submitted form that belongs to no single field (or to a field the form does
/// not show), as an alert at the top of the form.
#[component]
pub fn FormError(
    error: Option<AppError>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let message = error.and_then(|e| match &e {
        AppError::Validation(invalid)
            if invalid
                .errors
                .iter()
                .all(|f| fields.contains(&f.field.as_str())) =>
        {
            None
        }
        _ => Some(e.to_string()),
    });
    message.map(|m| view! { <p class="form-error" role="alert">{m}</p> })
}

/// A success message after a form's redirect (`?saved=...`).
#[component]
pub fn Notice(message: Option<&'static str>) -> impl IntoView {
    message.map(|m| view! { <p class="notice success" role="status">{m}</p> })
}

/// The message for `field` in a form's error, if any.
pub fn field_error(error: &Option<AppError>, field: &str) -> Option<String> {
    error
        .as_ref()
        .and_then(|e| e.field_message(field))
        .map(str::to_string)
}

/// What was typed into `field` before the form was refused, if the error kept it.
pub fn kept_value(error: &Option<AppError>, field: &str) -> Option<String> {
    error
        .as_ref()
        .and_then(|e| e.kept(field))
        .map(str::to_string)
}

/// Text to put between `<textarea>` tags. Leptos writes a textarea's children into the page
/// unescaped (as it does a `<script>`'s), and in the browser sets them as HTML: text a person
/// typed ("</textarea><script>…", "<iframe srcdoc=…>") would become markup. Escaped here, the
/// browser reads it back as exactly the text that was typed, with or without JavaScript.
pub fn textarea_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn textarea_text_is_text_whatever_it_contains() {
        assert_eq!(
            super::textarea_text("</textarea><script>x && y</script>"),
            "&lt;/textarea&gt;&lt;script&gt;x &amp;&amp; y&lt;/script&gt;"
        );
        assert_eq!(
            super::textarea_text("plain 'text' \"here\""),
            "plain 'text' \"here\""
        );
    }
}
