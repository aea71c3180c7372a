//! The browser processes: launching them, keeping a few contexts ready in each, handing
//! out tabs, noticing a death and launching a replacement, and retiring a browser that
//! has served its share (a new one takes the slot; the old one serves its sessions to
//! their end, then is closed).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::handler::HandlerConfig;
use chromiumoxide::Browser;
use futures_util::StreamExt;
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot, watch};

use super::launch::{launch, Launched};
use super::running::Running;
use super::tab::Tab;
use super::warm::Warm;
use super::{BrowserConfig, BrowserError, BrowserEvent, BrowserId};
use crate::shutdown::Shutdown;

const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a tab request waits for a browser that is being relaunched.
const RELAUNCH_WAIT: Duration = Duration::from_secs(10);

/// All browser processes of the server; cheap to clone.
#[derive(Clone)]
pub struct Browsers {
    inner: Arc<Inner>,
}

struct Inner {
    config: BrowserConfig,
    /// The running browser of each slot; `None` while it is being (re)launched.
    slots: Vec<watch::Sender<Option<Arc<Running>>>>,
    events: mpsc::UnboundedSender<BrowserEvent>,
    shutdown: Shutdown,
    supervisors: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Inner {
    /// Keeps a supervising task for [`Browsers::stopped`] to wait on; those already done
    /// go, so that a server retiring browsers for months does not pile them up.
    fn keep(&self, task: tokio::task::JoinHandle<()>) {
        let mut tasks = self.supervisors.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|task| !task.is_finished());
        tasks.push(task);
    }
}

impl Browsers {
    /// Launches every browser process (waiting for them, so that no session start ever
    /// waits for a launch) and supervises them until `shutdown`.
    pub async fn start(
        config: BrowserConfig,
        shutdown: Shutdown,
    ) -> Result<(Self, mpsc::UnboundedReceiver<BrowserEvent>), BrowserError> {
        // Chromium's profiles left by a server that was killed are of no use to anyone.
        let _ = std::fs::remove_dir_all(&config.user_data_dir);
        let (events, events_rx) = mpsc::unbounded_channel();
        let mut launched = Vec::new();
        let mut slots = Vec::new();
        for slot in 0..config.processes.max(1) {
            let (running, child, handler_done) = start_browser(
                &config,
                BrowserId {
                    slot,
                    generation: 0,
                },
            )
            .await?;
            slots.push(watch::Sender::new(Some(Arc::clone(&running))));
            launched.push((running, child, handler_done));
        }
        let inner = Arc::new(Inner {
            config,
            slots,
            events,
            shutdown,
            supervisors: Mutex::new(Vec::new()),
        });
        for (running, child, handler_done) in launched {
            inner.keep(tokio::spawn(supervise(
                Arc::clone(&inner),
                running,
                child,
                handler_done,
            )));
        }
        Ok((Self { inner }, events_rx))
    }

    /// A new tab in its own isolated context, from the least busy browser.
    pub async fn open_tab(&self) -> Result<Tab, BrowserError> {
        let running = self.pick().await?;
        let parts = match running.take_warm() {
            Some(parts) => parts,
            None => running.create_parts().await?,
        };
        running.refill();
        running.open_tabs.fetch_add(1, Ordering::SeqCst);
        let served = running.served.fetch_add(1, Ordering::SeqCst) + 1;
        // Every multiple, so that a retirement whose launch failed is tried again later.
        if let Some(share) = self.inner.config.retire_after {
            if served % share.get() == 0 {
                running.retire.notify_one();
            }
        }
        Ok(Tab::new(running, parts))
    }

    /// The process ids of the running browsers (their whole process trees hang below).
    pub fn pids(&self) -> Vec<u32> {
        self.inner
            .slots
            .iter()
            .filter_map(|slot| slot.borrow().as_ref().map(|running| running.pid))
            .collect()
    }

