//! The two pieces of the practice page that run in the browser: the timer and the autosaving
//! answer box. Both render whole on the server, so the page works without JavaScript: the
//! timer then shows the time at page load, and the form's "Save draft" button saves.
use crate::domain::practice::clock;
use leptos::prelude::*;
use std::time::Duration;

/// How often the answer box checks for unsaved typing.
const AUTOSAVE_EVERY: Duration = Duration::from_millis(1500);

#[cfg(feature = "hydrate")]
fn browser_now() -> i64 {
    js_sys::Date::now() as i64
}

/// Elapsed time, or time left when the attempt has a limit. Ticks once a second once hydrated;
/// the clock is the server's (the page carries its time), so a wrong browser clock does not
/// matter.
#[island]
pub fn PracticeTimer(
    started_at: i64,
    /// the server's clock when the page was rendered
    now: i64,
    time_limit_s: Option<i64>,
) -> impl IntoView {
    let current = RwSignal::new(now);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let skew = now - browser_now();
            current.set(browser_now() + skew);
            let handle = set_interval_with_handle(
                move || current.set(browser_now() + skew),
                Duration::from_secs(1),
            )
            .ok();
            on_cleanup(move || {
                if let Some(h) = handle {
                    h.clear();
                }
            });
        }
    });
    let elapsed = move || current.get() - started_at;
    let limit_ms = time_limit_s.map(|s| s * 1000);
    let over = move || limit_ms.is_some_and(|l| elapsed() >= l);
    let text = move || match limit_ms {
        None => format!("Elapsed {}", clock(elapsed())),
        Some(l) if elapsed() < l => format!("Time left {}", clock(l - elapsed())),
        Some(l) => format!("Over time by {}", clock(elapsed() - l)),
    };
    view! {
        <div class="timer" class:over=over>
            <p class="timer-display" role="timer" aria-atomic="true">{text}</p>
            {limit_ms.map(|l| view! {
                <progress
                    class="timer-progress"
                    max=l.to_string()
                    value=move || elapsed().clamp(0, l).to_string()
                    aria-label="Time used"
                ></progress>
            })}
            // Announced once, when it changes: a ticking timer must not talk every second.
            <p class="timer-alert" role="status">
                {move || over().then_some("Time is up. Finish your sentence and submit.")}
            </p>
        </div>
    }
}

/// Where the autosave stands, as shown under the answer box.
#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    /// Rendered on the server, or nothing typed since.
    Saved,
    Unsaved,
    Saving,
    Failed(String),
}

/// What an autosaving text box saves into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SaveTarget {
    /// The draft answer of a practice attempt.
    Answer { attempt_id: i64 },
    /// The interviewer's notes of a mock session.
    SessionNotes { session_id: i64 },
}

impl SaveTarget {
    async fn save(self, text: String) -> Result<i64, crate::domain::error::AppError> {
        match self {
            SaveTarget::Answer { attempt_id } => {
                crate::api::practice::save_draft(attempt_id, text).await
            }
            SaveTarget::SessionNotes { session_id } => {
                crate::api::sessions::autosave_session_notes(session_id, text).await
            }
        }
    }
}

/// A textarea whose text is saved to the server as it is typed. Once hydrated, typing is saved
/// a moment after it stops (one save in flight, so an older save can never overwrite a newer
/// one), a failed save is retried, and leaving the page with unsaved typing asks first. It
/// sits in a form whose submit button saves the same text without JavaScript.
#[island]
pub fn AutosaveBox(
    target: SaveTarget,
    /// form field name and element id
    name: String,
    label: String,
    hint: String,
    initial: String,
    max_chars: usize,
    rows: u32,
) -> impl IntoView {
    let text = RwSignal::new(initial.clone());
    let length = move || text.with(|t| t.chars().count());
    let state = RwSignal::new(SaveState::Saved);
    let hydrated = RwSignal::new(false);
    // Edits counted up on each input; `saved` is the count the server has.
    let edits = StoredValue::new(0u64);
    let saved = StoredValue::new(0u64);
    let in_flight = StoredValue::new(false);

    let save = move || {
        if in_flight.get_value() || edits.get_value() == saved.get_value() {
            return;
        }
        in_flight.set_value(true);
        let version = edits.get_value();
        let body = text.get_untracked();
        state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            let result = target.save(body).await;
            in_flight.set_value(false);
            match result {
                Ok(_) => {
                    saved.set_value(version);
                    state.set(if edits.get_value() == version {
                        SaveState::Saved
                    } else {
                        SaveState::Unsaved
                    });
                }
                Err(e) => state.set(SaveState::Failed(e.to_string())),
            }
        });
    };

    Effect::new(move |_| {
        hydrated.set(true);
        let handle = set_interval_with_handle(save, AUTOSAVE_EVERY).ok();
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if edits.get_value() != saved.get_value() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
            unload.remove();
        });
    });

    let status = move || match state.get() {
        SaveState::Saved if hydrated.get() => "All changes saved.".to_string(),
        SaveState::Saved => {
            "Saved on the server. Without JavaScript, save with the button below.".to_string()
        }
        SaveState::Unsaved => "Unsaved changes\u{2026}".to_string(),
        SaveState::Saving => "Saving\u{2026}".to_string(),
        SaveState::Failed(why) => format!("Not saved yet: {why} Retrying\u{2026}"),
    };
    let hint_id = format!("{name}-hint");
    let status_id = format!("{name}-status");
    view! {
        <div class="answer-box">
            <label for=name.clone()>{label}</label>
            <p class="hint" id=hint_id.clone()>{hint}</p>
            <textarea
                id=name.clone()
                name=name.clone()
                rows=rows.to_string()
                maxlength=max_chars.to_string()
                aria-describedby=format!("{hint_id} {status_id}")
                spellcheck="true"
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    edits.update_value(|e| *e += 1);
                    if !in_flight.get_value() {
                        state.set(SaveState::Unsaved);
                    }
                }
            >
                {crate::components::form::textarea_text(&initial)}
            </textarea>
            <div class="answer-meta">
                <p id=status_id class="save-status" role="status"
                    class:failed=move || matches!(state.get(), SaveState::Failed(_))>
                    {status}
                </p>
                <p class="char-count">
                    {move || format!("{} / {} characters", length(), max_chars)}
                </p>
            </div>
        </div>
    }
}
