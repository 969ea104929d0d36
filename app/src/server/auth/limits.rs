//! Sign-in rate limits, per client address and per account, kept in the database so that every
//! instance behind a load balancer counts against one limit (and a restart forgets nothing).
//!
//! Each limit is a GCRA (generic cell rate algorithm, as in the `governor` crate this replaced):
//! one row per key holds the "theoretical arrival time"; a try is allowed while that time is at
//! most `burst - 1` intervals ahead of now, and each allowed try moves it one interval on. The
//! check and the update are one `INSERT .. ON CONFLICT DO UPDATE .. WHERE .. RETURNING`
//! statement, atomic on SQLite and PostgreSQL alike, so two instances cannot both take the
//! last try.
//!
//! The client address is the TCP peer, unless that peer is a reverse proxy named in
//! `COACH_TRUSTED_PROXIES`: then it is the nearest address in `X-Forwarded-For` that is not one
//! of those proxies (entries a client wrote itself come before its proxy's and are never used).
use crate::server::db::Pool;
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

/// `Ok(Err(seconds to wait))` when this client or this account has tried too often. The
/// client's limit is checked (and spent) first, as before: a refused client spends nothing of
/// the account's.
pub async fn check(
    pool: &Pool,
    client: IpAddr,
    email: &str,
    now_ms: i64,
) -> Result<Result<(), u64>, sqlx::Error> {
    if let Err(wait) = take(pool, &format!("client:{client}"), BY_CLIENT, now_ms).await? {
        return Ok(Err(wait));
    }
    // Hashed: whatever was typed (up to the form's 8 KB), the key is short, and the table
    // holds no email addresses.
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    take(pool, &format!("account:{hex}"), BY_ACCOUNT, now_ms).await
}

/// Spend one try of `key`'s quota, or say how many seconds until the next one.
pub async fn take(
    pool: &Pool,
    key: &str,
    quota: Quota,
    now_ms: i64,
) -> Result<Result<(), u64>, sqlx::Error> {
    let tolerance = quota.every_ms * (quota.burst - 1);
    let allowed: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3)
         ON CONFLICT (key) DO UPDATE
            SET tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3
          WHERE rate_limits.tat - $2 <= $4
         RETURNING tat",
    )
    .bind(key)
    .bind(now_ms)
    .bind(quota.every_ms)
    .bind(tolerance)
    .fetch_optional(pool)
    .await?;
    if allowed.is_some() {
        // Rows whose time has passed say nothing a missing row would not: drop them.
        sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
            .bind(now_ms)
            .execute(pool)
            .await?;
        return Ok(Ok(()));
    }
    let tat: i64 = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?
        .unwrap_or(now_ms);
    let wait_ms = (tat - now_ms - tolerance).max(1);
    Ok(Err((wait_ms as u64).div_ceil(1000)))
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
}
