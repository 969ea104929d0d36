//! The parts of every scorecard form: a 1-to-4 choice per rubric dimension with its behavioural
//! anchors in view, and covered / partly / missed per key point. Field names are `scores[key]`
//! and `marks[key]`; errors and kept values come from the refused submission.
use crate::components::form::{field_error, kept_value};
use crate::domain::error::AppError;
use crate::domain::library::{KeyPoint, RubricDimension};
use crate::domain::practice::Mark;
use leptos::prelude::*;

#[component]
pub fn RubricFields(
    dimensions: Vec<RubricDimension>,
    error: Option<AppError>,
    /// prefix of element ids, so two forms on one page do not clash
    #[prop(default = "score")]
    id_prefix: &'static str,
) -> impl IntoView {
    dimensions
        .into_iter()
        .map(|d| {
            let name = format!("scores[{}]", d.key);
            let err = field_error(&error, &name);
            let kept = kept_value(&error, &name);
            let err_id = format!("{id_prefix}-{}-error", d.key);
            view! {
                <fieldset class="dimension-score" aria-describedby=err.is_some().then(|| err_id.clone())>
                    <legend>{d.name.clone()}</legend>
                    <p class="hint">{d.description.clone()}</p>
                    {err.clone().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
                    <div class="levels">
                        {d.levels.iter().enumerate().map(|(i, text)| {
                            let value = (i + 1).to_string();
                            let id = format!("{id_prefix}-{}-{}", d.key, i + 1);
                            view! {
                                <div class="level-choice">
                                    <input type="radio" id=id.clone() name=name.clone() value=value.clone()
                                        required=true
                                        checked=kept.as_deref() == Some(value.as_str())/>
                                    <label for=id>
                                        <span class="level-number">{value.clone()}</span>
                                        <span>{text.clone()}</span>
                                    </label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }
        })
        .collect_view()
}

#[component]
pub fn KeyPointMarks(
    /// each key point with the mark to preselect (a live tick), if any
    key_points: Vec<(KeyPoint, Option<Mark>)>,
    error: Option<AppError>,
    #[prop(default = "mark")] id_prefix: &'static str,
) -> impl IntoView {
    key_points
        .into_iter()
        .map(|(k, preset)| {
            let name = format!("marks[{}]", k.key);
            let err = field_error(&error, &name);
            let kept = kept_value(&error, &name).or(preset.map(|m| m.key().to_string()));
            let err_id = format!("{id_prefix}-{}-error", k.key);
            view! {
                <fieldset class="mark-choice" aria-describedby=err.is_some().then(|| err_id.clone())>
                    <legend>{k.label.clone()}</legend>
                    {err.clone().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
                    <div class="marks">
                        {Mark::ALL.map(|m| {
                            let id = format!("{id_prefix}-{}-{}", k.key, m.key());
                            view! {
                                <span class="mark-option">
                                    <input type="radio" id=id.clone() name=name.clone() value=m.key()
                                        required=true
                                        checked=kept.as_deref() == Some(m.key())/>
                                    <label for=id>{m.label()}</label>
                                </span>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }
        })
        .collect_view()
}
