//! The last stage of an attempt: the answer key, the candidate's ticks beside the assessor's
//! reading with its evidence, and what was missed.
use super::*;

fn mark_text(m: Option<Mark>) -> &'static str {
    m.map(Mark::label).unwrap_or("\u{2014}")
}

/// Disagreement between the candidate's tick and the assessor worth a second look: one says
/// covered where the other says missed.
fn disagrees(mark: Option<Mark>, assessor: Mark) -> bool {
    matches!(
        (mark, assessor),
        (Some(Mark::Covered), Mark::Missed) | (Some(Mark::Missed), Mark::Covered)
    )
}

#[component]
pub(super) fn Reviewed(a: Attempt) -> impl IntoView {
    let (examples, answer_key): (Vec<_>, Vec<_>) = a
        .sections
        .iter()
        .cloned()
        .partition(|section| section.kind.is_example());
    let card: Option<Scorecard> = a.self_card.clone();
    let mean = card.as_ref().map(Scorecard::mean).unwrap_or_default();
    let others = a.other_cards.clone();
    let findings = a.assessment.clone();
    let missed: Vec<(String, String)> = findings
        .iter()
        .filter_map(|f| {
            let mark = card.as_ref().and_then(|c| c.mark(&f.key));
            match (mark, f.mark) {
                (Some(Mark::Missed), _) => Some((f.label.clone(), "you marked it missed".into())),
                (Some(Mark::Partly), _) => {
                    Some((f.label.clone(), "you marked it partly covered".into()))
                }
                (_, Mark::Missed) => Some((
                    f.label.clone(),
                    format!("the assessor: {}", f.reason.text()),
                )),
                _ => None,
            }
        })
        .collect();
    let pieces = crate::domain::assess::pieces(&a.answer_md, &findings);
    let disagreements = findings
        .iter()
        .filter(|f| disagrees(card.as_ref().and_then(|c| c.mark(&f.key)), f.mark))
        .count();
    view! {
        <div class="reviewed" id="result">
            <section class="result-summary panel" aria-labelledby="result-heading">
                <h2 id="result-heading">"Your self-score"</h2>
                <p class="big-number">{format!("{} / 4", score_text(mean))}</p>
                {a.next_due.map(|d| view! {
                    <p>{format!("Next review of this scenario: {}", date(d))}</p>
                })}
                <div class="result-actions">
                    <StartForm slug=a.scenario.slug.clone() version=a.scenario.version label="Practise again" choose_limit=false/>
                    <a class="button secondary" href=format!("/history?scenario={}", a.scenario.slug)>"All attempts at this scenario"</a>
                    <a class="button secondary" href="/practice">"Practise next"</a>
                </div>
            </section>

            <section aria-labelledby="scores-heading">
                <h2 id="scores-heading">"Scores by dimension"</h2>
                <div class="table-scroll">
                    <table class="scores">
                        <thead>
                            <tr>
                                <th scope="col">"Dimension"</th>
                                <th scope="col">"You"</th>
                                {others.iter().map(|o| view! {
                                    <th scope="col">{o.scorer.clone().unwrap_or_else(|| "Interviewer".into())}</th>
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {a.dimensions.iter().map(|d| view! {
                                <tr>
                                    <th scope="row">{d.name.clone()}</th>
                                    <td>{card.as_ref().and_then(|c| c.score(&d.key)).map(|s| s.to_string())}</td>
                                    {others.iter().map(|o| view! {
                                        <td>{o.score(&d.key).map(|s| s.to_string())}</td>
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>

            <section aria-labelledby="missed-heading">
                <h2 id="missed-heading">"What you missed"</h2>
                {if missed.is_empty() {
                    view! { <p>"Nothing: every key point is covered, by your ticks and by the assessor's reading."</p> }.into_any()
                } else {
                    view! {
                        <ul class="missed">
                            {missed.into_iter().map(|(label, why)| view! {
                                <li><strong>{label}</strong>{format!(" \u{2014} {why}")}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>

            {(!findings.is_empty()).then(|| view! {
                <section aria-labelledby="kp-heading" class="assessor">
                    <h2 id="kp-heading">"Key points: your ticks and the assessor's reading"</h2>
                    <p class="hint">
                        "The assessor reads your answer sentence by sentence for each key point: said in a sentence of "
                        "your own is covered, only named (in a list of keywords) is partly, argued against or absent is "
                        "missed. It is a second opinion, weak on paraphrase and irony: where it and your tick "
                        "disagree, read the marked sentences again."
                    </p>
                    {(disagreements > 0).then(|| view! {
                        <p class="notice disagreements" role="status">
                            {format!("You and the assessor disagree on {disagreements} key point{}.", if disagreements == 1 { "" } else { "s" })}
                        </p>
                    })}
                    <div class="table-scroll">
                        <table class="key-point-check">
                            <thead>
                                <tr>
                                    <th scope="col">"#"</th>
                                    <th scope="col">"Key point"</th>
                                    <th scope="col">"Your tick"</th>
                                    <th scope="col">"The assessor"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {findings.iter().enumerate().map(|(i, f)| {
                                    let mark = card.as_ref().and_then(|c| c.mark(&f.key));
                                    let flag = disagrees(mark, f.mark);
                                    let n = i + 1;
                                    view! {
                                        <tr class:disagree=flag class=format!("verdict-{}", f.mark.key())>
                                            <td>{n}</td>
                                            <th scope="row">{f.label.clone()}</th>
                                            <td>{mark_text(mark)}</td>
                                            <td>
                                                <strong>{f.mark.label()}</strong>
                                                {format!(": {}", f.reason.text())}
                                                {(!f.evidence.is_empty()).then(|| view! {
                                                    " " <a href=format!("#evidence-{n}")>{format!("(see {} marked)", if f.evidence.len() == 1 { "the sentence" } else { "the sentences" })}</a>
                                                })}
                                                {flag.then(|| view! { <span class="flag">" Worth a look"</span> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <h3>"Your answer, as the assessor read it"</h3>
                    <p class="hint">"Marked: the sentences that count as evidence, each with the numbers of the key points it supports."</p>
                    <div class="assessed-answer">
                        {
                            let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
                            pieces.into_iter().map(|p| {
                                if p.points.is_empty() {
                                    view! { <span>{p.text}</span> }.into_any()
                                } else {
                                    let first: Vec<usize> = p.points.iter().copied().filter(|n| seen.insert(*n)).collect();
                                    // Every point this sentence is the first evidence of gets
                                    // its anchor, each around the sentence (the mark holds one,
                                    // spans wrapped around it the rest), so every point's link
                                    // lands on, and outlines, the sentence itself.
                                    let id = first.first().map(|n| format!("evidence-{n}"));
                                    let more: Vec<String> = first.iter().skip(1).map(|n| format!("evidence-{n}")).collect();
                                    let label = format!("Key point{} {}", if p.points.len() == 1 { "" } else { "s" }, p.points.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "));
                                    let numbers = p.points.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
                                    let title = label.clone();
                                    let mut marked = view! {
                                        <mark id=id title=title>{p.text}<sup class="points"><span aria-hidden="true">{numbers}</span><span class="visually-hidden">{format!(" ({label})")}</span></sup></mark>
                                    }.into_any();
                                    for id in more {
                                        marked = view! { <span id=id>{marked}</span> }.into_any();
                                    }
                                    marked
                                }
                            }).collect_view()
                        }
                    </div>
                    <p class="hint method">{format!("Read by the assessor {}.", a.assessment_method)}</p>
                </section>
            })}

            <YourAnswer html=a.answer_html.clone() duration_ms=a.duration_ms mock=a.mock/>
            <Prompt html=a.prompt_html.clone()/>

            <section aria-labelledby="key-heading" class="answer-key">
                <h2 id="key-heading">"Answer key"</h2>
                {answer_key.into_iter().map(|section| view! {
                    <details class="key-part" open>
                        <summary>{section.kind.heading()}</summary>
                        <div class="prose" inner_html=section.html></div>
                    </details>
                }).collect_view()}
            </section>
            {(!examples.is_empty()).then(|| view! {
                <section aria-labelledby="examples-heading" class="answer-key">
                    <h2 id="examples-heading">"Example answers"</h2>
                    <p class="hint">"Now that you have scored yours: what answers at level 2 and at level 4 sound like."</p>
                    {examples.into_iter().map(|section| view! {
                        <details class="key-part example">
                            <summary>{section.kind.heading()}</summary>
                            <div class="prose" inner_html=section.html></div>
                        </details>
                    }).collect_view()}
                </section>
            })}
        </div>
    }
}
