//! Inter-rater agreement: Krippendorff's alpha (any level of measurement, missing ratings
//! allowed) and the intraclass correlations of Shrout and Fleiss (1979). Pure functions; a
//! degenerate case (too few ratings, no variation) is `None`, never NaN.

/// Level of measurement, which decides how far apart two values are (the difference function).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

/// Krippendorff's alpha. `units[u][r]` is rater r's value for unit u, None when missing. Units
/// with fewer than two values are not pairable and do not count.
pub fn krippendorff_alpha(units: &[Vec<Option<f64>>], level: Level) -> Option<f64> {
    // The distinct values, sorted, and each unit's pairable values.
    let pairable: Vec<Vec<f64>> = units
        .iter()
        // `+ 0.0` makes -0.0 the same value as 0.0, as `==` (and the sort below) must agree.
        .map(|u| u.iter().flatten().map(|v| v + 0.0).collect::<Vec<f64>>())
        .filter(|v| v.len() >= 2)
        .collect();
    let mut values: Vec<f64> = pairable.iter().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    values.dedup_by(|a, b| a.total_cmp(b).is_eq());
    let index = |v: f64| values.partition_point(|x| x.total_cmp(&v).is_lt());
    let k = values.len();
    // Coincidence matrix o[c][k]: each ordered pair of values within a unit, weighted 1/(m-1).
    // From each unit's count of every value: a unit with n_c c's and n_d d's has n_c * n_d
    // ordered (c, d) pairs, and n_c * (n_c - 1) ordered pairs of two different c's (linear in
    // the unit's raters, not quadratic: the team dashboard sums hundreds of units).
    let mut o = vec![vec![0.0_f64; k]; k];
    for unit in &pairable {
        // The unit's distinct values with their counts (few: a unit has a handful of raters).
        let mut counts: Vec<(usize, f64)> = Vec::new();
        for v in unit {
            let i = index(*v);
            match counts.iter_mut().find(|(c, _)| *c == i) {
                Some((_, n)) => *n += 1.0,
                None => counts.push((i, 1.0)),
            }
        }
        let m = unit.len() as f64;
        for &(c, n_c) in &counts {
            for &(d, n_d) in &counts {
                let pairs = if c == d { n_c * (n_c - 1.0) } else { n_c * n_d };
                o[c][d] += pairs / (m - 1.0);
            }
        }
    }
    let n_c: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = n_c.iter().sum();
    if n <= 1.0 {
        return None;
    }
    let delta = |c: usize, d: usize| -> f64 {
        let (vc, vd) = (values[c], values[d]);
        match level {
            Level::Nominal => f64::from(u8::from(c != d)),
            Level::Interval => (vc - vd).powi(2),
            Level::Ratio => {
                if vc + vd == 0.0 {
                    0.0
                } else {
                    ((vc - vd) / (vc + vd)).powi(2)
                }
            }
            Level::Ordinal => {
                let (lo, hi) = (c.min(d), c.max(d));
                let between: f64 = n_c[lo..=hi].iter().sum();
                (between - (n_c[c] + n_c[d]) / 2.0).powi(2)
            }
        }
    };
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..k {
        for d in 0..k {
            let dist = delta(c, d);
            observed += o[c][d] * dist;
            expected += n_c[c] * n_c[d] * dist;
        }
    }
    if expected == 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed / expected)
}

/// What an alpha says, in plain words (Krippendorff's own thresholds).
pub fn alpha_band(alpha: Option<f64>) -> &'static str {
    match alpha {
        None => "not defined",
        Some(a) if a >= 0.800 => "reliable",
        Some(a) if a >= 0.667 => "tentative",
        Some(_) => "unreliable",
    }
}

/// The intraclass correlations of Shrout and Fleiss (1979) for a complete targets x judges
/// table. Cases: 1 one-way random, 2 two-way random, 3 two-way mixed; single rater (`*_1`) and
/// the mean of k raters (`*_k`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Icc {
    pub icc1_1: Option<f64>,
    pub icc2_1: Option<f64>,
    pub icc3_1: Option<f64>,
    pub icc1_k: Option<f64>,
    pub icc2_k: Option<f64>,
    pub icc3_k: Option<f64>,
}

