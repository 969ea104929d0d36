//! Numbers written for people and for SVG: `fixed(v, n)` is `format!("{v:.n}")` through
//! integer arithmetic. core's exact float formatting falls back to big-number arithmetic
//! (`flt2dec::dragon`) for most values; on the team dashboard, whose charts write a few
//! thousand coordinates, it was an eighth of the page's CPU time under load.

/// `value` with `decimals` digits after the point (at most 6), rounded half away from zero;
/// "-" only when the rounded value is not zero (so never "-0.0"). Not a number and the
/// infinities are written as Rust writes them. Beyond ±9.2e18 the digits saturate: nothing
/// here comes near (coordinates, scores and coefficients).
pub fn fixed(value: f64, decimals: u8) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let decimals = decimals.min(6);
    let scale = 10u64.pow(u32::from(decimals));
    // `as` saturates; round() is half away from zero.
    let scaled = (value.abs() * scale as f64).round() as u64;
    let (whole, fraction) = (scaled / scale, scaled % scale);
    let mut out = String::with_capacity(24);
    if value < 0.0 && scaled != 0 {
        out.push('-');
    }
    out.push_str(&whole.to_string());
    if decimals > 0 {
        out.push('.');
        let digits = fraction.to_string();
        for _ in digits.len()..usize::from(decimals) {
            out.push('0');
        }
        out.push_str(&digits);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn writes_what_format_writes_away_from_ties() {
        // Values a chart or a statistic produces, none on an exact tie.
        let mut v: f64 = -37.0;
        while v < 412.0 {
            for d in 0..=3u8 {
                // Near a tie the two round differently (see the test below): not compared.
                let scaled = v.abs() * 10f64.powi(i32::from(d));
                if (scaled - scaled.floor() - 0.5).abs() < 1e-6 {
                    continue;
                }
                let expected = match d {
                    0 => format!("{v:.0}"),
                    1 => format!("{v:.1}"),
                    2 => format!("{v:.2}"),
                    _ => format!("{v:.3}"),
                };
                let expected = if expected
                    .trim_start_matches('-')
                    .chars()
                    .all(|c| c == '0' || c == '.')
                {
                    expected.trim_start_matches('-').to_string()
                } else {
                    expected
                };
                assert_eq!(fixed(v, d), expected, "{v} to {d}");
            }
            v += 0.013_7;
        }
    }

    #[test]
    fn pads_rounds_and_never_writes_minus_zero() {
        assert_eq!(fixed(3.0, 2), "3.00");
        assert_eq!(fixed(0.05, 1), "0.1");
        // Ties go away from zero, where `format!` goes to the even digit ("2").
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(-2.5, 0), "-3");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.0, 3), "0.000");
        assert_eq!(fixed(0.007, 3), "0.007");
        assert_eq!(fixed(123.456, 6), "123.456000");
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::NEG_INFINITY, 1), "-inf");
    }
}
