use super::*;

#[test]
fn scores_count_covered_as_positive_and_partly_as_half_when_asked() {
    use Mark::*;
    let pairs = [
        (Covered, Covered),
        (Covered, Partly),
        (Partly, Covered),
        (Missed, Missed),
        (Missed, Covered),
    ];
    let s = score(&pairs, 2);
    assert!((s.precision - 1.0 / 3.0).abs() < 1e-9);
    assert!((s.recall - 0.5).abs() < 1e-9);
    // soft: tp = 1 + 0.5 + 0.5 + 0 + 0 = 2; machine = 1+0.5+1+0+1 = 3.5; label = 1+1+0.5 = 2.5
    assert!((s.soft_precision - 2.0 / 3.5).abs() < 1e-9);
    assert!((s.soft_recall - 2.0 / 2.5).abs() < 1e-9);
    assert_eq!(s.confusion[0], [1, 1, 0]);
    assert_eq!(s.confusion[2], [1, 0, 1]);
    assert!((s.false_covered_per_answer - 1.0).abs() < 1e-9);
    assert!((s.missed_called_covered - 0.5).abs() < 1e-9);
    // Perfect agreement is alpha 1.
    let same = score(&[(Covered, Covered), (Missed, Missed), (Partly, Partly)], 1);
    assert!((same.alpha.unwrap() - 1.0).abs() < 1e-9);
}
