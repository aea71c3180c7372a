//! The browser processes: launching them, keeping a few contexts ready in each, handing
//! out tabs, noticing a death and launching a replacement.

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
            let task = tokio::spawn(supervise(Arc::clone(&inner), running, child, handler_done));
            inner
                .supervisors
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(task);
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

async fn start_browser(
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

/// Watches one browser slot: on a death, reports it and launches a replacement; on
/// shutdown, stops the browser.
async fn supervise(
    inner: Arc<Inner>,
    mut running: Arc<Running>,
    mut child: Child,
    mut handler_done: oneshot::Receiver<()>,
) {
    let slot = running.id.slot;
    loop {
        let reason = tokio::select! {
            status = child.wait() => match status {
                Ok(status) => format!("browser process exited ({status})"),
                Err(error) => format!("browser process lost: {error}"),
            },
            _ = &mut handler_done => "lost the DevTools connection to the browser".to_string(),
            _ = inner.shutdown.wait() => String::new(),
        };
        running.alive.store(false, Ordering::SeqCst);
        inner.slots[slot].send_replace(None);
        kill_group(running.pid);
        let _ = child.wait().await;
        let _ = std::fs::remove_dir_all(profile_dir(&inner.config, running.id));
        if inner.shutdown.is_triggered() {
            tracing::info!(pid = running.pid, "browser stopped");
            return;
        }
        metrics::counter!("browserd_browser_crashes_total").increment(1);
        tracing::error!(pid = running.pid, %reason, "browser died; launching a new one");
        let _ = inner.events.send(BrowserEvent::Died {
            browser: running.id,
            reason,
        });

        let mut generation = running.id.generation;
        let mut backoff = Duration::from_millis(100);
        loop {
            generation += 1;
            match start_browser(&inner.config, BrowserId { slot, generation }).await {
                Ok((next, next_child, next_done)) => {
                    running = next;
                    child = next_child;
                    handler_done = next_done;
                    inner.slots[slot].send_replace(Some(Arc::clone(&running)));
                    break;
                }
                Err(error) => {
                    tracing::error!(%error, "cannot relaunch the browser; retrying in {backoff:?}");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = inner.shutdown.wait() => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }
}
