//! [`Sessions`]: the live sessions of this process and their records.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::{broadcast, mpsc, watch};

use super::token::TokenKey;
use crate::browser::{BrowserError, BrowserEvent, BrowserId, Browsers, CdpEndpoint, Screen, Tab};
use crate::domain::StepRecord;
use crate::domain::{
    now, Ending, Owner, ProfileId, ProfileUse, SessionId, SessionRecord, SessionStatus,
    StartOptions,
};
use crate::perception::ActionSpace;
use crate::shutdown::Shutdown;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no session {0} for this API key")]
    NotFound(SessionId),
    #[error("session {} has ended ({}){}; start a new session", .0.id, .0.status.as_str(), ended_reason(.0))]
    Ended(Box<SessionRecord>),
    #[error("the server is at its limit of {0} active sessions; close one or retry later")]
    AtCapacity(u32),
    #[error("this API key has {0} active sessions, its limit; close one or retry later")]
    KeyAtCapacity(u32),
    #[error("missing or wrong token for this session: use the `cdp_url`, `viewer_url` or `replay_url` the session's JSON gives, or `Authorization: Bearer <API key>`")]
    BadToken,
    #[error("no profile {0} for this API key")]
    ProfileNotFound(ProfileId),
    #[error("profile {0} is in use by a session that saves into it; start read-only (`persist: false`) or close that session first")]
    ProfileInUse(ProfileId),
    #[error("session {0} was not started from a profile with `persist: true`; there is nothing to save into")]
    NoProfileToSave(SessionId),
    #[error("session {0} saves into the profile it started from, {1}, not another")]
    OtherProfile(SessionId, ProfileId),
    #[error("{0}")]
    Browser(#[from] BrowserError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Why a session ended, as the end of a sentence; nothing for a close.
fn ended_reason(record: &SessionRecord) -> String {
    record
        .error
        .as_deref()
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default()
}

/// The server's limits on sessions.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_sessions: u32,
    /// Active sessions one owner may have at once; 0: no cap but `max_sessions`.
    pub max_sessions_per_key: u32,
    pub max_session_minutes: u32,
    /// How long one timeout "minute" lasts.
    pub minute: Duration,
    /// Most bytes one session's files may take.
    pub files_cap: u64,
}

impl Limits {
    fn minutes(&self, count: u32) -> chrono::Duration {
        chrono::Duration::from_std(self.minute * count).unwrap_or(chrono::Duration::MAX)
    }
}

/// Steps a slow viewer may fall behind by before it misses some (it is told how many).
const STEPS_IN_FLIGHT: usize = 64;

/// A session being started and what came with it.
pub struct Started {
    pub record: SessionRecord,
    pub screenshot: Option<String>,
}

/// A live session of this process.
pub(super) struct Live {
    pub(super) record: Mutex<SessionRecord>,
    /// The action space of the last observation: what a step's id refers to.
    pub(super) last_space: Mutex<Option<Arc<ActionSpace>>>,
    pub(super) browser: BrowserId,
    /// The page; its lock serialises the session's operations. `None` once ended.
    pub(super) tab: Arc<tokio::sync::Mutex<Option<Tab>>>,
    /// Where the session's CDP clients are proxied to.
    pub(super) cdp: Option<CdpEndpoint>,
    /// CDP clients connected now: while there is one, the session does not idle out.
    pub(super) clients: AtomicUsize,
    /// Why the session ended, once it has: its CDP clients are told.
    pub(super) ended: watch::Sender<Option<String>>,
    /// The page the session operates on, for its viewers; replaced after an operation
    /// that moved the session to another page.
    pub(super) screen: watch::Sender<Option<Screen>>,
    /// The session's steps as they are recorded, for its viewers.
    pub(super) steps: broadcast::Sender<StepRecord>,
    /// The profile the session started from.
    pub(super) profile: Option<ProfileUse>,
    /// The origins whose storage that profile held: read again when it is saved.
    pub(super) profile_origins: Vec<String>,
}

