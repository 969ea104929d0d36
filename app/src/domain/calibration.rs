//! Team calibration: what raters scored, and what the scores say about the team. Pure
//! functions over the scores (the statistics themselves are in `agreement`), shared by the
//! exercise results, the team dashboard and the mock-session agreement.
use super::agreement::{alpha_band, complete_block, icc, krippendorff_alpha, median, Level};
use super::number::fixed;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rater whose mean distance from the team median over their recent exercises is above this
/// (in rubric points) is drifting.
pub const DRIFT_THRESHOLD: f64 = 0.5;
/// How many of a rater's latest revealed exercises "recent" means.
pub const RECENT_EXERCISES: usize = 5;
/// Revealed exercises a rater needs before the lead can confirm them as qualified.
pub const QUALIFY_MIN_EXERCISES: usize = 3;
/// Longest reference answer and rater notes, in characters.
pub const MAX_REFERENCE_CHARS: usize = 40_000;
pub const MAX_RATING_NOTES_CHARS: usize = 4_000;

/// One rater's scores on one exercise (or one scorer's on one mock attempt): dimension key to
/// 1..=4. A dimension can be missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// the account; None once it was deleted
    pub rater_id: Option<i64>,
    pub rater: String,
    pub scores: BTreeMap<String, u8>,
}

/// A rubric dimension as the results show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    pub key: String,
    pub name: String,
}

/// Agreement of a set of ratings: Krippendorff's alpha (ordinal) and the two-way random ICCs,
/// each with what it was computed on. Alpha takes gaps in its stride; the ICCs need every
/// rater to have scored every unit, so they use the largest gap-free block (see
/// [`complete_block`]) and say which raters and how many units that was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub alpha: Option<f64>,
    /// units that had two or more ratings (the ones alpha uses)
    pub units: usize,
    /// raters who scored at least one unit
    pub raters: usize,
    /// ICC(2,1): how far one rater's score can be trusted
    pub icc_single: Option<f64>,
    /// ICC(2,k): how far the mean of the `icc_raters` raters' scores can be trusted
    pub icc_average: Option<f64>,
    /// the units the ICCs were computed on: every one of them scored by every `icc_raters`
    pub icc_units: usize,
    /// the raters the ICCs were computed on, by name
    pub icc_raters: Vec<String>,
}

impl Agreement {
    /// `table[unit][rater]`, None where that rater did not score that unit; `names[rater]`.
    pub fn of(table: &[Vec<Option<f64>>], names: &[String]) -> Self {
        let width = table.iter().map(Vec::len).max().unwrap_or(0);
        let (icc_single, icc_average, icc_units, icc_raters) = match complete_block(table) {
            Some((rows, cols)) => {
                let block: Vec<Vec<Option<f64>>> = rows
                    .iter()
                    .map(|&r| cols.iter().map(|&c| table[r][c]).collect())
                    .collect();
                let iccs = icc(&block);
                let named = cols
                    .iter()
                    .map(|&c| {
                        names
                            .get(c)
                            .cloned()
                            .unwrap_or_else(|| "Former member".into())
                    })
                    .collect();
                (iccs.icc2_1, iccs.icc2_k, rows.len(), named)
            }
            None => (None, None, 0, Vec::new()),
        };
        Agreement {
            alpha: krippendorff_alpha(table, Level::Ordinal),
            units: table
                .iter()
                .filter(|u| u.iter().flatten().count() >= 2)
                .count(),
            raters: (0..width)
                .filter(|&c| table.iter().any(|r| r.get(c).copied().flatten().is_some()))
                .count(),
            icc_single,
            icc_average,
            icc_units,
            icc_raters,
        }
    }

    pub fn band(&self) -> &'static str {
        alpha_band(self.alpha)
    }
}

