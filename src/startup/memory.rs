//! Giving the allocator's free memory back to the system, now and then.
//!
//! Owns the periodic `malloc_trim` of glibc's allocator. Does not own any memory
//! accounting: `/health` and the soak measure memory, this only returns what is free.
//!
//! Why: glibc keeps freed memory in its per-thread arenas for reuse and returns little of
//! it, since its heaps shrink only from the top. A server that handles each session's
//! requests on whichever thread is free scatters small long-lived blocks over every
//! arena, and its resident memory then creeps up by about a kilobyte per session although
//! the live heap stays flat (the soak's finding, see bench/README.md). `malloc_trim(0)`
//! hands every arena's free pages back (`MADV_DONTNEED`), whatever lies above them.

use std::time::Duration;

use crate::shutdown::Shutdown;

/// How often free memory is returned: often enough that a busy hour cannot pile it up,
/// rarely enough that the arenas' locks, which a trim takes in turn for a moment, cost
/// nothing measurable.
const TRIM_EVERY: Duration = Duration::from_secs(30);

/// Returns the allocator's free memory to the system every [`TRIM_EVERY`] until
/// `shutdown`. Does nothing where the allocator is not glibc's.
pub(super) async fn trim_until(shutdown: Shutdown) {
    let mut interval = tokio::time::interval(TRIM_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = shutdown.wait() => return,
        }
        // A trim walks every arena: keep it off the threads that serve requests.
        if tokio::task::spawn_blocking(trim).await.is_err() {
            return;
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim only takes the allocator's own locks; any thread may call it.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