impl Live {
    pub(super) fn owned_by(&self, owner: &Owner) -> bool {
        &self.record.lock().unwrap_or_else(|p| p.into_inner()).owner == owner
    }

    pub(super) fn record(&self) -> SessionRecord {
        self.record
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[derive(Default)]
pub(super) struct Registry {
    pub(super) live: HashMap<SessionId, Arc<Live>>,
    /// Profiles a live (or starting) session will save into: one writer each.
    pub(super) writers: std::collections::HashSet<ProfileId>,
    /// Starts under way, counted against the limit before their session exists.
    starting: u32,
    /// The same, by owner.
    starting_by: HashMap<Owner, u32>,
}

/// The registry of sessions; cheap to clone.
#[derive(Clone)]
pub struct Sessions {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    /// Under which each session has its folder (`super::session_folder`).
    pub(super) data_dir: std::path::PathBuf,
    pub(super) store: Store,
    browsers: Browsers,
    pub(super) limits: Limits,
    pub(super) tokens: TokenKey,
    registry: Mutex<Registry>,
    /// Endings the store could not take (it was unreachable): written when it is back,
    /// so that a session's record does not stay `active` after it ended.
    unrecorded: Mutex<Vec<(SessionId, Ending, DateTime<Utc>)>>,
}

/// Exclusive use of one session's page for one operation.
pub struct SessionGuard {
    pub(super) live: Arc<Live>,
    tab: tokio::sync::OwnedMutexGuard<Option<Tab>>,
}

/// The moment a session was taken for an operation, as its `last_accessed_at`, not yet on
/// disk: an answer that reports the session waits for [`persist`](Self::persist). It is
/// separate from the guard so that the write runs while the operation does, rather than
/// before it.
#[must_use = "the session's use must be on disk before an answer reports it"]
pub struct Access {
    store: Store,
    id: SessionId,
    at: DateTime<Utc>,
}

impl Access {
    pub async fn persist(self) -> Result<(), SessionError> {
        Ok(self.store.touch_session(&self.id, self.at).await?)
    }
}

impl SessionGuard {
    pub fn id(&self) -> SessionId {
        self.live.record().id
    }

    pub fn record(&self) -> SessionRecord {
        self.live.record()
    }

    /// The session's page. `None` only if the session ended while this guard waited.
    pub fn tab_mut(&mut self) -> Option<&mut Tab> {
        self.tab.as_mut()
    }

    /// The action space the session's last observation listed.
    pub fn last_space(&self) -> Option<Arc<ActionSpace>> {
        self.live
            .last_space
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Tells the session's viewers which page it shows now, if an operation moved it to
    /// another.
    pub fn publish_screen(&self) {
        let Some(screen) = self.tab.as_ref().and_then(Tab::screen) else {
            return;
        };
        self.live.screen.send_if_modified(|shown| {
            let moved = shown
                .as_ref()
                .is_none_or(|shown| shown.page_id() != screen.page_id());
            if moved {
                *shown = Some(screen);
            }
            moved
        });
    }

    pub fn set_last_space(&self, space: Arc<ActionSpace>) {
        *self
            .live
            .last_space
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(space);
    }
}

impl Sessions {
    pub fn new(
        store: Store,
        browsers: Browsers,
        limits: Limits,
        tokens: TokenKey,
        data_dir: std::path::PathBuf,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                data_dir,
                store,
                browsers,
                limits,
                tokens,
                registry: Mutex::new(Registry::default()),
                unrecorded: Mutex::new(Vec::new()),
            }),
        }
    }

    pub(super) fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.inner
            .registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The longest any session lives, in (timeout) minutes.
    pub fn max_session_minutes(&self) -> u32 {
        self.inner.limits.max_session_minutes
    }

    pub fn active_count(&self) -> usize {
        self.registry().live.len()
    }

    /// Whether this process holds session `id` live.
    pub fn is_live(&self, id: &SessionId) -> bool {
        self.registry().live.contains_key(id)
    }

    /// Whether a start now would be under the limit of sessions.
    pub fn has_room(&self) -> bool {
        let registry = self.registry();
        (registry.live.len() as u32 + registry.starting) < self.inner.limits.max_sessions
    }