/// A statistic to three decimals, or "not defined" (one rater, no variation...). A value
/// outside [-1, 1] (ICC(2,k) reaches -12 when raters disagree systematically) is no
/// coefficient anyone can read, and says so; one that rounds to zero is 0.000, never -0.000.
pub fn figure(value: Option<f64>) -> String {
    match value {
        None => "not defined".into(),
        Some(v) if !(-1.0005..=1.0005).contains(&v) => {
            "not meaningful: raters disagree more than chance".into()
        }
        Some(v) if v.abs() < 0.0005 => "0.000".into(),
        Some(v) => fixed(v, 3),
    }
}

/// A signed deviation in points: "+0.50", "−1.00", "0.00".
pub fn signed(value: f64) -> String {
    if value.abs() < 0.005 {
        "0.00".into()
    } else if value > 0.0 {
        format!("+{}", fixed(value, 2))
    } else {
        format!("\u{2212}{}", fixed(-value, 2))
    }
}

/// One rater's score on one dimension, and how far it is from the team and the key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaterScore {
    pub rater: String,
    pub score: Option<u8>,
    pub from_median: Option<f64>,
    pub from_expert: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionResult {
    pub key: String,
    pub name: String,
    pub scores: Vec<RaterScore>,
    pub median: Option<f64>,
    /// highest minus lowest score
    pub range: Option<u8>,
    pub expert: Option<u8>,
}

/// One rater over a whole exercise: mean signed and absolute deviation from the team median
/// (positive: more lenient than the team) and from the expert key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaterSummary {
    pub rater_id: Option<i64>,
    pub rater: String,
    pub mean_from_median: Option<f64>,
    pub mean_abs_from_median: Option<f64>,
    pub mean_from_expert: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseResults {
    pub dimensions: Vec<DimensionResult>,
    pub raters: Vec<RaterSummary>,
    /// agreement over this exercise's dimensions (the units) and its raters
    pub agreement: Agreement,
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The results of one exercise.
pub fn exercise_results(
    dimensions: &[Dimension],
    ratings: &[Rating],
    expert: &BTreeMap<String, u8>,
) -> ExerciseResults {
    let results: Vec<DimensionResult> = dimensions
        .iter()
        .map(|d| {
            let given: Vec<f64> = ratings
                .iter()
                .filter_map(|r| r.scores.get(&d.key).map(|s| f64::from(*s)))
                .collect();
            let mid = median(&given);
            let expert = expert.get(&d.key).copied();
            let (lo, hi) = given
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
            DimensionResult {
                key: d.key.clone(),
                name: d.name.clone(),
                scores: ratings
                    .iter()
                    .map(|r| {
                        let score = r.scores.get(&d.key).copied();
                        RaterScore {
                            rater: r.rater.clone(),
                            score,
                            from_median: score.zip(mid).map(|(s, m)| f64::from(s) - m),
                            from_expert: score
                                .zip(expert)
                                .map(|(s, e)| f64::from(s) - f64::from(e)),
                        }
                    })
                    .collect(),
                median: mid,
                range: (!given.is_empty()).then_some((hi - lo) as u8),
                expert,
            }
        })
        .collect();
    let raters = ratings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let from_median: Vec<f64> = results
                .iter()
                .filter_map(|d| d.scores[i].from_median)
                .collect();
            RaterSummary {
                rater_id: r.rater_id,
                rater: r.rater.clone(),
                mean_from_median: mean(from_median.iter().copied()),
                mean_abs_from_median: mean(from_median.iter().map(|v| v.abs())),
                mean_from_expert: mean(results.iter().filter_map(|d| d.scores[i].from_expert)),
            }
        })
        .collect();
    let table: Vec<Vec<Option<f64>>> = dimensions
        .iter()
        .map(|d| {
            ratings
                .iter()
                .map(|r| r.scores.get(&d.key).map(|s| f64::from(*s)))
                .collect()
        })
        .collect();
    let names: Vec<String> = ratings.iter().map(|r| r.rater.clone()).collect();
    ExerciseResults {
        dimensions: results,
        raters,
        agreement: Agreement::of(&table, &names),
    }
}

