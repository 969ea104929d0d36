//! Password hashing with argon2id, off the async threads, with a bound on concurrent hashes and
//! on the queue waiting for them.
use crate::domain::account::NewPassword;
use crate::domain::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The queue for the hashing slots is full: answer 503 and let the client come back.
    #[error("too many password checks are waiting")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

impl From<HashError> for AppError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => {
                let reference = crate::domain::error::error_reference();
                tracing::warn!(reference = %reference, "password hashing queue full: request refused with 503");
                AppError::Unavailable(reference)
            }
            HashError::Failed(detail) => AppError::internal(detail),
        }
    }
}

/// The most common passwords, refused for new ones (lowercase; see the file's header).
static COMMON: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// Is this one of the 10,000 most common passwords (any case).
pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.to_lowercase().as_str())
}

/// A password someone chose for their account: the length rules, and not one of the most common
/// (which attackers try first, whatever the limits).
pub fn new_password(raw: &str) -> Result<NewPassword, String> {
    let password = NewPassword::parse(raw)?;
    if is_common(raw) {
        return Err(
            "This is one of the most common passwords, among the first an attacker tries. \
                    Choose another: a few unrelated words make a strong one."
                .into(),
        );
    }
    Ok(password)
}

/// OWASP's argon2id minimum: 19 MiB of memory, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Where hashing waits its turn: at most `permits` hashes at once, and at most `max_waiting`
/// callers queued for them.
struct Slots {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// At most two hashes at once (one per core here): a burst of sign-ins queues instead of
/// exhausting memory (19 MiB each) or starving the blocking pool. At most eight wait (each
/// hash takes about 50 ms here, so the last in line waits under half a second); beyond that the
/// hashing is saturated, by a flood of wrong guesses most likely, and queueing more would only
/// make every sign-in slower.
static SLOTS: LazyLock<Slots> = LazyLock::new(|| Slots::new(2, MAX_WAITING));
pub const MAX_WAITING: usize = 8;

impl Slots {
    fn new(permits: usize, max_waiting: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits)),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// Run `work` on a blocking thread once a slot is free, or refuse at once when the queue is
    /// full.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let waiting = Waiter::join(self).ok_or(HashError::Busy)?;
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| HashError::Failed(e.to_string()))?;
        drop(waiting);
        // The slot goes with the work: a client that hangs up drops this future, but the hash
        // runs on, and its slot is only free again when the hash ends.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| HashError::Failed(format!("hashing thread: {e}")))
    }
}

/// Counts one caller in the queue for as long as it waits.
struct Waiter<'a>(&'a Slots);

impl<'a> Waiter<'a> {
    fn join(slots: &'a Slots) -> Option<Self> {
        let before = slots.waiting.fetch_add(1, Ordering::SeqCst);
        let me = Waiter(slots);
        (before < slots.max_waiting).then_some(me)
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

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

async fn on_blocking_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    SLOTS.run(work).await
}

/// Hash a new password (PHC string with its own salt and parameters).
pub async fn hash(password: String) -> Result<String, HashError> {
    on_blocking_thread(move || {
        hash_blocking(&password).map_err(|e| HashError::Failed(e.to_string()))
    })
    .await?
}

/// Check `password` against `hash`; with no hash (unknown account), spend the same time and fail.
pub async fn verify(hash: Option<String>, password: String) -> Result<bool, HashError> {
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

    #[test]
    fn common_passwords_are_refused_with_a_reason() {
        for common in [
            "12345678",
            "password1",
            "PASSWORD1",
            "qwerty123",
            "iloveyou",
        ] {
            let e = new_password(common).expect_err(common);
            assert!(e.contains("most common"), "{e}");
        }
        assert!(new_password("practise-mlops").is_ok());
        assert!(new_password("correct horse battery").is_ok());
        // the length rules still come first
        assert!(new_password("short").unwrap_err().contains("at least"));
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(Some(h.clone()), "correct horse battery".into())
            .await
            .unwrap());
        assert!(!verify(Some(h), "correct horse batterY".into())
            .await
            .unwrap());
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
        assert!(!verify(None, "whatever1".into()).await.unwrap());
        let unknown = t.elapsed();
        let t = std::time::Instant::now();
        assert!(!verify(Some(real), "wrong one".into()).await.unwrap());
        let wrong = t.elapsed();
        // Both run one full argon2 verification; allow wide noise, catch a skipped hash.
        assert!(
            unknown.as_secs_f64() > wrong.as_secs_f64() * 0.3,
            "{unknown:?} vs {wrong:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_checks_is_refused_beyond_the_queue_not_queued_forever() {
        // Slots of its own: the process-wide ones serve the tests running beside this one.
        let slots = Arc::new(Slots::new(2, MAX_WAITING));
        let h = hash("flood password".into()).await.unwrap();
        let tries: Vec<_> = (0..40)
            .map(|_| {
                let (slots, h) = (slots.clone(), h.clone());
                tokio::spawn(async move { slots.run(move || verify_blocking(&h, "guess")).await })
            })
            .collect();
        let (mut refused, mut answered) = (0, 0);
        for t in tries {
            match t.await.unwrap() {
                Err(HashError::Busy) => refused += 1,
                Ok(false) => answered += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(
            refused > 0,
            "40 at once must overflow a queue of {MAX_WAITING}"
        );
        assert!(answered >= 2, "those with a place are answered");
        // Once the flood has passed, checks go through again and nobody is left counted.
        assert_eq!(
            slots.run(move || verify_blocking(&h, "x")).await.ok(),
            Some(false)
        );
        assert_eq!(slots.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_hangs_up_keeps_its_slot_until_its_hash_ends() {
        let slots = Arc::new(Slots::new(1, MAX_WAITING));
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let (finish_tx, finish_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let slots = slots.clone();
            tokio::spawn(async move {
                slots
                    .run(move || {
                        started_tx.send(()).unwrap();
                        finish_rx.recv().ok();
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        // The client disconnects: its request future is dropped while the hash still runs.
        first.abort();
        let _ = first.await;
        let second = {
            let slots = slots.clone();
            tokio::spawn(async move { slots.run(|| "second").await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(
            !second.is_finished(),
            "the one slot is still taken by the running hash"
        );
        finish_tx.send(()).unwrap();
        assert_eq!(second.await.unwrap().ok(), Some("second"));
    }
}