    /// Marks the sessions a previous process left `active` as `error`. Returns how many.
    pub async fn recover_abandoned(&self) -> Result<usize, SessionError> {
        Ok(self
            .inner
            .store
            .end_all_active(&Ending::error("server restarted"), now())
            .await?)
    }

    pub async fn start(
        &self,
        owner: Owner,
        options: StartOptions,
    ) -> Result<Started, SessionError> {
        let profile = self
            .profile_for_start(&owner, options.profile.as_ref())
            .await?;
        {
            let mut registry = self.registry();
            if registry.live.len() as u32 + registry.starting >= self.inner.limits.max_sessions {
                return Err(SessionError::AtCapacity(self.inner.limits.max_sessions));
            }
            let per_key = self.inner.limits.max_sessions_per_key;
            if per_key > 0 {
                let live = registry
                    .live
                    .values()
                    .filter(|live| live.owned_by(&owner))
                    .count() as u32;
                let starting = registry.starting_by.get(&owner).copied().unwrap_or(0);
                if live + starting >= per_key {
                    return Err(SessionError::KeyAtCapacity(per_key));
                }
            }
            if let Some(writing) = options.profile.as_ref().filter(|p| p.persist) {
                if !registry.writers.insert(writing.id.clone()) {
                    return Err(SessionError::ProfileInUse(writing.id.clone()));
                }
            }
            registry.starting += 1;
            *registry.starting_by.entry(owner.clone()).or_default() += 1;
        }
        let writing = options.profile.clone().filter(|p| p.persist);
        let result = self.start_reserved(owner.clone(), options, profile).await;
        let mut registry = self.registry();
        if let (Err(_), Some(writing)) = (&result, writing) {
            registry.writers.remove(&writing.id);
        }
        registry.starting -= 1;
        if let Some(starting) = registry.starting_by.get_mut(&owner) {
            *starting -= 1;
            if *starting == 0 {
                registry.starting_by.remove(&owner);
            }
        }
        result
    }

    async fn start_reserved(
        &self,
        owner: Owner,
        options: StartOptions,
        profile: Option<crate::domain::StorageState>,
    ) -> Result<Started, SessionError> {
        let id = SessionId::generate();
        // Nobody has been told of the session yet: a browser (or page) that dies under
        // its start is a reason to start it again on the relaunched one, not to fail.
        let prepared = match self.prepare_tab(&id, &options, profile.as_ref()).await {
            Err(SessionError::Browser(
                BrowserError::Died(_) | BrowserError::PageCrashed | BrowserError::Disconnected,
            )) => self.prepare_tab(&id, &options, profile.as_ref()).await,
            prepared => prepared,
        };
        let (tab, profile_origins, screenshot) = prepared?;
        let screen = tab.screen();
        let now = now();
        let record = SessionRecord {
            id,
            owner,
            status: SessionStatus::Active,
            timeout: options.timeout,
            keep_alive: options.keep_alive,
            created_at: now,
            last_accessed_at: now,
            ended_at: None,
            error: None,
            last_url: None,
        };
        if let Err(error) = self.inner.store.insert_session(&record).await {
            close_tab(tab).await;
            return Err(error.into());
        }
        let live = Live {
            record: Mutex::new(record.clone()),
            last_space: Mutex::new(None),
            browser: tab.browser_id(),
            cdp: tab.cdp_endpoint(),
            tab: Arc::new(tokio::sync::Mutex::new(Some(tab))),
            clients: AtomicUsize::new(0),
            ended: watch::Sender::new(None),
            screen: watch::Sender::new(screen),
            steps: broadcast::Sender::new(STEPS_IN_FLIGHT),
            profile: options.profile,
            profile_origins,
        };
        self.registry()
            .live
            .insert(record.id.clone(), Arc::new(live));
        metrics::counter!("browserd_sessions_started_total").increment(1);
        metrics::gauge!("browserd_sessions_active").increment(1.0);
        tracing::info!(session_id = %record.id, "session started");
        Ok(Started { record, screenshot })
    }

