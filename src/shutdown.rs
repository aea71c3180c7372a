//! Graceful stop: one [`Shutdown`] signal that every long-lived task can wait on.
//!
//! Owns turning SIGTERM / Ctrl-C into a broadcast that the HTTP server, the session
//! reaper and the browser supervisors listen to. It does not decide what each of them
//! does on stop.

use tokio::sync::watch;

/// A cloneable handle: [`Shutdown::trigger`] once, and every [`Shutdown::wait`] returns.
#[derive(Clone, Debug)]
pub struct Shutdown {
    sender: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    pub fn new() -> Self {
        let (sender, _) = watch::channel(false);
        Self { sender }
    }

    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    pub fn is_triggered(&self) -> bool {
        *self.sender.borrow()
    }

    /// Returns once the shutdown has been triggered (at once if it already was).
    pub async fn wait(&self) {
        let mut receiver = self.sender.subscribe();
        // An error means the sender is gone, which cannot happen while `self` lives.
        let _ = receiver.wait_for(|triggered| *triggered).await;
    }

    /// Triggers the shutdown on SIGTERM or Ctrl-C.
    pub fn trigger_on_signals(&self) {
        let shutdown = self.clone();
        tokio::spawn(async move {
            let ctrl_c = tokio::signal::ctrl_c();
            let term = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for SIGTERM");
                        std::future::pending::<()>().await;
                    }
                }
            };
            tokio::select! {
                _ = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
                _ = term => tracing::info!("SIGTERM received, shutting down"),
                _ = shutdown.wait() => return,
            }
            shutdown.trigger();
        });
    }
}
