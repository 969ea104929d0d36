//! The scenario editor's Markdown field: a textarea with a preview beside it. The preview is
//! rendered on the server by the renderer content uses (so it shows exactly what the page will,
//! sanitised the same way); once hydrated it follows the typing, half a second after it stops.
use leptos::prelude::*;

/// How long typing must pause before the preview is asked for.
const PREVIEW_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

#[island]
pub fn MarkdownField(
    /// form field name; the element id is made from it
    name: String,
    label: String,
    hint: String,
    initial: String,
    /// the server's rendering of `initial`
    initial_html: String,
    rows: u32,
    error: Option<String>,
) -> impl IntoView {
    let id = name
        .replace(['[', ']'], "-")
        .trim_end_matches('-')
        .to_string();
    let html = RwSignal::new(initial_html);
    let failed = RwSignal::new(None::<String>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // Each request is numbered; only the latest one's answer is shown.
    let asked = StoredValue::new(0u64);

    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                asked.update_value(|n| *n += 1);
                let mine = asked.get_value();
                leptos::task::spawn_local(async move {
                    let result = crate::api::authoring::preview_markdown(text).await;
                    if asked.get_value() != mine {
                        return;
                    }
                    match result {
                        Ok(rendered) => {
                            html.set(rendered);
                            failed.set(None);
                        }
                        Err(e) => failed.set(Some(e.to_string())),
                    }
                });
            },
            PREVIEW_AFTER,
        )
        .ok();
        pending.set_value(handle);
    };
    let preview_label = format!("Preview: {label}");
    let invalid = error.is_some();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    view! {
        <div class="markdown-field" class:invalid=invalid>
            <div class="field">
                <label for=id.clone()>{label}</label>
                <p class="hint" id=hint_id>{hint}</p>
                <textarea id=id.clone() name=name rows=rows.to_string() spellcheck="true"
                    aria-invalid=invalid.then_some("true")
                    aria-describedby=described
                    on:input=on_input>
                    {crate::components::form::textarea_text(&initial)}
                </textarea>
                {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
            </div>
            <section class="preview" aria-label=preview_label>
                <p class="preview-label" aria-hidden="true">"Preview"</p>
                {move || failed.get().map(|m| view! { <p class="field-error">{format!("Preview not updated: {m}")}</p> })}
                <div class="prose" inner_html=move || html.get()></div>
            </section>
        </div>
    }
}
