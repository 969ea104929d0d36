//! Sign-in rate limits, per client address and per account (governor's keyed GCRA limiters).
//!
//! The client address is the TCP peer. `X-Forwarded-For` is not read: behind a reverse proxy
//! every client would share the proxy's address, which errs on the side of refusing.
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

pub struct SignInLimits {
    by_client: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("non-zero burst"))
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            // A shared office address gets room; a script does not.
            by_client: RateLimiter::keyed(quota(20, Duration::from_secs(6))),
            // Guessing one account's password: 5 tries, then one a minute.
            by_account: RateLimiter::keyed(quota(5, Duration::from_secs(60))),
        }
    }
}

impl SignInLimits {
    /// `Err(seconds to wait)` when this client or this account has tried too often.
    pub fn check(&self, client: IpAddr, email: &str) -> Result<(), u64> {
        let clock = governor::clock::DefaultClock::default();
        let wait = |e: governor::NotUntil<_>| {
            e.wait_time_from(governor::clock::Clock::now(&clock))
                .as_secs()
                .max(1)
        };
        self.by_client.check_key(&client).map_err(wait)?;
        self.by_account
            .check_key(&email.to_lowercase())
            .map_err(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_limited_whatever_the_client() {
        let limits = SignInLimits::default();
        for i in 0..5 {
            let client = IpAddr::from([10, 0, 0, i]);
            assert!(limits.check(client, "Ada@Example.com").is_ok());
        }
        let wait = limits
            .check(IpAddr::from([10, 0, 0, 9]), "ada@example.com")
            .unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(limits
            .check(IpAddr::from([10, 0, 0, 9]), "other@example.com")
            .is_ok());
    }

    #[test]
    fn a_client_is_limited_whatever_the_account() {
        let limits = SignInLimits::default();
        let client = IpAddr::from([192, 0, 2, 1]);
        for i in 0..20 {
            assert!(limits
                .check(client, &format!("user{i}@example.com"))
                .is_ok());
        }
        assert!(limits.check(client, "user99@example.com").is_err());
    }
}