    /// Waits until every browser process has been stopped (after the shutdown signal).
    pub async fn stopped(&self) {
        let tasks = std::mem::take(
            &mut *self
                .inner
                .supervisors
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for task in tasks {
            let _ = task.await;
        }
    }

    async fn pick(&self) -> Result<Arc<Running>, BrowserError> {
        let deadline = tokio::time::Instant::now() + RELAUNCH_WAIT;
        loop {
            let best = self
                .inner
                .slots
                .iter()
                .filter_map(|slot| slot.borrow().clone())
                .filter(|running| running.is_alive())
                .min_by_key(|running| running.open_tabs.load(Ordering::SeqCst));
            if let Some(running) = best {
                return Ok(running);
            }
            if tokio::time::Instant::now() >= deadline || self.inner.shutdown.is_triggered() {
                return Err(BrowserError::Unavailable);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn profile_dir(config: &BrowserConfig, id: BrowserId) -> PathBuf {
    config
        .user_data_dir
        .join(format!("{}-{}", id.slot, id.generation))
}

/// Launches browser `id` and connects to it; a launch that fails leaves no profile behind.
async fn start_browser(
    config: &BrowserConfig,
    id: BrowserId,
) -> Result<(Arc<Running>, Child, oneshot::Receiver<()>), BrowserError> {
    let started = launch_and_connect(config, id).await;
    if started.is_err() {
        let _ = std::fs::remove_dir_all(profile_dir(config, id));
    }
    started
}

async fn launch_and_connect(
    config: &BrowserConfig,
    id: BrowserId,
) -> Result<(Arc<Running>, Child, oneshot::Receiver<()>), BrowserError> {
    let Launched {
        child,
        websocket_url,
    } = launch(
        &config.executable,
        &profile_dir(config, id),
        &config.extra_args,
        config.proxy_server.as_deref(),
        config.page_heap_mb,
        LAUNCH_TIMEOUT,
    )
    .await?;
    let pid = child.id().unwrap_or(0);
    let handler_config = HandlerConfig {
        // Longer than our own bound, so that ours speaks first and says what timed out.
        // (A page's commands and navigations also carry the client's fixed bound,
        // `COMMAND_TIMEOUT_MAX`, which the operation timeout never exceeds.)
        request_timeout: config.operation_timeout + Duration::from_secs(5),
        ..HandlerConfig::default()
    };
    let (browser, mut handler) =
        Browser::connect_with_config(websocket_url.clone(), handler_config).await?;
    let (done_tx, done_rx) = oneshot::channel();
    tokio::spawn(async move {
        // Stop at the first error: going on after one hides a dead browser from every caller.
        while let Some(event) = handler.next().await {
            if let Err(error) = event {
                tracing::debug!(%error, "browser connection ended");
                break;
            }
        }
        let _ = done_tx.send(());
    });
    let running = Arc::new(Running {
        id,
        browser,
        websocket_url,
        pid,
        alive: AtomicBool::new(true),
        open_tabs: AtomicUsize::new(0),
        served: AtomicUsize::new(0),
        retire: Default::default(),
        warm: Warm::new(config.warm_contexts, config.warm_contexts_max),
        operation_timeout: config.operation_timeout,
        downloads: Default::default(),
        tab_cap: super::tab_cap::TabCap::new(config.max_tabs),
    });
    tokio::spawn(super::downloads::Downloads::follow(Arc::clone(&running)));
    tokio::spawn(super::tab_cap::TabCap::enforce(Arc::clone(&running)));
    running.refill();
    tokio::spawn(Running::relax_warm(Arc::downgrade(&running)));
    metrics::counter!("browserd_browser_launches_total").increment(1);
    tracing::info!(pid, slot = id.slot, generation = id.generation, executable = %config.executable.display(), "browser launched");
    Ok((running, child, done_rx))
}

/// Kills the browser's whole process group: the browser and every helper it forked.
fn kill_group(pid: u32) {
    if pid > 0 {
        // SAFETY: plain syscall; the group was created for this browser alone.
        unsafe {
            libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
        }
    }
}

/// How often a retired browser is looked at for its last session's end.
const DRAIN_EVERY: Duration = Duration::from_secs(1);

/// Why a supervisor stopped watching its browser.
enum Ended {
    Died(String),
    Retire,
    Shutdown,
}

/// Watches one browser slot: on a death, reports it and launches a replacement; when the
/// browser has served its share, puts a new one in its place and leaves the old one to
/// [`drain`]; on shutdown, stops the browser.
async fn supervise(
    inner: Arc<Inner>,
    mut running: Arc<Running>,
    mut child: Child,
    mut handler_done: oneshot::Receiver<()>,
) {
    let slot = running.id.slot;
    loop {
        let ended = tokio::select! {
            status = child.wait() => Ended::Died(exit_reason(status)),
            _ = &mut handler_done => Ended::Died(CONNECTION_LOST.to_string()),
            _ = running.retire.notified() => Ended::Retire,
            _ = inner.shutdown.wait() => Ended::Shutdown,
        };
        let generation = running.id.generation + 1;
        match ended {
            Ended::Retire => {
                // The old browser goes on serving the slot until the new one is up, so no
                // start waits for the launch; if it cannot be launched, the old one stays
                // (and is watched) until its next share.
                if inner.shutdown.is_triggered() {
                    continue;
                }
                let id = BrowserId { slot, generation };
                let (next, next_child, next_done) = match start_browser(&inner.config, id).await {
                    Ok(launched) => launched,
                    Err(error) => {
                        tracing::warn!(%error, "cannot launch a browser to retire the old one; it serves on");
                        continue;
                    }
                };
                inner.slots[slot].send_replace(Some(Arc::clone(&next)));
                tracing::info!(
                    pid = running.pid,
                    served = running.served.load(Ordering::SeqCst),
                    "browser retired; closing it when its last session ends"
                );
                let old = std::mem::replace(&mut running, next);
                let old_child = std::mem::replace(&mut child, next_child);
                let old_done = std::mem::replace(&mut handler_done, next_done);
                inner.keep(tokio::spawn(drain(
                    Arc::clone(&inner),
                    old,
                    old_child,
                    old_done,
                )));
            }
            Ended::Shutdown => {
                inner.slots[slot].send_replace(None);
                stop(&inner, &running, &mut child).await;
                tracing::info!(pid = running.pid, "browser stopped");
                return;
            }
            Ended::Died(reason) => {
                inner.slots[slot].send_replace(None);
                stop(&inner, &running, &mut child).await;
                died(&inner, &running, reason);
                let Some((next, next_child, next_done)) = relaunch(&inner, slot, generation).await
                else {
                    return;
                };
                running = next;
                child = next_child;
                handler_done = next_done;
                inner.slots[slot].send_replace(Some(Arc::clone(&running)));
            }
        }
    }
}

/// A retired browser: out of its slot, serving the sessions it already has until the last
/// one ends (or it dies, or the server stops), then closed.
async fn drain(
    inner: Arc<Inner>,
    running: Arc<Running>,
    mut child: Child,
    mut handler_done: oneshot::Receiver<()>,
) {
    let death = loop {
        if running.open_tabs.load(Ordering::SeqCst) == 0 {
            break None;
        }
        tokio::select! {
            status = child.wait() => break Some(exit_reason(status)),
            _ = &mut handler_done => break Some(CONNECTION_LOST.to_string()),
            _ = inner.shutdown.wait() => break None,
            _ = tokio::time::sleep(DRAIN_EVERY) => {}
        }
    };
    stop(&inner, &running, &mut child).await;
    if inner.shutdown.is_triggered() {
        tracing::info!(pid = running.pid, "browser stopped");
    } else if let Some(reason) = death {
        died(&inner, &running, reason);
    } else {
        metrics::counter!("browserd_browsers_retired_total").increment(1);
        tracing::info!(pid = running.pid, "retired browser closed");
    }
}

/// Why a browser died, when its process ended.
fn exit_reason(status: std::io::Result<std::process::ExitStatus>) -> String {
    match status {
        Ok(status) => format!("browser process exited ({status})"),
        Err(error) => format!("browser process lost: {error}"),
    }
}

/// Why a browser died, when its DevTools connection ended first.
const CONNECTION_LOST: &str = "lost the DevTools connection to the browser";

/// Kills a browser that is out of its slot (or leaving it) and removes its profile.
async fn stop(inner: &Inner, running: &Running, child: &mut Child) {
    running.alive.store(false, Ordering::SeqCst);
    kill_group(running.pid);
    let _ = child.wait().await;
    let _ = std::fs::remove_dir_all(profile_dir(&inner.config, running.id));
}

/// Reports a browser's death, so that its sessions end.
fn died(inner: &Inner, running: &Running, reason: String) {
    metrics::counter!("browserd_browser_crashes_total").increment(1);
    tracing::error!(pid = running.pid, %reason, "browser died; launching a new one");
    let _ = inner.events.send(BrowserEvent::Died {
        browser: running.id,
        reason,
    });
}

/// Launches the slot's next browser, retrying with a growing pause; `None` on shutdown.
async fn relaunch(
    inner: &Inner,
    slot: usize,
    mut generation: u64,
) -> Option<(Arc<Running>, Child, oneshot::Receiver<()>)> {
    let mut backoff = Duration::from_millis(100);
    loop {
        if inner.shutdown.is_triggered() {
            return None;
        }
        match start_browser(&inner.config, BrowserId { slot, generation }).await {
            Ok(launched) => return Some(launched),
            Err(error) => {
                tracing::error!(%error, "cannot launch the browser; retrying in {backoff:?}");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = inner.shutdown.wait() => return None,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                generation += 1;
            }
        }
    }
}
