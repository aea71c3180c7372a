//! Keeping the allocator's free memory small: few arenas, and what is free given back to
//! the system now and then.
//!
//! Owns the bound on glibc's arenas and its periodic `malloc_trim`. Does not own any memory
//! accounting: `/health` and the soak measure memory, this only returns what is free.
//!
//! Why: glibc keeps freed memory in its per-thread arenas for reuse and returns little of
//! it, since its heaps shrink only from the top. A server that handles each session's
//! requests on whichever thread is free scatters small long-lived blocks over every
//! arena, and its resident memory then creeps up by about a kilobyte per session although
//! the live heap stays flat (the soak's finding, see bench/README.md). `malloc_trim(0)`
//! hands every arena's free pages back (`MADV_DONTNEED`), whatever lies above them.
//! It cannot give back a page that still holds one live block, and each arena keeps such
//! pages of its own: glibc makes up to eight arenas a core as threads come and go (the
//! blocking pool's too), and in the soak browserd's anonymous memory rose with its thread
//! count. One arena per core serves the runtime's worker threads without contention. Both
//! lower the soak's drift; neither makes it flat (bench/README.md).

use std::time::Duration;

use crate::shutdown::Shutdown;

/// How often free memory is returned: often enough that a busy hour cannot pile it up,
/// rarely enough that the arenas' locks, which a trim takes in turn for a moment, cost
/// nothing measurable.
const TRIM_EVERY: Duration = Duration::from_secs(30);

/// Bounds glibc's arenas to one per core (at least two), unless the operator chose with
/// `MALLOC_ARENA_MAX`. Call it first thing, before the threads that would make more.
pub fn bound_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    set_arena_max(cores.max(2));
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_arena_max(arenas: usize) {
    let arenas = libc::c_int::try_from(arenas).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets a parameter of the allocator; any thread may call it.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_arena_max(_arenas: usize) {}

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
