//! Spaced repetition: each scored attempt is one FSRS review of its scenario, rated from the
//! rubric mean. The long-term scheduler is used (intervals in days, no same-day learning steps):
//! an incident drill is not a flash card to see again in ten minutes.
use chrono::{DateTime, Utc};
use rs_fsrs::{Card, Parameters, Rating, State, FSRS};

/// One candidate's memory of one scenario, as stored in `review_states`.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReviewState {
    pub due_at: i64,
    pub stability: f64,
    pub difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    pub reps: i64,
    pub lapses: i64,
    pub state: i64,
    pub last_review_at: i64,
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn scheduler() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        ..Parameters::default()
    })
}

/// The state after a review rated `rating` (1 Again .. 4 Easy) at `now_ms`; `previous` is None
/// for a scenario never scored before.
pub fn review(previous: Option<&ReviewState>, rating: u8, now_ms: i64) -> ReviewState {
    let card = match previous {
        None => Card {
            due: time(now_ms),
            last_review: time(now_ms),
            ..Card::default()
        },
        Some(p) => Card {
            due: time(p.due_at),
            stability: p.stability,
            difficulty: p.difficulty,
            elapsed_days: p.elapsed_days,
            scheduled_days: p.scheduled_days,
            reps: p.reps as i32,
            lapses: p.lapses as i32,
            state: match p.state {
                1 => State::Learning,
                2 => State::Review,
                3 => State::Relearning,
                _ => State::New,
            },
            last_review: time(p.last_review_at),
        },
    };
    let rating = match rating {
        0 | 1 => Rating::Again,
        2 => Rating::Hard,
        3 => Rating::Good,
        _ => Rating::Easy,
    };
    let next = scheduler().next(card, time(now_ms), rating).card;
    ReviewState {
        due_at: next.due.timestamp_millis(),
        stability: next.stability,
        difficulty: next.difficulty,
        elapsed_days: next.elapsed_days,
        scheduled_days: next.scheduled_days,
        reps: i64::from(next.reps),
        lapses: i64::from(next.lapses),
        state: next.state as i64,
        last_review_at: now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const T0: i64 = 1_790_000_000_000;

    #[test]
    fn better_answers_are_seen_again_later() {
        let due: Vec<i64> = (1..=4).map(|r| review(None, r, T0).due_at).collect();
        assert!(
            due.windows(2).all(|w| w[0] <= w[1]),
            "Again <= Hard <= Good <= Easy: {due:?}"
        );
        assert!(
            due[3] > due[0],
            "an easy scenario waits longer than a failed one"
        );
        assert!(due[0] >= T0, "nothing is due in the past");
    }

    #[test]
    fn a_failed_review_brings_a_scenario_back_sooner_than_a_good_one() {
        let first = review(None, 3, T0);
        let later = first.due_at.max(T0 + DAY);
        let good = review(Some(&first), 3, later);
        let again = review(Some(&first), 1, later);
        assert!(good.due_at > again.due_at);
        assert!(
            good.due_at - later > first.due_at - T0,
            "intervals grow with each success"
        );
        assert_eq!(again.lapses, 1);
        assert_eq!(good.reps, 2);
    }
}