    /// A new session's tab, ready: its downloads kept, its profile restored, its first
    /// screenshot taken when asked.
    async fn prepare_tab(
        &self,
        id: &SessionId,
        options: &StartOptions,
        profile: Option<&crate::domain::StorageState>,
    ) -> Result<(Tab, Vec<String>, Option<String>), SessionError> {
        let mut tab = self.inner.browsers.open_tab().await?;
        let folder = super::files_folder(&self.inner.data_dir, id);
        tab.keep_downloads(folder, self.inner.limits.files_cap)
            .await?;
        let profile_origins = match profile {
            Some(state) => {
                tab.restore_state(state).await?;
                state.origin_names()
            }
            None => Vec::new(),
        };
        let screenshot = if options.screenshot {
            Some(tab.screenshot().await?)
        } else {
            None
        };
        Ok((tab, profile_origins, screenshot))
    }

    /// The session as on record, if `owner` owns it.
    pub async fn get(&self, owner: &Owner, id: &SessionId) -> Result<SessionRecord, SessionError> {
        self.inner
            .store
            .session(owner, id)
            .await?
            .ok_or_else(|| SessionError::NotFound(id.clone()))
    }

    pub async fn list(
        &self,
        owner: &Owner,
        status: Option<SessionStatus>,
        limit: u32,
    ) -> Result<Vec<SessionRecord>, SessionError> {
        Ok(self.inner.store.sessions(owner, status, limit).await?)
    }

    /// Appends a step to the session's history (before the step's response is sent).
    pub async fn record_step(
        &self,
        id: &SessionId,
        step: &StepRecord,
    ) -> Result<u32, SessionError> {
        let seq = self.inner.store.insert_step(id, step).await?;
        if let Some(live) = self.registry().live.get(id) {
            let _ = live.steps.send(StepRecord {
                seq,
                ..step.clone()
            });
        }
        Ok(seq)
    }

    /// The session's steps, oldest first, if `owner` owns it.
    pub async fn steps(
        &self,
        owner: &Owner,
        id: &SessionId,
    ) -> Result<Vec<StepRecord>, SessionError> {
        self.get(owner, id).await?;
        Ok(self.inner.store.steps(id).await?)
    }

    /// Closes the session; an ended session is returned as it ended.
    pub async fn close(
        &self,
        owner: &Owner,
        id: &SessionId,
    ) -> Result<SessionRecord, SessionError> {
        let record = self.get(owner, id).await?;
        if record.status != SessionStatus::Active {
            return Ok(record);
        }
        Ok(self.end(id, Ending::closed()).await?.unwrap_or(record))
    }

    /// Takes the session's page for one operation, and marks the session used now. Waits
    /// while another operation of the same session runs. That use is written to disk by
    /// the [`Access`] returned with the guard, which may run alongside the operation.
    pub async fn acquire(
        &self,
        owner: &Owner,
        id: &SessionId,
    ) -> Result<(SessionGuard, Access), SessionError> {
        let live = self.registry().live.get(id).cloned();
        let Some(live) = live.filter(|live| live.owned_by(owner)) else {
            let record = self.get(owner, id).await?;
            return Err(SessionError::Ended(Box::new(record)));
        };
        let tab = Arc::clone(&live.tab).lock_owned().await;
        if tab.is_none() {
            return Err(SessionError::Ended(Box::new(self.get(owner, id).await?)));
        }
        let now = now();
        live.record
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_accessed_at = now;
        let access = Access {
            store: self.inner.store.clone(),
            id: id.clone(),
            at: now,
        };
        Ok((SessionGuard { live, tab }, access))
    }

    /// Ends the session the guard holds (after a failed operation, or when the caller
    /// asked for no `keep_alive`).
    pub async fn end_guarded(
        &self,
        guard: SessionGuard,
        ending: Ending,
    ) -> Result<SessionRecord, SessionError> {
        let SessionGuard { live, mut tab } = guard;
        let record = live.record();
        self.registry().live.remove(&record.id);
        live.ended.send_replace(Some(ending.to_string()));
        self.save_on_end(&live, tab.as_ref()).await;
        let ended = self.record_ending(&record.id, &ending).await;
        if let Some(tab) = tab.take() {
            close_tab(tab).await;
        }
        Ok(ended?.unwrap_or(record))
    }