/// ICCs of `table[target][judge]`. Targets missing any judge's rating are left out (the forms
/// need a complete table); fewer than two targets or judges leaves everything undefined.
pub fn icc(table: &[Vec<Option<f64>>]) -> Icc {
    let complete: Vec<Vec<f64>> = table
        .iter()
        .filter_map(|row| row.iter().copied().collect::<Option<Vec<f64>>>())
        .collect();
    let none = Icc {
        icc1_1: None,
        icc2_1: None,
        icc3_1: None,
        icc1_k: None,
        icc2_k: None,
        icc3_k: None,
    };
    let n = complete.len();
    let k = complete.first().map_or(0, Vec::len);
    if n < 2 || k < 2 || complete.iter().any(|r| r.len() != k) {
        return none;
    }
    let (nf, kf) = (n as f64, k as f64);
    let grand: f64 = complete.iter().flatten().sum::<f64>() / (nf * kf);
    let row_means: Vec<f64> = complete
        .iter()
        .map(|r| r.iter().sum::<f64>() / kf)
        .collect();
    let col_means: Vec<f64> = (0..k)
        .map(|j| complete.iter().map(|r| r[j]).sum::<f64>() / nf)
        .collect();
    let ss_total: f64 = complete.iter().flatten().map(|x| (x - grand).powi(2)).sum();
    let ss_rows: f64 = kf * row_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
    let ss_cols: f64 = nf * col_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
    let ss_error = ss_total - ss_rows - ss_cols;
    let bms = ss_rows / (nf - 1.0);
    let jms = ss_cols / (kf - 1.0);
    let ems = ss_error / ((nf - 1.0) * (kf - 1.0));
    let wms = (ss_cols + ss_error) / (nf * (kf - 1.0));
    // A denominator that is zero in exact arithmetic comes out of floating point as a tiny
    // remainder (1e-16 of the mean squares); dividing by it gave ICCs of -1.2e16. What is
    // zero relative to the mean squares is zero: the coefficient is not defined.
    let scale = [bms, jms, ems, wms]
        .into_iter()
        .map(f64::abs)
        .fold(0.0_f64, f64::max);
    let ratio = |num: f64, den: f64| {
        (den.is_finite() && den.abs() > scale * 1e-9 && scale > 0.0).then(|| num / den)
    };
    Icc {
        icc1_1: ratio(bms - wms, bms + (kf - 1.0) * wms),
        icc2_1: ratio(bms - ems, bms + (kf - 1.0) * ems + kf * (jms - ems) / nf),
        icc3_1: ratio(bms - ems, bms + (kf - 1.0) * ems),
        icc1_k: ratio(bms - wms, bms),
        icc2_k: ratio(bms - ems, bms + (jms - ems) / nf),
        icc3_k: ratio(bms - ems, bms),
    }
}

/// The largest gap-free block of a ratings table (`table[unit][rater]`): the raters, and the
/// units every one of them scored, as (rows, columns). The ICCs need such a block; taking only
/// the units everybody scored would throw most away whenever one rater (a deleted account, a
/// newcomer) scored little. Raters are dropped one at a time, each time the one whose leaving
/// completes the most units; of the blocks on the way, the one with the most ratings (units x
/// raters, at least two of each) is kept. None when no such block exists.
pub fn complete_block(table: &[Vec<Option<f64>>]) -> Option<(Vec<usize>, Vec<usize>)> {
    let width = table.iter().map(Vec::len).max().unwrap_or(0);
    // Each unit's raters as a bit set, so "did every one of these raters score this unit" is a
    // few word operations (the team dashboard asks it for hundreds of units, tens of raters).
    let words = width.div_ceil(64).max(1);
    let set_of = |cols: &[usize]| {
        let mut set = vec![0_u64; words];
        for &c in cols {
            set[c / 64] |= 1 << (c % 64);
        }
        set
    };
    let rated: Vec<Vec<u64>> = table
        .iter()
        .map(|r| {
            let cols: Vec<usize> = (0..r.len()).filter(|&c| r[c].is_some()).collect();
            set_of(&cols)
        })
        .collect();
    let covers = |row: &[u64], set: &[u64]| row.iter().zip(set).all(|(r, s)| r & s == *s);
    let count_for = |set: &[u64]| rated.iter().filter(|r| covers(r, set)).count();
    let rows_for = |cols: &[usize]| -> Vec<usize> {
        let set = set_of(cols);
        (0..rated.len())
            .filter(|&i| covers(&rated[i], &set))
            .collect()
    };
    let ratings_of = |c: usize| {
        rated
            .iter()
            .filter(|r| r[c / 64] & (1 << (c % 64)) != 0)
            .count()
    };
    // A rater with fewer than two ratings can never be in a block: leave them out first, so
    // they do not steer the greedy steps below.
    let mut cols: Vec<usize> = (0..width).filter(|&c| ratings_of(c) >= 2).collect();
    let mut best: Option<(usize, Vec<usize>)> = None;
    // Every pair of raters as well: the greedy path can drop a rater that only a pair shares
    // units with, and pairs are few (a team has tens of raters).
    for (i, &a) in cols.iter().enumerate() {
        for &b in &cols[i + 1..] {
            let units = count_for(&set_of(&[a, b]));
            let size = units * 2;
            if units >= 2 && best.as_ref().is_none_or(|x| size > x.0) {
                best = Some((size, vec![a, b]));
            }
        }
    }
    while cols.len() >= 2 {
        let units = count_for(&set_of(&cols));
        let size = units * cols.len();
        if units >= 2 && best.as_ref().is_none_or(|b| size > b.0) {
            best = Some((size, cols.clone()));
        }
        // Leave out the rater whose absence completes the most units; on a tie, the one with
        // the fewest ratings, then the last.
        let drop = (0..cols.len())
            .max_by_key(|&i| {
                let mut without = cols.clone();
                without.remove(i);
                (
                    count_for(&set_of(&without)),
                    std::cmp::Reverse(ratings_of(cols[i])),
                    i,
                )
            })
            .unwrap_or(0);
        cols.remove(drop);
    }
    best.map(|(_, cols)| (rows_for(&cols), cols))
}

