//! Score charts, drawn as SVG on the server: no chart library, no JavaScript. Each chart is an
//! image with a text alternative; the numbers are also in a table beside it.
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

fn x_of(i: usize, n: usize) -> f64 {
    if n <= 1 {
        PAD_L + (W - PAD_L - PAD_R) / 2.0
    } else {
        PAD_L + i as f64 * (W - PAD_L - PAD_R) / (n - 1) as f64
    }
}

/// One dimension's self-scores over time, 1 to 4, oldest on the left.
#[component]
pub fn ScoreTrend(series: DimensionSeries) -> impl IntoView {
    let n = series.points.len();
    let points: Vec<(f64, f64, i64, i64)> = series
        .points
        .iter()
        .enumerate()
        .map(|(i, (_, at, score))| (x_of(i, n), y_of(*score as f64), *at, *score))
        .collect();
    let line = points
        .iter()
        .map(|(x, y, _, _)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let latest = series.points.last().map(|p| p.2);
    let first = series.points.first().map(|p| p.2);
    let trend = match (first, latest) {
        (Some(a), Some(b)) if b > a => "up",
        (Some(a), Some(b)) if b < a => "down",
        _ => "level",
    };
    let id = format!("trend-{}", series.key);
    let description = format!(
        "{} over {} attempts: {}. Latest {}.",
        series.name,
        n,
        series
            .points
            .iter()
            .map(|p| p.2.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        latest.unwrap_or_default()
    );
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
                    let y = format!("{:.1}", y_of(s as f64));
                    let label_y = format!("{:.1}", y_of(s as f64) + 4.0);
                    view! {
                        <line class="grid" x1=PAD_L x2=W - PAD_R y1=y.clone() y2=y></line>
                        <text class="axis" x=PAD_L - 8.0 y=label_y text-anchor="end">{s}</text>
                    }
                }).collect_view()}
                <polyline class="series" points=line fill="none"></polyline>
                {points.into_iter().map(|(x, y, at, score)| view! {
                    <circle class="point" cx=format!("{x:.1}") cy=format!("{y:.1}") r="3.5">
                        <title>{format!("{}: {score}", date(at))}</title>
                    </circle>
                }).collect_view()}
            </svg>
        </figure>
    }
}
