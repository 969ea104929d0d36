//! Calibration charts, drawn as SVG on the server like the score trends: a strip plot of every
//! rater's score on one dimension, the team's agreement over time, and one rater's lean over
//! time. Each has a text alternative and the same numbers in a table beside it.
use crate::domain::calibration::{
    figure, signed, Agreement, DimensionResult, RaterTrend, DRIFT_THRESHOLD, RECENT_EXERCISES,
};
use crate::domain::number::fixed;
use crate::domain::practice::date;
use leptos::prelude::*;

const PAD_L: f64 = 30.0;
const PAD_R: f64 = 12.0;

/// Every rater's score on one dimension as a dot on a 1-4 line; dots on the same score stack
/// upwards. The team median is a bar, the expert key a diamond.
#[component]
pub fn StripPlot(d: DimensionResult) -> impl IntoView {
    const W: f64 = 220.0;
    const PAD_L: f64 = 16.0;
    const PAD_R: f64 = 16.0;
    let x_of = |score: f64| PAD_L + (score - 1.0) / 3.0 * (W - PAD_L - PAD_R);
    let given: Vec<(String, u8)> = d
        .scores
        .iter()
        .filter_map(|s| s.score.map(|v| (s.rater.clone(), v)))
        .collect();
    let tallest = (1..=4u8)
        .map(|v| given.iter().filter(|(_, s)| *s == v).count())
        .max()
        .unwrap_or(0)
        .max(1);
    let base = 24.0 + tallest as f64 * 14.0;
    let h = base + 22.0;
    let mut stacked = [0usize; 5];
    let dots: Vec<(f64, f64, String, u8)> = given
        .iter()
        .map(|(rater, s)| {
            let n = stacked[*s as usize];
            stacked[*s as usize] += 1;
            (
                x_of(f64::from(*s)),
                base - 9.0 - n as f64 * 14.0,
                rater.clone(),
                *s,
            )
        })
        .collect();
    let mut description = format!(
        "{}: {}.",
        d.name,
        given
            .iter()
            .map(|(r, s)| format!("{r} {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(m) = d.median {
        description.push_str(&format!(" Median {m}."));
    }
    if let Some(e) = d.expert {
        description.push_str(&format!(" Expert key {e}."));
    }
    let id = format!("strip-{}", d.key);
    view! {
        <svg viewBox=format!("0 0 {W} {h}") role="img" aria-labelledby=format!("{id}-desc") class="strip-plot">
            <desc id=format!("{id}-desc")>{description}</desc>
            <line class="grid" x1=PAD_L x2=W - PAD_R y1=base y2=base></line>
            {(1..=4).map(|s| {
                let x = fixed(x_of(f64::from(s)), 1);
                view! {
                    <line class="tick" x1=x.clone() x2=x.clone() y1=base y2=base + 4.0></line>
                    <text class="axis" x=x y=base + 16.0 text-anchor="middle">{s}</text>
                }
            }).collect_view()}
            {d.median.map(|m| {
                let x = fixed(x_of(m), 1);
                view! {
                    <line class="median" x1=x.clone() x2=x y1=8.0 y2=base>
                        <title>{format!("Team median {m}")}</title>
                    </line>
                }
            })}
            {d.expert.map(|e| {
                let x = x_of(f64::from(e));
                let y = 8.0;
                view! {
                    <polygon class="expert"
                        points=[(x, y - 6.0), (x + 6.0, y), (x, y + 6.0), (x - 6.0, y)].map(|(x, y): (f64, f64)| format!("{},{}", fixed(x, 1), fixed(y, 1))).join(" ")>
                        <title>{format!("Expert key {e}")}</title>
                    </polygon>
                }
            })}
            {dots.into_iter().map(|(x, y, rater, s)| view! {
                <circle class="rater-dot" cx=fixed(x, 1) cy=fixed(y, 1) r="6">
                    <title>{format!("{rater}: {s}")}</title>
                </circle>
            }).collect_view()}
        </svg>
    }
}

const PAD_T: f64 = 10.0;
const PAD_B: f64 = 18.0;

/// Whether `n` points across a chart `w` wide are far enough apart for a dot each (3.5 px
/// dots, at least 8 px from centre to centre).
fn lean_dots_apart(n: usize, w: f64) -> bool {
    n < 2 || x_at(1, n, w) - x_at(0, n, w) >= 8.0
}

/// Where the i-th of n points falls across a chart `w` wide, kept clear of the axis labels.
fn x_at(i: usize, n: usize, w: f64) -> f64 {
    if n <= 1 {
        PAD_L + (w - PAD_L - PAD_R) / 2.0
    } else {
        PAD_L + 8.0 + i as f64 / (n - 1) as f64 * (w - PAD_L - PAD_R - 16.0)
    }
}

/// The team's alpha exercise by exercise, on a 0-1 scale with the tentative (0.667) and
/// reliable (0.800) lines. Negative alphas sit on the floor; undefined ones are gaps.
#[component]
pub fn AgreementTrend(points: Vec<(i64, i64, String, Agreement)>) -> impl IntoView {
    const W: f64 = 480.0;
    const H: f64 = 180.0;
    let y_of = |a: f64| PAD_T + (1.0 - a.clamp(0.0, 1.0)) * (H - PAD_T - PAD_B);
    let n = points.len();
    let plotted: Vec<(f64, f64, String, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, at, title, a))| {
            a.alpha
                .map(|v| (x_at(i, n, W), y_of(v), format!("{title}, {}", date(*at)), v))
        })
        .collect();
    let line = plotted
        .iter()
        .map(|(x, y, _, _)| format!("{},{}", fixed(*x, 1), fixed(*y, 1)))
        .collect::<Vec<_>>()
        .join(" ");
    let description = format!(
        "Krippendorff's alpha by exercise, oldest first: {}.",
        points
            .iter()
            .map(|(_, _, t, a)| format!("{t} {}", figure(a.alpha)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    view! {
        <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="agreement-trend-desc" class="trend-chart agreement-trend">
            <desc id="agreement-trend-desc">{description}</desc>
            {[(0.0, "0"), (0.667, ".667"), (0.8, ".800"), (1.0, "1")].map(|(v, label)| {
                let y = fixed(y_of(v), 1);
                view! {
                    <line class=if v == 0.8 { "threshold reliable" } else if v == 0.667 { "threshold tentative" } else { "grid" }
                        x1=PAD_L x2=W - PAD_R y1=y.clone() y2=y.clone()></line>
                    <text class="axis" x=PAD_L - 4.0 y=fixed(y_of(v) + 4.0, 1) text-anchor="end">{label}</text>
                }
            }).collect_view()}
            <polyline class="series" points=line fill="none"></polyline>
            {plotted.into_iter().map(|(x, y, label, v)| view! {
                <circle class="point" cx=fixed(x, 1) cy=fixed(y, 1) r="3.5">
                    <title>{format!("{label}: alpha {}", fixed(v, 3))}</title>
                </circle>
            }).collect_view()}
        </svg>
    }
}

/// One rater's mean lean (their score minus the team median) exercise by exercise, from -2 to
/// +2 points, with the drift band of ±0.5 shaded. A dot per exercise while the dots stay
/// apart; on a longer history (60 exercises put 660 overlapping dots on a team of 11, half
/// the page's markup) dots only on the recent exercises drift is judged on, the line and the
/// description carrying every one.
#[component]
pub fn LeanTrend(trend: RaterTrend) -> impl IntoView {
    const W: f64 = 260.0;
    let h = 120.0;
    let y_of = |v: f64| PAD_T + (2.0 - v.clamp(-2.0, 2.0)) / 4.0 * (h - PAD_T - PAD_B);
    let n = trend.points.len();
    let points: Vec<(f64, f64, i64, f64)> = trend
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (x_at(i, n, W), y_of(p.from_median), p.at, p.from_median))
        .collect();
    let line = points
        .iter()
        .map(|(x, y, _, _)| format!("{},{}", fixed(*x, 1), fixed(*y, 1)))
        .collect::<Vec<_>>()
        .join(" ");
    let id = format!("lean-{}", trend.rater_id.unwrap_or_default());
    let description = format!(
        "{}'s lean by exercise, oldest first: {}.",
        trend.rater,
        trend
            .points
            .iter()
            .map(|p| signed(p.from_median))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let band_top = y_of(DRIFT_THRESHOLD);
    let band_bottom = y_of(-DRIFT_THRESHOLD);
    let dotted_from = if lean_dots_apart(n, W) {
        0
    } else {
        n.saturating_sub(RECENT_EXERCISES)
    };
    view! {
        <svg viewBox=format!("0 0 {W} {h}") role="img" aria-labelledby=format!("{id}-desc") class="trend-chart lean-trend">
            <desc id=format!("{id}-desc")>{description}</desc>
            <rect class="band" x=PAD_L y=fixed(band_top, 1) width=W - PAD_L - PAD_R
                height=fixed(band_bottom - band_top, 1)></rect>
            {[(2.0, "+2"), (0.0, "0"), (-2.0, "\u{2212}2")].map(|(v, label)| {
                let y = fixed(y_of(v), 1);
                view! {
                    <line class="grid" x1=PAD_L x2=W - PAD_R y1=y.clone() y2=y></line>
                    <text class="axis" x=PAD_L - 4.0 y=fixed(y_of(v) + 4.0, 1) text-anchor="end">{label}</text>
                }
            }).collect_view()}
            <polyline class="series" points=line fill="none"></polyline>
            {points.into_iter().skip(dotted_from).map(|(x, y, at, v)| view! {
                <circle class="point" cx=fixed(x, 1) cy=fixed(y, 1) r="3.5">
                    <title>{format!("{}: {}", date(at), signed(v))}</title>
                </circle>
            }).collect_view()}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::lean_dots_apart;

    #[test]
    fn a_lean_chart_dots_every_exercise_only_while_the_dots_stay_apart() {
        assert!(lean_dots_apart(1, 260.0));
        assert!(lean_dots_apart(26, 260.0), "26 points are 8.1 px apart");
        assert!(!lean_dots_apart(27, 260.0), "27 points are 7.8 px apart");
        assert!(!lean_dots_apart(60, 260.0));
    }
}