    /// Moves a live session to `ending`: removed from the live set, recorded, then its
    /// context disposed. `None` if it was not live (someone else ended it first).
    async fn end(
        &self,
        id: &SessionId,
        ending: Ending,
    ) -> Result<Option<SessionRecord>, SessionError> {
        let Some(live) = self.registry().live.remove(id) else {
            return Ok(None);
        };
        live.ended.send_replace(Some(ending.to_string()));
        let recorded = self.record_ending(id, &ending).await;
        // Wait for a running operation of the session (it is bounded by the operation
        // timeout) before taking its page away.
        let tab = live.tab.lock().await.take();
        self.save_on_end(&live, tab.as_ref()).await;
        if let Some(tab) = tab {
            close_tab(tab).await;
        }
        recorded
    }

    async fn record_ending(
        &self,
        id: &SessionId,
        ending: &Ending,
    ) -> Result<Option<SessionRecord>, SessionError> {
        metrics::gauge!("browserd_sessions_active").decrement(1.0);
        metrics::counter!("browserd_sessions_ended_total", "status" => ending.status().as_str())
            .increment(1);
        let at = now();
        let record = match self.inner.store.end_session(id, ending, at).await {
            Err(StoreError::Unavailable(reason)) => {
                self.inner
                    .unrecorded
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((id.clone(), ending.clone(), at));
                return Err(StoreError::Unavailable(reason).into());
            }
            other => other?,
        };
        tracing::info!(session_id = %id, status = ending.status().as_str(), reason = ending.reason(), "session ended");
        Ok(record)
    }

    /// Ends every live session that matches `select`, with the ending it gives.
    async fn end_where(&self, select: impl Fn(&Live) -> Option<Ending>) {
        let chosen: Vec<(SessionId, Ending)> = self
            .registry()
            .live
            .iter()
            .filter_map(|(id, live)| select(live).map(|ending| (id.clone(), ending)))
            .collect();
        let endings = chosen.into_iter().map(|(id, ending)| async move {
            if let Err(error) = self.end(&id, ending).await {
                tracing::error!(session_id = %id, %error, "cannot record the end of a session");
            }
        });
        // Hundreds of contexts disposed at once (a shutdown, a mass timeout) swamp the
        // browser until its answers time out; a few at a time it disposes them all quickly.
        futures_util::stream::iter(endings)
            .buffer_unordered(ENDINGS_AT_ONCE)
            .collect::<()>()
            .await;
    }

    /// Closes every live session (on shutdown).
    pub async fn close_all(&self) {
        self.end_where(|_| Some(Ending::closed())).await;
    }

    /// Ends every live session with `ending` (a node the cluster declared lost).
    pub async fn end_all_live(&self, ending: Ending) {
        self.end_where(|_| Some(ending.clone())).await;
    }

    /// Writes the endings the store could not take when they happened.
    pub async fn record_unrecorded_endings(&self) {
        let pending = std::mem::take(
            &mut *self
                .inner
                .unrecorded
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for (id, ending, at) in pending {
            if let Err(error) = self.inner.store.end_session(&id, &ending, at).await {
                tracing::warn!(session_id = %id, %error, "cannot record a session's ending yet");
                self.inner
                    .unrecorded
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((id, ending, at));
            } else {
                tracing::info!(session_id = %id, "recorded a session's ending once the database was back");
            }
        }
    }

    /// Times out idle and over-age sessions until shutdown. Ticks often enough that a
    /// session ends within a small part of a timeout "minute" after its deadline.
    pub async fn run_reaper(self, shutdown: Shutdown) {
        let tick = (self.inner.limits.minute / 60)
            .clamp(Duration::from_millis(50), Duration::from_secs(1));
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                _ = shutdown.wait() => return,
            }
            let now = now();
            let limits = self.inner.limits;
            self.end_where(|live| {
                // A session whose operation is running is in use, not idle.
                if live.tab.try_lock().is_err() {
                    return None;
                }
                let connected = live.clients.load(Ordering::SeqCst) > 0;
                expiry(&live.record(), &limits, now, connected)
            })
            .await;
        }
    }

    /// Ends the sessions of a browser that died, until the events stop.
    pub async fn run_browser_events(self, mut events: mpsc::UnboundedReceiver<BrowserEvent>) {
        while let Some(event) = events.recv().await {
            match event {
                BrowserEvent::Died { browser, reason } => {
                    let message = format!("the browser crashed ({reason}); start a new session");
                    self.end_where(|live| {
                        (live.browser == browser).then(|| Ending::error(message.clone()))
                    })
                    .await;
                }
            }
        }
    }
}