/// The median of some values; None for none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64) {
        let a = actual.expect("defined");
        assert!(
            (a - expected).abs() < 0.0005,
            "{a:.4} is not {expected:.3} to three decimals"
        );
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: four
    /// observers, twelve units, with missing values. Published: nominal 0.743, ordinal 0.815,
    /// interval 0.849, ratio 0.797.
    fn krippendorff_2011() -> Vec<Vec<Option<f64>>> {
        let observers: [[Option<u8>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                None,
                None,
                None,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                None,
                Some(3),
            ],
            [
                None,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                None,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                None,
            ],
        ];
        (0..12)
            .map(|u| observers.iter().map(|o| o[u].map(f64::from)).collect())
            .collect()
    }

    #[test]
    fn alpha_matches_krippendorffs_worked_example_at_every_level() {
        let data = krippendorff_2011();
        close(krippendorff_alpha(&data, Level::Nominal), 0.743);
        close(krippendorff_alpha(&data, Level::Ordinal), 0.815);
        close(krippendorff_alpha(&data, Level::Interval), 0.849);
        close(krippendorff_alpha(&data, Level::Ratio), 0.797);
    }

    #[test]
    fn alpha_is_not_defined_without_pairs_or_variation() {
        let one_rater = vec![vec![Some(3.0)], vec![Some(2.0)]];
        assert_eq!(krippendorff_alpha(&one_rater, Level::Ordinal), None);
        let all_same = vec![vec![Some(3.0), Some(3.0)], vec![Some(3.0), Some(3.0)]];
        assert_eq!(krippendorff_alpha(&all_same, Level::Ordinal), None);
        assert_eq!(krippendorff_alpha(&[], Level::Interval), None);
        assert_eq!(alpha_band(None), "not defined");
        assert_eq!(alpha_band(Some(0.81)), "reliable");
        assert_eq!(alpha_band(Some(0.7)), "tentative");
        assert_eq!(alpha_band(Some(0.2)), "unreliable");
    }

    #[test]
    fn minus_zero_is_the_same_value_as_zero() {
        let signed = vec![
            vec![Some(-0.0), Some(0.0)],
            vec![Some(1.0), Some(1.0)],
            vec![Some(0.0), Some(1.0)],
        ];
        let plain = vec![
            vec![Some(0.0), Some(0.0)],
            vec![Some(1.0), Some(1.0)],
            vec![Some(0.0), Some(1.0)],
        ];
        for level in [Level::Nominal, Level::Ordinal, Level::Interval] {
            assert_eq!(
                krippendorff_alpha(&signed, level),
                krippendorff_alpha(&plain, level)
            );
        }
    }

    #[test]
    fn perfect_agreement_is_one() {
        let data = vec![
            vec![Some(1.0), Some(1.0), Some(1.0)],
            vec![Some(3.0), Some(3.0), None],
            vec![Some(4.0), Some(4.0), Some(4.0)],
        ];
        close(krippendorff_alpha(&data, Level::Ordinal), 1.0);
    }

    /// Shrout and Fleiss (1979), Table 2: six targets rated by four judges. Published (Table
    /// 4): ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91;
    /// to three decimals from the mean squares of Table 3 (BMS 11.24, JMS 32.49, EMS 1.02,
    /// WMS 6.26).
    #[test]
    fn icc_matches_shrout_and_fleiss() {
        let table: Vec<Vec<Option<f64>>> = [
            [9.0, 2.0, 5.0, 8.0],
            [6.0, 1.0, 3.0, 2.0],
            [8.0, 4.0, 6.0, 8.0],
            [7.0, 1.0, 2.0, 6.0],
            [10.0, 5.0, 6.0, 9.0],
            [6.0, 2.0, 4.0, 7.0],
        ]
        .iter()
        .map(|r| r.iter().map(|x| Some(*x)).collect())
        .collect();
        let icc = icc(&table);
        close(icc.icc1_1, 0.166);
        close(icc.icc2_1, 0.290);
        close(icc.icc3_1, 0.715);
        close(icc.icc1_k, 0.443);
        close(icc.icc2_k, 0.620);
        close(icc.icc3_k, 0.909);
    }

    #[test]
    fn the_complete_block_leaves_out_a_rater_who_scored_little() {
        let s = Some;
        // Raters 0-2 scored all four units; rater 3 (a deleted account) only the first.
        let table = vec![
            vec![s(1.0), s(2.0), s(2.0), s(3.0)],
            vec![s(2.0), s(2.0), s(3.0), None],
            vec![s(3.0), s(4.0), s(3.0), None],
            vec![s(4.0), s(4.0), s(4.0), None],
        ];
        assert_eq!(
            complete_block(&table),
            Some((vec![0, 1, 2, 3], vec![0, 1, 2]))
        );
        // Nothing two raters both scored twice: no block.
        let sparse = vec![vec![s(1.0), None], vec![None, s(2.0)]];
        assert_eq!(complete_block(&sparse), None);
        // Raters 0 and 4 both scored units 1 and 3. Dropping raters one at a time loses that
        // pair (every single drop completes no unit, so the fewest-ratings rule decides) and
        // finds no block at all; trying every pair finds it.
        let pairs = vec![
            vec![None, None, None, s(1.0), None],
            vec![s(1.0), None, None, None, s(3.0)],
            vec![None, s(2.0), None, None, None],
            vec![s(2.0), s(1.0), s(2.0), s(1.0), s(4.0)],
        ];
        assert_eq!(complete_block(&pairs), Some((vec![1, 3], vec![0, 4])));
    }

    #[test]
    fn an_icc_whose_denominator_is_exactly_zero_is_not_defined() {
        // BMS = 2/3, JMS = 0, EMS = 2: BMS + (JMS - EMS)/n = 0 exactly, a rounding remainder
        // in floating point (it printed -12009599006321320).
        let t = |rows: &[[f64; 2]]| {
            rows.iter()
                .map(|r| r.iter().map(|&x| Some(x)).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        assert_eq!(icc(&t(&[[1.0, 3.0], [2.0, 2.0], [4.0, 2.0]])).icc2_k, None);
        assert_eq!(icc(&t(&[[4.0, 2.0], [3.0, 3.0], [3.0, 3.0]])).icc2_k, None);
        // Identical units: no variance between them, ICC(3,1) is undefined, not -0.5.
        let same = vec![vec![Some(1.0), Some(2.0), Some(4.0)]; 3];
        assert_eq!(icc(&same).icc3_1, None);
        // Ordinary tables are untouched.
        let ok = icc(&t(&[[1.0, 2.0], [3.0, 3.0], [4.0, 4.0]]));
        assert!(ok.icc2_1.is_some_and(|v| v > 0.8), "{ok:?}");
    }

    #[test]
    fn icc_needs_two_complete_targets_and_two_judges() {
        let table = vec![vec![Some(1.0), None], vec![Some(2.0), Some(2.0)]];
        assert_eq!(icc(&table).icc2_1, None);
        let one_judge = vec![vec![Some(1.0)], vec![Some(2.0)]];
        assert_eq!(icc(&one_judge).icc2_k, None);
        // No variation at all: 0/0, not NaN.
        let flat = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), Some(2.0)]];
        assert_eq!(icc(&flat).icc2_1, None);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
