//! The answer assessor's pure parts: how words are compared, how an answer is cut into
//! sentences and clauses, negation cues, and the rules that turn evidence into a verdict per
//! key point (covered, partly, missed) with the spans that support it.
pub mod text;
