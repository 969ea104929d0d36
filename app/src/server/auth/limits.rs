//! Password-guessing limits, per client address and per account, kept in the database so that
//! every instance behind a load balancer counts against one limit (and a restart forgets
//! nothing). Every check of a password spends from them: signing in, registering, changing the
//! password and deleting the account.
//!
//! Each limit is a GCRA (generic cell rate algorithm, as in the `governor` crate this replaced):
//! one row per key holds the "theoretical arrival time"; a try is allowed while that time is at
//! most `burst - 1` intervals ahead of now, and each allowed try moves it one interval on
//! (`db::limits::take`).
//!
//! Keys: a client is its IPv4 address or its IPv6 /64 (a home or a server is given a whole /64,
//! so one bucket per IPv6 address would limit nothing). An account is a SHA-256 of its email.
//! A client that has signed in to the account before (a "known client", remembered for 90
//! days) is limited per (account, client) instead of by the account's shared bucket: strangers
//! who spend an account's tries lock out only other strangers, never its owner at a computer
//! they have used before. The trade: an owner on a new network during such an attack waits like
//! everyone else.
//!
//! The client address is the TCP peer, unless that peer is a reverse proxy named in
//! `COACH_TRUSTED_PROXIES`: then it is the nearest address in `X-Forwarded-For` that is not one
//! of those proxies (entries a client wrote itself come before its proxy's and are never used).
use crate::server::db::{limits as store, Pool};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Tries allowed at once, then one per `every_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub burst: i64,
    pub every_ms: i64,
}

/// A shared office address gets room; a script does not.
pub const BY_CLIENT: Quota = Quota {
    burst: 20,
    every_ms: 6_000,
};
/// Guessing one account's password: 5 tries, then one a minute.
pub const BY_ACCOUNT: Quota = Quota {
    burst: 5,
    every_ms: 60_000,
};
/// How long a client that signed in is remembered as known to the account.
pub const KNOWN_FOR_MS: i64 = 90 * 24 * 60 * 60 * 1000;

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bucket a client address counts against: an IPv4 address (also when written as
/// IPv4-mapped IPv6), or the /64 of an IPv6 address.
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

/// An account as the limits know it: a hash of its email, so whatever was typed (up to the
/// form's 8 KB) makes a short key, and the tables hold no email addresses.
fn account_key(email: &str) -> String {
    sha256_hex(&email.trim().to_lowercase())
}

fn known_key(account: &str, client: &str) -> String {
    sha256_hex(&format!("{account}|{client}"))
}

/// `Ok(Err(seconds to wait))` when this client or this account has tried too often. The
/// client's limit is checked (and spent) first: a refused client spends nothing of the
/// account's.
pub async fn check(
    pool: &Pool,
    client: IpAddr,
    email: &str,
    now_ms: i64,
) -> Result<Result<(), u64>, sqlx::Error> {
    let client = client_key(client);
    if let Err(wait) = take(pool, &format!("client:{client}"), BY_CLIENT, now_ms).await? {
        return Ok(Err(wait));
    }
    let account = account_key(email);
    let known = known_key(&account, &client);
    let bucket = if store::is_known(pool, &known, now_ms).await? {
        format!("known:{known}")
    } else {
        format!("account:{account}")
    };
    take(pool, &bucket, BY_ACCOUNT, now_ms).await
}

/// After a correct password: this client is known to the account from now on.
pub async fn remember(
    pool: &Pool,
    client: IpAddr,
    email: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let known = known_key(&account_key(email), &client_key(client));
    store::remember(pool, &known, now_ms + KNOWN_FOR_MS, now_ms).await
}

/// Spend one try of `key`'s quota, or say how many seconds until the next one.
pub async fn take(
    pool: &Pool,
    key: &str,
    quota: Quota,
    now_ms: i64,
) -> Result<Result<(), u64>, sqlx::Error> {
    Ok(store::take(pool, key, quota.burst, quota.every_ms, now_ms)
        .await?
        .map_err(|wait_ms| (wait_ms as u64).div_ceil(1000)))
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
    fn an_ipv6_client_is_limited_by_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), "2001:db8:1:2::/64");
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(client_key(mapped), "203.0.113.7");
        assert_eq!(client_key(IpAddr::from([203, 0, 113, 7])), "203.0.113.7");
    }

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
}
