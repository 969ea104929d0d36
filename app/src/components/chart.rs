//! Score charts, drawn as SVG on the server: no chart library, no JavaScript. Each chart is an
//! image with a text alternative; the numbers are also in a table beside it.
use crate::domain::number::fixed;
use crate::domain::practice::{date, DimensionSeries};
use leptos::prelude::*;

const W: f64 = 320.0;
const H: f64 = 128.0;
const PAD_L: f64 = 26.0;
const PAD_R: f64 = 10.0;
const PAD_T: f64 = 10.0;
const PAD_B: f64 = 14.0;

fn y_of(score: f64) -> f64 {
    PAD_T + (4.0 - score) / 3.0 * (H - PAD_T - PAD_B)
}

/// Where time `t` falls between the first and last score shown.
fn x_of(t: i64, first: i64, last: i64) -> f64 {
    if last <= first {
        PAD_L + (W - PAD_L - PAD_R) / 2.0
    } else {
        PAD_L + (t - first) as f64 / (last - first) as f64 * (W - PAD_L - PAD_R)
    }
}

/// Chart coordinates of one series: (x, y, time, score).
fn plot(points: &[(i64, i64, i64)], first: i64, last: i64) -> Vec<(f64, f64, i64, i64)> {
    points
        .iter()
        .map(|(_, at, score)| (x_of(*at, first, last), y_of(*score as f64), *at, *score))
        .collect()
}

fn polyline(points: &[(f64, f64, i64, i64)]) -> String {
    points
        .iter()
        .map(|(x, y, _, _)| format!("{},{}", fixed(*x, 1), fixed(*y, 1)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One dimension's self-scores over time, 1 to 4, oldest on the left.
#[component]
pub fn ScoreTrend(series: DimensionSeries) -> impl IntoView {
    let n = series.points.len();
    let times = series
        .points
        .iter()
        .chain(series.interviewer_points.iter())
        .map(|p| p.1);
    let (first, last) = times.fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
    let points = plot(&series.points, first, last);
    let theirs = plot(&series.interviewer_points, first, last);
    let line = polyline(&points);
    let their_line = polyline(&theirs);
    let latest = series.points.last().map(|p| p.2);
    let first = series.points.first().map(|p| p.2);
    let trend = match (first, latest) {
        (Some(a), Some(b)) if b > a => "up",
        (Some(a), Some(b)) if b < a => "down",
        _ => "level",
    };
    let id = format!("trend-{}", series.key);
    let list = |points: &[(i64, i64, i64)]| {
        points
            .iter()
            .map(|p| p.2.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut description = format!(
        "{} over {} attempts: {}. Latest {}.",
        series.name,
        n,
        list(&series.points),
        latest.unwrap_or_default()
    );
    if !theirs.is_empty() {
        description.push_str(&format!(
            " Interviewers: {}.",
            list(&series.interviewer_points)
        ));
    }
    view! {
        <figure class="trend" data-dimension=series.key.clone()>
            <figcaption>
                <span class="trend-name">{series.name.clone()}</span>
                <span class=format!("trend-latest trend-{trend}")>
                    {latest.map(|l| format!("{l}/4"))}
                    <span class="visually-hidden">{format!(", trend {trend}")}</span>
                </span>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby=format!("{id}-desc")
                preserveAspectRatio="none" class="trend-chart">
                <desc id=format!("{id}-desc")>{description}</desc>
                {(1..=4).map(|s| {
                    let y = fixed(y_of(s as f64), 1);
                    let label_y = fixed(y_of(s as f64) + 4.0, 1);
                    view! {
                        <line class="grid" x1=PAD_L x2=W - PAD_R y1=y.clone() y2=y></line>
                        <text class="axis" x=PAD_L - 8.0 y=label_y text-anchor="end">{s}</text>
                    }
                }).collect_view()}
                {(!theirs.is_empty()).then(|| view! {
                    <polyline class="series-interviewer" points=their_line fill="none"></polyline>
                })}
                {theirs.iter().map(|(x, y, at, score)| view! {
                    <rect class="point-interviewer" x=fixed(x - 3.5, 1) y=fixed(y - 3.5, 1)
                        width="7" height="7">
                        <title>{format!("Interviewer, {}: {score}", date(*at))}</title>
                    </rect>
                }).collect_view()}
                <polyline class="series" points=line fill="none"></polyline>
                {points.into_iter().map(|(x, y, at, score)| view! {
                    <circle class="point" cx=fixed(x, 1) cy=fixed(y, 1) r="3.5">
                        <title>{format!("{}: {score}", date(at))}</title>
                    </circle>
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// How often the candidate's ticks and the assessor's reading agreed, answer by answer, as a
/// share of key points (0 to 100%), oldest on the left.
#[component]
pub fn AgreementTrend(points: Vec<(i64, i64, i64, i64)>) -> impl IntoView {
    let (first, last) = points
        .iter()
        .fold((i64::MAX, i64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let share = |p: &(i64, i64, i64, i64)| {
        if p.3 > 0 {
            p.2 as f64 / p.3 as f64
        } else {
            0.0
        }
    };
    // 0% at the bottom, 100% at the top, on the score chart's frame.
    let y = |s: f64| y_of(1.0 + 3.0 * s);
    let plotted: Vec<(f64, f64, i64, f64)> = points
        .iter()
        .map(|p| (x_of(p.1, first, last), y(share(p)), p.1, share(p)))
        .collect();
    let line = plotted
        .iter()
        .map(|(x, y, _, _)| format!("{},{}", fixed(*x, 1), fixed(*y, 1)))
        .collect::<Vec<_>>()
        .join(" ");
    let description = format!(
        "Agreement with the assessor over {} answers: {}.",
        points.len(),
        points
            .iter()
            .map(|p| format!("{}%", fixed(share(p) * 100.0, 0)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    view! {
        <figure class="trend agreement-trend">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="agreement-desc"
                preserveAspectRatio="none" class="trend-chart">
                <desc id="agreement-desc">{description}</desc>
                {[0.0, 0.5, 1.0].into_iter().map(|s| {
                    let gy = fixed(y(s), 1);
                    let label_y = fixed(y(s) + 4.0, 1);
                    view! {
                        <line class="grid" x1=PAD_L x2=W - PAD_R y1=gy.clone() y2=gy></line>
                        <text class="axis" x=PAD_L - 4.0 y=label_y text-anchor="end">{fixed(s * 100.0, 0)}</text>
                    }
                }).collect_view()}
                <polyline class="series" points=line fill="none"></polyline>
                {plotted.into_iter().map(|(x, py, at, s)| view! {
                    <circle class="point" cx=fixed(x, 1) cy=fixed(py, 1) r="3.5">
                        <title>{format!("{}: {}% of key points", date(at), fixed(s * 100.0, 0))}</title>
                    </circle>
                }).collect_view()}
            </svg>
        </figure>
    }
}
