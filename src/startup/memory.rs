//! Keeping the allocator's free memory small: few arenas, large blocks of their own, and
//! what is free given back to the system now and then.
//!
//! Owns glibc's settings (arenas, the threshold for blocks of their own), its periodic
//! `malloc_trim`, and the allocator's own count after each trim (the gauges
//! `browserd_heap_in_use_bytes` and `browserd_heap_free_held_bytes`), which tells a heap
//! that grows from one that only holds freed memory. Does not own the process's memory as
//! the system sees it: the soak and operators read that from `/proc`.
//!
//! Why: glibc keeps freed memory in its arenas for reuse and returns little of it, since
//! its heaps shrink only from the top. A server that handles each session's requests on
//! whichever thread is free scatters small long-lived blocks over every arena, and its
//! resident memory can then creep up although the live heap stays flat. Three settings,
//! each measured in the soak:
//! - `malloc_trim(0)` hands every arena's free pages back (`MADV_DONTNEED`), whatever lies
//!   above them. It cannot give back a page that still holds one live block.
//! - One arena per core (at least two) instead of up to eight a core: each arena keeps
//!   such pages of its own, and the blocking pool's threads come and go.
//! - Blocks of 128 KiB or more get pages of their own (`mmap`), returned whole when freed.
//!   glibc's default starts there but raises the threshold to the largest block freed, up
//!   to 32 MiB: after the first large page or scrape, every page's HTML, markdown and
//!   JSON answer came from the heaps, where small blocks allocated beside them can pin
//!   their pages. Fixing the threshold keeps the heaps for small blocks; a large block
//!   costs a `mmap` and its page faults, nothing beside the browser work that made it.
//!
//! Together they lower the soak's memory by a third and halve its swings. The rise that
//! was left was a live map, not the allocator (bench/README.md): jemalloc, mimalloc, one
//! arena and lower thresholds, tried against it, all rose alike.

use std::time::Duration;

use crate::shutdown::Shutdown;

/// How often free memory is returned: often enough that a busy hour cannot pile it up,
/// rarely enough that the arenas' locks, which a trim takes in turn for a moment, cost
/// nothing measurable.
const TRIM_EVERY: Duration = Duration::from_secs(30);

/// Blocks this large or larger get pages of their own.
const OWN_PAGES_FROM_BYTES: usize = 128 * 1024;

/// Sets glibc's arenas to one per core (at least two) and its threshold for blocks of
/// their own to [`OWN_PAGES_FROM_BYTES`], each unless the operator chose it with glibc's
/// own variable (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`). Call it first thing,
/// before the threads that would make more arenas.
pub fn tune_allocator() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        set_option(Setting::ArenaMax, cores.max(2));
    }
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        set_option(Setting::MmapThreshold, OWN_PAGES_FROM_BYTES);
    }
}

/// The settings of glibc's allocator this module changes.
enum Setting {
    ArenaMax,
    MmapThreshold,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_option(setting: Setting, value: usize) {
    let parameter = match setting {
        Setting::ArenaMax => libc::M_ARENA_MAX,
        Setting::MmapThreshold => libc::M_MMAP_THRESHOLD,
    };
    let value = libc::c_int::try_from(value).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets a parameter of the allocator; any thread may call it.
    unsafe {
        libc::mallopt(parameter, value);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_option(_setting: Setting, _value: usize) {}

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
        // A trim and a count walk every arena: keep them off the threads that serve
        // requests.
        match tokio::task::spawn_blocking(trim_and_count).await {
            Ok(Some(usage)) => {
                metrics::gauge!("browserd_heap_in_use_bytes").set(usage.in_use as f64);
                metrics::gauge!("browserd_heap_free_held_bytes").set(usage.free_held as f64);
            }
            Ok(None) => {}
            Err(_) => return,
        }
    }
}

/// The allocator's own count, right after a trim.
#[derive(Debug, Clone, Copy)]
struct HeapUsage {
    /// Bytes in blocks the program holds, its own pages (large blocks) included.
    in_use: usize,
    /// Bytes free in the heaps that the trim could not give back: pages that share
    /// a live block, and pieces smaller than a page.
    free_held: usize,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_and_count() -> Option<HeapUsage> {
    // SAFETY: malloc_trim and mallinfo2 only take the allocator's own locks; any thread
    // may call them.
    let info = unsafe {
        libc::malloc_trim(0);
        libc::mallinfo2()
    };
    Some(HeapUsage {
        in_use: info.uordblks + info.hblkhd,
        free_held: info.fordblks,
    })
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_and_count() -> Option<HeapUsage> {
    None
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn the_count_sees_a_block_held_and_not_after_it_is_freed() {
        // Far larger than what the other tests, running beside this one, hold at once.
        const BLOCK: usize = 64 << 20;
        const MARGIN: usize = 16 << 20;
        let before = trim_and_count().map(|usage| usage.in_use);
        let block = vec![1u8; BLOCK];
        let held = trim_and_count().map(|usage| usage.in_use);
        drop(std::hint::black_box(block));
        let after = trim_and_count().map(|usage| usage.in_use);
        let (Some(before), Some(held), Some(after)) = (before, held, after) else {
            panic!("glibc's count is missing");
        };
        assert!(held + MARGIN >= before + BLOCK, "{before} → {held}");
        assert!(after + BLOCK <= held + MARGIN, "{held} → {after}");
    }
}
