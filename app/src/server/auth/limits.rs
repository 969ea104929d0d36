//! Sign-in rate limits, per client address and per account (governor's keyed GCRA limiters).
//!
//! The client address is the TCP peer, unless that peer is a reverse proxy named in
//! `COACH_TRUSTED_PROXIES`: then it is the nearest address in `X-Forwarded-For` that is not one
//! of those proxies (entries a client wrote itself come before its proxy's and are never used).
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

/// The address to limit: `peer`, or, when `peer` is a trusted proxy, the right-most address in
/// `forwarded_for` (`X-Forwarded-For`) that is not a trusted proxy. A header a client sent is
/// appended to by each proxy, so only the entries added by trusted proxies can be believed.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(list) = forwarded_for else {
        return peer;
    };
    for entry in list.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // Garbage where an address should be: stop believing the header.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forwarded_address_counts_only_behind_a_trusted_proxy() {
        let proxy = IpAddr::from([10, 0, 0, 1]);
        let client = IpAddr::from([203, 0, 113, 7]);
        let stranger = IpAddr::from([198, 51, 100, 2]);
        // Straight from the internet: the header is whatever the client wants; ignored.
        assert_eq!(client_ip(stranger, Some("1.2.3.4"), &[proxy]), stranger);
        // Through the proxy: the address it appended.
        assert_eq!(client_ip(proxy, Some("203.0.113.7"), &[proxy]), client);
        // A client forging an entry gets its own real address, appended after the forgery.
        assert_eq!(
            client_ip(proxy, Some("1.2.3.4, 203.0.113.7"), &[proxy]),
            client
        );
        // Chains of trusted proxies are skipped; junk is not believed.
        let inner = IpAddr::from([10, 0, 0, 2]);
        assert_eq!(
            client_ip(inner, Some("203.0.113.7, 10.0.0.1"), &[proxy, inner]),
            client
        );
        assert_eq!(client_ip(proxy, Some("not-an-ip"), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, None, &[proxy]), proxy);
    }

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
