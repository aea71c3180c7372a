//! The contexts one browser keeps ready ahead of session starts, and how many it keeps.
//!
//! Owns the pool's size and its bookkeeping: at least the floor (`--warm-contexts`);
//! doubled, up to the ceiling (`--warm-contexts-max`), whenever starts take contexts
//! faster than they are made, so that a burst finds them ready; halved again after a
//! quiet [`QUIET`], so that an idle server holds only the floor. The ceiling is the memory
//! bound: a ready context costs what an idle session costs. Does not own making or
//! disposing of a context (`running.rs` does, on the browser).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Contexts made at once. Each is a renderer process to start: on two cores a third
/// concurrent one still adds throughput (measured 22–30 a second with two, ~40 with
/// four), and more would take the cores from the starts themselves.
pub(super) const MADE_AT_ONCE: usize = 3;

/// How long the pool must go without growing before it is let down by half.
pub(super) const QUIET: Duration = Duration::from_secs(60);

/// The pool of one browser; `T` is what a ready context is (`T` there, plain
/// values in the tests).
pub(super) struct Warm<T> {
    state: Mutex<State<T>>,
    floor: usize,
    ceiling: usize,
}

struct State<T> {
    ready: Vec<T>,
    /// Contexts being made now, counted against the target.
    making: usize,
    target: usize,
    grown_at: Instant,
}

impl<T> Warm<T> {
    pub(super) fn new(floor: usize, ceiling: usize) -> Self {
        Self {
            state: Mutex::new(State {
                ready: Vec::new(),
                making: 0,
                target: floor,
                grown_at: Instant::now(),
            }),
            floor,
            ceiling: ceiling.max(floor),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A ready context, if there is one. A start that leaves less than half the target
    /// ready (or finds none) is demand outrunning supply: the target doubles. Contexts
    /// being made do not count as supply here: a burst takes them as soon as they exist.
    pub(super) fn take(&self) -> Option<T> {
        let mut state = self.state();
        let taken = state.ready.pop();
        if self.floor > 0 && state.ready.len() * 2 < state.target {
            let grown = (state.target * 2).clamp(self.floor, self.ceiling);
            if grown > state.target {
                state.target = grown;
                state.grown_at = Instant::now();
            }
        }
        taken
    }

    /// Claims the making of one more context, if the pool is short of its target and
    /// fewer than [`MADE_AT_ONCE`] are being made.
    pub(super) fn claim(&self) -> bool {
        let mut state = self.state();
        if state.making < MADE_AT_ONCE && state.ready.len() + state.making < state.target {
            state.making += 1;
            true
        } else {
            false
        }
    }

    /// A claimed context is made: it is ready.
    pub(super) fn made(&self, parts: T) {
        let mut state = self.state();
        state.making -= 1;
        state.ready.push(parts);
    }

    /// A claimed context could not be made.
    pub(super) fn failed(&self) {
        self.state().making -= 1;
    }

    /// After a quiet spell, halves the target (not below the floor) and hands back the
    /// ready contexts beyond it, for the caller to dispose of.
    pub(super) fn relax(&self, now: Instant) -> Vec<T> {
        let mut state = self.state();
        if state.target <= self.floor || now.duration_since(state.grown_at) < QUIET {
            return Vec::new();
        }
        state.target = (state.target / 2).max(self.floor);
        state.grown_at = now;
        let keep = state.target.min(state.ready.len());
        state.ready.split_off(keep)
    }

    #[cfg(test)]
    fn counts(&self) -> (usize, usize) {
        let state = self.state();
        (state.ready.len(), state.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(warm: &Warm<u32>) {
        while warm.claim() {
            warm.made(0);
        }
    }

    #[test]
    fn a_burst_doubles_the_target_up_to_the_ceiling() {
        let warm = Warm::new(2, 16);
        fill(&warm);
        assert_eq!(warm.counts(), (2, 2));
        assert!(warm.take().is_some());
        assert_eq!(warm.counts().1, 2, "one start is not a burst");
        let mut targets = Vec::new();
        for _ in 0..40 {
            let _ = warm.take();
            targets.push(warm.counts().1);
        }
        assert_eq!(targets.iter().max(), Some(&16));
        assert!(targets.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn paced_starts_keep_the_floor() {
        let warm = Warm::new(2, 16);
        for _ in 0..10 {
            fill(&warm);
            assert!(warm.take().is_some());
        }
        assert_eq!(warm.counts().1, 2);
    }

    #[test]
    fn making_is_bounded_by_the_target_and_the_concurrency() {
        let warm: Warm<u32> = Warm::new(2, 64);
        for _ in 0..8 {
            let _ = warm.take();
        }
        let target = warm.counts().1;
        assert!(target > MADE_AT_ONCE);
        let claimed = (0..100).take_while(|_| warm.claim()).count();
        assert_eq!(claimed, MADE_AT_ONCE);
        warm.failed();
        assert!(warm.claim());
    }

    #[test]
    fn a_quiet_pool_is_let_down_to_the_floor_and_hands_back_the_excess() {
        let warm = Warm::new(2, 16);
        for _ in 0..10 {
            let _ = warm.take();
        }
        fill(&warm);
        let (ready, target) = warm.counts();
        assert_eq!(ready, target);
        assert!(warm.relax(Instant::now()).is_empty(), "not quiet yet");
        let later = Instant::now() + QUIET + Duration::from_secs(1);
        let handed_back = warm.relax(later);
        assert_eq!(handed_back.len(), target - target / 2);
        assert_eq!(warm.counts(), (target / 2, target / 2));
        let mut at = later;
        for _ in 0..10 {
            at += QUIET + Duration::from_secs(1);
            let _ = warm.relax(at);
        }
        assert_eq!(warm.counts(), (2, 2));
    }

    #[test]
    fn no_floor_means_no_pool() {
        let warm: Warm<u32> = Warm::new(0, 16);
        assert!(warm.take().is_none());
        assert!(!warm.claim());
        assert_eq!(warm.counts(), (0, 0));
    }
}