/// A set of ratings of one thing (a revealed exercise, or a mock attempt with two or more
/// scorecards), as the team statistics read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub id: i64,
    pub title: String,
    pub at: i64,
    pub ratings: Vec<Rating>,
}

/// Agreement per dimension (units: the scored things) and overall (units: every thing x
/// dimension), with raters matched by account across things.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementReport {
    pub per_dimension: Vec<(Dimension, Agreement)>,
    pub overall: Agreement,
}

pub fn agreement_report(dimensions: &[Dimension], things: &[Scored]) -> AgreementReport {
    // Columns: one per account; a deleted account's rating gets a column of its own (the ICCs
    // leave such sparse columns out, see `Agreement::of`).
    let mut accounts: Vec<(i64, usize)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let columns: Vec<Vec<usize>> = things
        .iter()
        .map(|t| {
            t.ratings
                .iter()
                .map(|r| {
                    let known = r
                        .rater_id
                        .and_then(|id| accounts.iter().find(|(a, _)| *a == id).map(|(_, c)| *c));
                    known.unwrap_or_else(|| {
                        names.push(r.rater.clone());
                        if let Some(id) = r.rater_id {
                            accounts.push((id, names.len() - 1));
                        }
                        names.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    let width = names.len();
    let mut per_dimension = Vec::new();
    let mut all = Vec::new();
    for d in dimensions {
        let table: Vec<Vec<Option<f64>>> = things
            .iter()
            .zip(&columns)
            .map(|(t, cols)| {
                let mut row = vec![None; width];
                for (r, c) in t.ratings.iter().zip(cols) {
                    row[*c] = r.scores.get(&d.key).map(|s| f64::from(*s));
                }
                row
            })
            .collect();
        all.extend(table.iter().cloned());
        per_dimension.push((d.clone(), Agreement::of(&table, &names)));
    }
    AgreementReport {
        per_dimension,
        overall: Agreement::of(&all, &names),
    }
}

/// One rater's leniency on one exercise: mean signed deviation from that exercise's median.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeniencyPoint {
    pub exercise_id: i64,
    pub at: i64,
    pub from_median: f64,
    pub abs_from_median: f64,
}

/// Whether a rater is within the team's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// fewer than `QUALIFY_MIN_EXERCISES` revealed exercises scored
    TooFewExercises,
    /// recent mean distance from the median within `DRIFT_THRESHOLD`
    Within,
    /// recent mean distance above it
    Drifting,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaterTrend {
    pub rater_id: Option<i64>,
    pub rater: String,
    /// oldest first
    pub points: Vec<LeniencyPoint>,
    /// over the last `RECENT_EXERCISES`: mean signed and absolute deviation
    pub recent_lean: Option<f64>,
    pub recent_distance: Option<f64>,
    pub standing: Standing,
}

impl RaterTrend {
    /// "lenient", "severe" or "in line" for the recent lean.
    pub fn lean_words(&self) -> &'static str {
        match self.recent_lean {
            Some(l) if l >= 0.25 => "lenient",
            Some(l) if l <= -0.25 => "severe",
            Some(_) => "in line",
            None => "no exercises yet",
        }
    }
}

/// Each rater's leniency over time across `exercises` (oldest first), with drift flagged.
/// Distance, not the signed lean, decides drift: a rater two points high on one dimension and
/// two low on another averages to no lean but is far from the team.
pub fn rater_trends(dimensions: &[Dimension], exercises: &[Scored]) -> Vec<RaterTrend> {
    let mut trends: Vec<RaterTrend> = Vec::new();
    for ex in exercises {
        let results = exercise_results(dimensions, &ex.ratings, &BTreeMap::new());
        for r in results.raters {
            let (Some(id), Some(lean), Some(distance)) =
                (r.rater_id, r.mean_from_median, r.mean_abs_from_median)
            else {
                continue;
            };
            let point = LeniencyPoint {
                exercise_id: ex.id,
                at: ex.at,
                from_median: lean,
                abs_from_median: distance,
            };
            match trends.iter_mut().find(|t| t.rater_id == Some(id)) {
                Some(t) => t.points.push(point),
                None => trends.push(RaterTrend {
                    rater_id: Some(id),
                    rater: r.rater.clone(),
                    points: vec![point],
                    recent_lean: None,
                    recent_distance: None,
                    standing: Standing::TooFewExercises,
                }),
            }
        }
    }
    for t in &mut trends {
        t.points.sort_by_key(|p| p.at);
        let recent = &t.points[t.points.len().saturating_sub(RECENT_EXERCISES)..];
        t.recent_lean = mean(recent.iter().map(|p| p.from_median));
        t.recent_distance = mean(recent.iter().map(|p| p.abs_from_median));
        t.standing = match t.recent_distance {
            Some(d) if d > DRIFT_THRESHOLD => Standing::Drifting,
            _ if t.points.len() < QUALIFY_MIN_EXERCISES => Standing::TooFewExercises,
            _ => Standing::Within,
        };
    }
    trends.sort_by_key(|t| t.rater.to_lowercase());
    trends
}

/// Agreement of each exercise on its own, oldest first: the team's agreement over time.
pub fn agreement_over_time(
    dimensions: &[Dimension],
    exercises: &[Scored],
) -> Vec<(i64, i64, String, Agreement)> {
    let mut points: Vec<(i64, i64, String, Agreement)> = exercises
        .iter()
        .map(|ex| {
            let results = exercise_results(dimensions, &ex.ratings, &BTreeMap::new());
            (ex.id, ex.at, ex.title.clone(), results.agreement)
        })
        .collect();
    points.sort_by_key(|p| p.1);
    points
}

mod views;
pub use views::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_never_show_impossible_coefficients_or_negative_zero() {
        assert_eq!(figure(None), "not defined");
        assert_eq!(figure(Some(0.8123)), "0.812");
        assert_eq!(figure(Some(-0.0001)), "0.000");
        assert_eq!(figure(Some(-1.0)), "-1.000");
        assert_eq!(
            figure(Some(-12.0)),
            "not meaningful: raters disagree more than chance"
        );
        assert_eq!(
            figure(Some(-1.2e16)),
            "not meaningful: raters disagree more than chance"
        );
    }

    fn dims() -> Vec<Dimension> {
        ["a", "b", "c"]
            .into_iter()
            .map(|k| Dimension {
                key: k.into(),
                name: k.to_uppercase(),
            })
            .collect()
    }

    fn rating(id: i64, scores: &[(&str, u8)]) -> Rating {
        Rating {
            rater_id: Some(id),
            rater: format!("R{id}"),
            scores: scores.iter().map(|(k, s)| (k.to_string(), *s)).collect(),
        }
    }

    #[test]
    fn deviations_are_from_the_median_and_the_key() {
        let ratings = [
            rating(1, &[("a", 2), ("b", 3), ("c", 3)]),
            rating(2, &[("a", 3), ("b", 3), ("c", 3)]),
            rating(3, &[("a", 4), ("b", 3)]),
        ];
        let expert = BTreeMap::from([("a".to_string(), 2u8)]);
        let r = exercise_results(&dims(), &ratings, &expert);
        let a = &r.dimensions[0];
        assert_eq!(a.median, Some(3.0));
        assert_eq!(a.range, Some(2));
        assert_eq!(a.scores[2].from_median, Some(1.0));
        assert_eq!(a.scores[2].from_expert, Some(2.0));
        // The missing score is shown as missing, not as zero.
        assert_eq!(r.dimensions[2].scores[2].score, None);
        assert_eq!(r.dimensions[2].scores[2].from_median, None);
        // Rater 3: +1 on a, 0 on b; c not scored.
        assert_eq!(r.raters[2].mean_from_median, Some(0.5));
        assert_eq!(r.raters[0].mean_abs_from_median, Some(1.0 / 3.0));
        assert_eq!(r.raters[0].mean_from_expert, Some(0.0));
        assert_eq!(r.agreement.raters, 3);
        assert_eq!(r.agreement.units, 3);
    }

    #[test]
    fn one_rater_or_no_variation_is_not_defined_never_nan() {
        let one = exercise_results(
            &dims(),
            &[rating(1, &[("a", 2), ("b", 3)])],
            &BTreeMap::new(),
        );
        assert_eq!(one.agreement.alpha, None);
        assert_eq!(one.agreement.icc_single, None);
        assert_eq!(one.agreement.band(), "not defined");
        let same = [
            rating(1, &[("a", 3), ("b", 3), ("c", 3)]),
            rating(2, &[("a", 3), ("b", 3), ("c", 3)]),
        ];
        let flat = exercise_results(&dims(), &same, &BTreeMap::new());
        assert_eq!(flat.agreement.alpha, None);
        assert_eq!(figure(flat.agreement.alpha), "not defined");
        let none = exercise_results(&dims(), &[], &BTreeMap::new());
        assert_eq!(none.dimensions[0].median, None);
        assert_eq!(none.dimensions[0].range, None);
    }

    #[test]
    fn raters_are_matched_by_account_across_exercises() {
        let things = [
            Scored {
                id: 1,
                title: "one".into(),
                at: 1,
                ratings: vec![rating(1, &[("a", 1)]), rating(2, &[("a", 1)])],
            },
            Scored {
                id: 2,
                title: "two".into(),
                at: 2,
                // the other order: columns must still follow the account
                ratings: vec![rating(2, &[("a", 4)]), rating(1, &[("a", 4)])],
            },
        ];
        let report = agreement_report(&dims(), &things);
        let (d, a) = &report.per_dimension[0];
        assert_eq!(d.key, "a");
        assert_eq!(a.units, 2);
        assert_eq!(a.raters, 2);
        // perfect agreement on a varied dimension
        assert!((a.alpha.unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(report.per_dimension[1].1.alpha, None);
    }

    #[test]
    fn a_rater_far_from_the_team_recently_is_drifting() {
        let ex = |id: i64, far: u8| Scored {
            id,
            title: format!("ex {id}"),
            at: id,
            ratings: vec![
                rating(1, &[("a", 2), ("b", 2)]),
                rating(2, &[("a", 2), ("b", 2)]),
                rating(3, &[("a", far), ("b", far)]),
            ],
        };
        // Rater 3 agreed at first, then scored two points high: recent distance 6/5 points.
        let exercises: Vec<Scored> = (1..=6).map(|i| ex(i, if i <= 2 { 2 } else { 4 })).collect();
        let trends = rater_trends(&dims(), &exercises);
        let r3 = trends.iter().find(|t| t.rater_id == Some(3)).unwrap();
        assert_eq!(r3.points.len(), 6);
        assert_eq!(r3.standing, Standing::Drifting);
        assert!((r3.recent_distance.unwrap() - 1.6).abs() < 1e-9);
        assert_eq!(r3.lean_words(), "lenient");
        let r1 = trends.iter().find(|t| t.rater_id == Some(1)).unwrap();
        assert_eq!(r1.standing, Standing::Within);
        assert_eq!(r1.lean_words(), "in line");
        // Two exercises are not enough to qualify on.
        let early = rater_trends(&dims(), &exercises[..2]);
        assert!(early
            .iter()
            .all(|t| t.standing == Standing::TooFewExercises));
    }

    #[test]
    fn signs_and_figures_read_well() {
        assert_eq!(signed(0.5), "+0.50");
        assert_eq!(signed(-1.0), "\u{2212}1.00");
        assert_eq!(signed(0.001), "0.00");
        assert_eq!(figure(Some(0.6667)), "0.667");
    }
}
