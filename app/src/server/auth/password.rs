//! Password hashing with argon2id, off the async threads and with a bound on concurrent hashes.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// OWASP's argon2id minimum: 19 MiB of memory, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most two hashes at once (one per core here): a burst of sign-ins queues instead of
/// exhausting memory (19 MiB each) or starving the blocking pool.
static HASH_PERMITS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(2)));

/// A hash of a random password, verified against when the account does not exist, so that an
/// unknown email takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_blocking("not a real password: only here to spend the same time").unwrap_or_default()
});

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

async fn on_blocking_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _permit = HASH_PERMITS.clone().acquire_owned().await;
    tokio::task::spawn_blocking(work)
        .await
        .expect("password hashing panicked")
}

/// Hash a new password (PHC string with its own salt and parameters).
pub async fn hash(password: String) -> Result<String, String> {
    on_blocking_thread(move || hash_blocking(&password).map_err(|e| e.to_string())).await
}

/// Check `password` against `hash`; with no hash (unknown account), spend the same time and fail.
pub async fn verify(hash: Option<String>, password: String) -> bool {
    on_blocking_thread(move || match hash {
        Some(hash) => verify_blocking(&hash, &password),
        None => {
            let _ = verify_blocking(&DUMMY_HASH, &password);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(Some(h.clone()), "correct horse battery".into()).await);
        assert!(!verify(Some(h), "correct horse batterY".into()).await);
    }

    #[tokio::test]
    async fn the_same_password_gets_a_different_salt_each_time() {
        let a = hash("same password".into()).await.unwrap();
        let b = hash("same password".into()).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn an_unknown_account_takes_the_same_path_and_fails() {
        let real = hash("whatever1".into()).await.unwrap();
        let t = std::time::Instant::now();
        assert!(!verify(None, "whatever1".into()).await);
        let unknown = t.elapsed();
        let t = std::time::Instant::now();
        assert!(!verify(Some(real), "wrong one".into()).await);
        let wrong = t.elapsed();
        // Both run one full argon2 verification; allow wide noise, catch a skipped hash.
        assert!(
            unknown.as_secs_f64() > wrong.as_secs_f64() * 0.3,
            "{unknown:?} vs {wrong:?}"
        );
    }
}
