//! The live parts of a mock session: the interviewer's checklist and follow-ups, and the
//! candidate's screen. Both render whole on the server and work as plain forms and reloads
//! without JavaScript; hydrated, they act in place and the candidate screen follows the
//! session as it happens (server-sent events).
use crate::domain::library::KeyPoint;
use crate::domain::practice::{clock, Mark};
use crate::domain::session::{CandidateScreen, ConsoleFollowUp, SessionStatus};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A follow-up is worth asking when a key point it probes is ticked missed or partly: the
/// question gives the candidate the chance to show it.
fn suggested(f: &ConsoleFollowUp, marks: &[(String, Option<Mark>)]) -> bool {
    !f.revealed
        && f.probes.iter().any(|p| {
            marks
                .iter()
                .any(|(k, m)| k == p && matches!(m, Some(Mark::Missed | Mark::Partly)))
        })
}

/// The key-point checklist (one click, or one key: C, P, M, or X to clear, on a focused row)
/// and the follow-up questions with their Reveal buttons.
#[island]
pub fn ConsoleBoard(
    session_id: i64,
    key_points: Vec<(KeyPoint, Option<Mark>)>,
    follow_ups: Vec<ConsoleFollowUp>,
    /// a shadow, or an ended session: shown, not changed
    read_only: bool,
    /// the assessor's reading of the interviewer's saved notes: key points they seem to cover
    /// (a suggestion beside the checklist, never a mark)
    note_readings: Vec<(String, Mark)>,
) -> impl IntoView {
    let marks = RwSignal::new(
        key_points
            .iter()
            .map(|(k, m)| (k.key.clone(), *m))
            .collect::<Vec<_>>(),
    );
    let follow_ups = RwSignal::new(follow_ups);
    let problem = RwSignal::new(None::<String>);

    let set_mark = move |key: String, mark: Option<Mark>| {
        let before = marks.get_untracked();
        marks.update(|all| {
            if let Some(entry) = all.iter_mut().find(|(k, _)| *k == key) {
                entry.1 = mark;
            }
        });
        leptos::task::spawn_local(async move {
            let value = mark.map(|m| m.key().to_string()).unwrap_or_default();
            match crate::api::sessions::mark_key_point(session_id, key, value).await {
                Ok(()) => problem.set(None),
                Err(e) => {
                    marks.set(before);
                    problem.set(Some(format!("Not saved: {e}")));
                }
            }
        });
    };
    let reveal = move |position: i64| {
        leptos::task::spawn_local(async move {
            match crate::api::sessions::reveal_follow_up(session_id, position).await {
                Ok(()) => {
                    problem.set(None);
                    follow_ups.update(|all| {
                        if let Some(f) = all.iter_mut().find(|f| f.position == position) {
                            f.revealed = true;
                        }
                    });
                }
                Err(e) => problem.set(Some(format!("Not revealed: {e}"))),
            }
        });
    };

    let mark_url = crate::api::sessions::MarkKeyPoint::PATH;
    let reveal_url = crate::api::sessions::RevealFollowUp::PATH;
    view! {
        <div class="console-board">
            <p class="form-error" role="alert" hidden=move || problem.get().is_none()>
                {move || problem.get()}
            </p>
            <section aria-labelledby="checklist-heading" id="checklist">
                <h2 id="checklist-heading">"Key points"</h2>
                {(!read_only).then(|| view! {
                    <p class="hint">"Click, or focus a row and press C (covered), P (partly), M (missed), X (clear)."</p>
                })}
                <ol class="checklist">
                    {key_points.into_iter().map(|(k, _)| {
                        let key = k.key.clone();
                        let current = {
                            let key = key.clone();
                            move || marks.with(|all| all.iter().find(|(x, _)| *x == key).and_then(|(_, m)| *m))
                        };
                        let on_key = {
                            let key = key.clone();
                            move |ev: leptos::ev::KeyboardEvent| {
                                let mark = match ev.key().as_str() {
                                    "c" | "C" => Some(Some(Mark::Covered)),
                                    "p" | "P" => Some(Some(Mark::Partly)),
                                    "m" | "M" => Some(Some(Mark::Missed)),
                                    "x" | "X" => Some(None),
                                    _ => None,
                                };
                                if let Some(mark) = mark {
                                    if !read_only {
                                        ev.prevent_default();
                                        set_mark(key.clone(), mark);
                                    }
                                }
                            }
                        };
                        let current_class = current.clone();
                        view! {
                            <li class="checklist-row" data-key=key.clone()
                                data-mark=move || current_class().map(Mark::key).unwrap_or("none")
                                on:keydown=on_key>
                                <span class="kp-label" id=format!("kp-{key}")>{k.label.clone()}</span>
                                {note_readings.iter().find(|(x, _)| *x == key).map(|(_, m)| view! {
                                    <span class="kp-suggestion">{format!("Your session notes suggest: {}", m.label().to_lowercase())}</span>
                                })}
                                {if read_only {
                                    let current = current.clone();
                                    view! { <span class="kp-mark">{move || current().map(Mark::label).unwrap_or("Not marked")}</span> }.into_any()
                                } else {
                                    view! {
                                        <form method="post" action=mark_url class="mark-buttons"
                                            aria-labelledby=format!("kp-{key}")>
                                            <input type="hidden" name="session_id" value=session_id.to_string()/>
                                            <input type="hidden" name="key" value=key.clone()/>
                                            {Mark::ALL.map(|m| {
                                                let key = key.clone();
                                                let current = current.clone();
                                                let pressed = current.clone();
                                                view! {
                                                    <button type="submit" name="mark" value=m.key()
                                                        class=format!("mark-button mark-{}", m.key())
                                                        aria-pressed=move || (pressed() == Some(m)).to_string()
                                                        on:click=move |ev| {
                                                            ev.prevent_default();
                                                            let next = if current() == Some(m) { None } else { Some(m) };
                                                            set_mark(key.clone(), next);
                                                        }>
                                                        {m.label()}
                                                    </button>
                                                }
                                            }).collect_view()}
                                        </form>
                                    }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <section aria-labelledby="follow-ups-heading" id="follow-ups">
                <h2 id="follow-ups-heading">"Follow-up questions"</h2>
                <ol class="console-follow-ups">
                    {move || follow_ups.get().into_iter().map(|f| {
                        {
                            let position = f.position;
                            let is_suggested = {
                                let f = f.clone();
                                move || marks.with(|m| suggested(&f, m))
                            };
                            let suggested_class = is_suggested.clone();
                            view! {
                                <li class:revealed=f.revealed class:suggested=suggested_class>
                                    <div class="prose" inner_html=f.html.clone()></div>
                                    <div class="follow-up-actions">
                                        {move || is_suggested().then(|| view! { <span class="badge suggested-badge">"Suggested: probes a key point not yet covered"</span> })}
                                        {if f.revealed {
                                            view! { <span class="badge">"Shown to the candidate"</span> }.into_any()
                                        } else if read_only {
                                            ().into_any()
                                        } else {
                                            view! {
                                                <form method="post" action=reveal_url>
                                                    <input type="hidden" name="session_id" value=session_id.to_string()/>
                                                    <input type="hidden" name="follow_up" value=position.to_string()/>
                                                    <button type="submit" class="button small"
                                                        on:click=move |ev| { ev.prevent_default(); reveal(position); }>
                                                        "Reveal"
                                                    </button>
                                                </form>
                                            }.into_any()
                                        }}
                                    </div>
                                </li>
                            }
                        }
                    }).collect_view()}
                </ol>
            </section>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn browser_now() -> i64 {
    js_sys::Date::now() as i64
}

/// Where the live connection stands, for the candidate.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "set by the browser code")
)]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Server-rendered: reload to catch up.
    Static,
    Live,
    Reconnecting,
    Ended,
}

impl Link {
    fn key(self) -> &'static str {
        match self {
            Link::Static => "static",
            Link::Live => "live",
            Link::Reconnecting => "reconnecting",
            Link::Ended => "ended",
        }
    }
}

/// The candidate's screen: the prompt, the follow-ups revealed so far, the clock. Hydrated, it
/// listens for changes and fetches the new state at once; a dropped connection reconnects by
/// itself and catches up.
#[island]
pub fn LiveScreen(token: String, initial: CandidateScreen) -> impl IntoView {
    let screen = RwSignal::new(initial.clone());
    let link = RwSignal::new(if initial.status == SessionStatus::Ended {
        Link::Ended
    } else {
        Link::Static
    });
    let now = RwSignal::new(initial.now);

    #[cfg(feature = "hydrate")]
    {
        let token = token.clone();
        Effect::new(move |_| {
            let skew = now.get_untracked() - browser_now();
            let tick = set_interval_with_handle(
                move || now.set(browser_now() + skew),
                std::time::Duration::from_secs(1),
            )
            .ok();
            connect(token.clone(), screen, link);
            on_cleanup(move || {
                if let Some(h) = tick {
                    h.clear();
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = &token;

    let status_text = move || match link.get() {
        Link::Static => "Reload the page to see new questions.",
        Link::Live => "Live: new questions appear here as your interviewer asks them.",
        Link::Reconnecting => "Connection lost. Reconnecting\u{2026}",
        Link::Ended => "This interview has ended. Thank you!",
    };
    view! {
        <div class="live-screen" data-link=move || link.get().key()>
            <div class="attempt-bar">
                <p class="timer-display" role="timer" aria-atomic="true">
                    {move || format!("This scenario {}", clock(now.get() - screen.with(|s| s.item_started_at)))}
                </p>
                <p class="hint">
                    {move || screen.with(|s| format!(
                        "Scenario {} of {} \u{b7} interview {} of {} planned minutes",
                        s.position + 1, s.count,
                        (now.get() - s.session_started_at).max(0) / 60_000, s.planned_minutes
                    ))}
                </p>
                <p class="live-status" role="status" id="live-status">{status_text}</p>
                {move || (link.get() == Link::Static).then(|| view! { <a href="" class="button small secondary">"Reload"</a> })}
            </div>
            <h1>{move || screen.with(|s| s.title.clone())}</h1>
            <section class="prompt" aria-labelledby="prompt-heading">
                <h2 id="prompt-heading">"The prompt"</h2>
                <div class="prose" inner_html=move || screen.with(|s| s.prompt_html.clone())></div>
            </section>
            <section aria-labelledby="asked-heading">
                <h2 id="asked-heading">"Follow-up questions"</h2>
                {move || {
                    let revealed = screen.with(|s| s.revealed.clone());
                    if revealed.is_empty() {
                        view! { <p class="hint" id="no-follow-ups">"None yet. Your interviewer will add them here as the conversation goes."</p> }.into_any()
                    } else {
                        view! {
                            <ol class="revealed-follow-ups" aria-live="polite">
                                {revealed.into_iter().map(|html| view! { <li inner_html=html></li> }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                }}
            </section>
        </div>
    }
}

/// Listen to the session's events; on each, fetch the screen if it changed. Reconnects after
/// the browser gives up (EventSource retries by itself on a dropped connection, but not after
/// an error status).
#[cfg(feature = "hydrate")]
fn connect(token: String, screen: RwSignal<CandidateScreen>, link: RwSignal<Link>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    if link.get_untracked() == Link::Ended {
        return;
    }
    let Ok(source) = EventSource::new(&format!("/join/{token}/events")) else {
        link.set(Link::Reconnecting);
        return;
    };
    let on_open = Closure::<dyn FnMut()>::new(move || link.set(Link::Live));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let fetch_token = token.clone();
    let source_for_revision = source.clone();
    let on_revision = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let revision: i64 = ev
            .data()
            .as_string()
            .and_then(|d| d.parse().ok())
            .unwrap_or(-1);
        if revision == screen.with_untracked(|s| s.revision) {
            return;
        }
        let token = fetch_token.clone();
        let source = source_for_revision.clone();
        leptos::task::spawn_local(async move {
            match crate::api::sessions::join_screen(token).await {
                Ok(next) => screen.set(next),
                Err(crate::domain::error::AppError::Gone(_)) => {
                    source.close();
                    link.set(Link::Ended);
                    screen.update(|s| s.status = SessionStatus::Ended);
                }
                Err(_) => {}
            }
        });
    });
    let _ =
        source.add_event_listener_with_callback("revision", on_revision.as_ref().unchecked_ref());
    on_revision.forget();

    // The session ended: the server closes the stream after saying so. Close it here too before
    // the browser tries to reconnect (which would be answered 410), and ask for nothing more.
    let source_for_end = source.clone();
    let on_end = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        source_for_end.close();
        link.set(Link::Ended);
        screen.update(|s| s.status = SessionStatus::Ended);
    });
    let _ = source.add_event_listener_with_callback("ended", on_end.as_ref().unchecked_ref());
    on_end.forget();

    let source_for_error = source.clone();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        if link.get_untracked() == Link::Ended {
            source_for_error.close();
            return;
        }
        link.set(Link::Reconnecting);
        // 2 = CLOSED: the browser will not retry (e.g. the session ended: 410). Check why, and
        // start again if it is still going.
        if source_for_error.ready_state() == 2 {
            let token = token.clone();
            leptos::task::spawn_local(async move {
                match crate::api::sessions::join_screen(token.clone()).await {
                    Err(crate::domain::error::AppError::Gone(_)) => {
                        link.set(Link::Ended);
                        screen.update(|s| s.status = SessionStatus::Ended);
                    }
                    Ok(next) => {
                        screen.set(next);
                        set_timeout(
                            move || connect(token, screen, link),
                            std::time::Duration::from_secs(2),
                        );
                    }
                    Err(_) => set_timeout(
                        move || connect(token, screen, link),
                        std::time::Duration::from_secs(3),
                    ),
                }
            });
        }
    });
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
}