/// Sessions a sweep (a shutdown, the reaper, a dead browser) ends at once.
const ENDINGS_AT_ONCE: usize = 16;

/// Whether a session is past its idle timeout (unless a CDP client is `connected`) or the
/// server's maximum lifetime.
fn expiry(
    record: &SessionRecord,
    limits: &Limits,
    now: DateTime<Utc>,
    connected: bool,
) -> Option<Ending> {
    if now > record.created_at + limits.minutes(limits.max_session_minutes) {
        return Some(Ending::timed_out(Some(format!(
            "reached the server's maximum session lifetime of {} minutes",
            limits.max_session_minutes
        ))));
    }
    let idle_limit = record.last_accessed_at + limits.minutes(u32::from(record.timeout.minutes()));
    (!record.keep_alive && !connected && now > idle_limit).then(|| Ending::timed_out(None))
}

async fn close_tab(tab: Tab) {
    if let Err(error) = tab.close().await {
        tracing::warn!(%error, "cannot dispose a session's browser context");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SessionStatus, SessionTimeout};

    fn limits() -> Limits {
        Limits {
            max_sessions: 10,
            max_sessions_per_key: 0,
            max_session_minutes: 30,
            minute: Duration::from_secs(60),
            files_cap: 1 << 20,
        }
    }

    fn record(
        keep_alive: bool,
        created_ago: i64,
        accessed_ago: i64,
        now: DateTime<Utc>,
    ) -> SessionRecord {
        SessionRecord {
            id: SessionId::generate(),
            owner: Owner::of_api_key("k"),
            status: SessionStatus::Active,
            timeout: SessionTimeout::BODY_DEFAULT,
            keep_alive,
            created_at: now - chrono::Duration::seconds(created_ago),
            last_accessed_at: now - chrono::Duration::seconds(accessed_ago),
            ended_at: None,
            error: None,
            last_url: None,
        }
    }

    #[test]
    fn idle_sessions_time_out_after_their_timeout() {
        let now = now();
        assert_eq!(
            expiry(&record(false, 400, 299, now), &limits(), now, false),
            None
        );
        assert_eq!(
            expiry(&record(false, 400, 301, now), &limits(), now, false),
            Some(Ending::timed_out(None))
        );
    }

    #[test]
    fn a_connected_cdp_client_keeps_a_session_from_idling_but_not_past_its_lifetime() {
        let now = now();
        assert_eq!(
            expiry(&record(false, 400, 301, now), &limits(), now, true),
            None
        );
        let ending = expiry(&record(false, 1801, 1801, now), &limits(), now, true).unwrap();
        assert_eq!(ending.status(), SessionStatus::TimedOut);
    }

    #[test]
    fn keep_alive_sessions_live_until_the_maximum_lifetime() {
        let now = now();
        assert_eq!(
            expiry(&record(true, 1799, 1799, now), &limits(), now, false),
            None
        );
        let ending = expiry(&record(true, 1801, 0, now), &limits(), now, false).unwrap();
        assert_eq!(ending.status(), SessionStatus::TimedOut);
        assert!(ending
            .reason()
            .unwrap()
            .contains("maximum session lifetime"));
    }
}
