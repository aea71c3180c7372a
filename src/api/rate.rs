//! Requests per API key: a bucket per key that fills at the set rate and holds a minute's
//! worth, so that one tenant cannot take all of a shared server. Kept in memory, for the
//! keys the server accepts only (a request is counted once its key is known good).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::domain::Owner;

/// The request budget of each key; cheap to clone.
#[derive(Clone, Debug)]
pub struct KeyRates {
    per_minute: u32,
    buckets: Arc<Mutex<HashMap<Owner, Bucket>>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl KeyRates {
    /// `per_minute` requests a minute for each key; 0 for no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Arc::default(),
        }
    }

    /// Counts a request of `owner`'s, or says in how many seconds one would be admitted.
    pub fn admit(&self, owner: &Owner) -> Result<(), u32> {
        self.admit_at(owner, Instant::now())
    }

    fn admit_at(&self, owner: &Owner, now: Instant) -> Result<(), u32> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(owner.clone()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_key_has_a_minutes_worth_then_waits_for_its_rate() {
        let rates = KeyRates::new(60);
        let (one, two) = (Owner::of_api_key("one"), Owner::of_api_key("two"));
        let start = Instant::now();
        for _ in 0..60 {
            assert_eq!(rates.admit_at(&one, start), Ok(()));
        }
        assert_eq!(rates.admit_at(&one, start), Err(1));
        assert_eq!(
            rates.admit_at(&two, start),
            Ok(()),
            "another key has its own"
        );
        assert_eq!(rates.admit_at(&one, start + Duration::from_secs(1)), Ok(()));
        assert_eq!(rates.admit_at(&one, start + Duration::from_secs(1)), Err(1));
    }

    #[test]
    fn no_limit_admits_everything() {
        let rates = KeyRates::new(0);
        let owner = Owner::of_api_key("k");
        assert!((0..10_000).all(|_| rates.admit(&owner).is_ok()));
    }
}
