//! Profiles: a login kept across sessions, as the sessions use it.
//!
//! Owns reading a profile for a start (a state that does not open refuses the start before
//! any browser work, so no session is ever half restored), the one writer of a profile at a
//! time, saving a session's state back (when it ends, and on demand), and the profiles'
//! bookkeeping for their owners. The state itself is put into and read from the browser by
//! the browser room, and sealed by the store.

use super::registry::{Live, SessionError, Sessions};
use crate::browser::Tab;
use crate::domain::{
    now, Owner, ProfileId, ProfileName, ProfileRecord, ProfileUse, SessionId, StorageState,
};

impl Sessions {
    /// The state a session starts from, if it names a profile: `owner`'s, and readable.
    pub(super) async fn profile_for_start(
        &self,
        owner: &Owner,
        profile: Option<&ProfileUse>,
    ) -> Result<Option<StorageState>, SessionError> {
        let Some(profile) = profile else {
            return Ok(None);
        };
        Ok(Some(self.profile(owner, &profile.id).await?.1))
    }

    /// Saves what the session holds into its profile, if it writes one, before its page is
    /// closed; a failure is logged (the profile keeps what it had), never the state.
    pub(super) async fn save_on_end(&self, live: &Live, tab: Option<&Tab>) {
        let Some(profile) = live.profile.as_ref().filter(|p| p.persist) else {
            return;
        };
        let record = live.record();
        let saved = match tab {
            Some(tab) => {
                self.save_from(&record.owner, profile, tab, &live.profile_origins)
                    .await
            }
            None => Err(SessionError::Browser(
                crate::browser::BrowserError::Protocol("the session's page is gone".into()),
            )),
        };
        if let Err(error) = saved {
            tracing::warn!(session_id = %record.id, profile_id = %profile.id, %error, "cannot save the session's state into its profile");
        }
        self.registry().writers.remove(&profile.id);
    }

    async fn save_from(
        &self,
        owner: &Owner,
        profile: &ProfileUse,
        tab: &Tab,
        origins: &[String],
    ) -> Result<ProfileRecord, SessionError> {
        let state = tab.storage_state(origins).await?;
        self.inner
            .store
            .update_profile_state(owner, &profile.id, &state, now())
            .await?
            .ok_or_else(|| SessionError::ProfileNotFound(profile.id.clone()))
    }

    /// Saves session `id`'s cookies and storage into its profile now (it must have been
    /// started with `persist`; `into`, when given, must be that profile); the session goes
    /// on.
    pub async fn save_profile(
        &self,
        owner: &Owner,
        id: &SessionId,
        into: Option<&ProfileId>,
    ) -> Result<ProfileRecord, SessionError> {
        let (mut guard, access) = self.acquire(owner, id).await?;
        access.persist().await?;
        let Some(profile) = guard.live.profile.clone().filter(|p| p.persist) else {
            return Err(SessionError::NoProfileToSave(id.clone()));
        };
        if into.is_some_and(|into| *into != profile.id) {
            return Err(SessionError::OtherProfile(id.clone(), profile.id));
        }
        let origins = guard.live.profile_origins.clone();
        let record = guard.record();
        let Some(tab) = guard.tab_mut() else {
            return Err(SessionError::Ended(Box::new(record)));
        };
        self.save_from(owner, &profile, tab, &origins).await
    }

    /// A new profile of `owner`'s, holding `state`.
    pub async fn create_profile(
        &self,
        owner: &Owner,
        name: ProfileName,
        state: &StorageState,
    ) -> Result<ProfileRecord, SessionError> {
        let at = now();
        let record = ProfileRecord {
            id: ProfileId::generate(),
            owner: owner.clone(),
            name,
            created_at: at,
            updated_at: at,
        };
        self.inner.store.insert_profile(&record, state).await?;
        Ok(record)
    }

    /// `owner`'s profiles, newest first.
    pub async fn profiles(&self, owner: &Owner) -> Result<Vec<ProfileRecord>, SessionError> {
        Ok(self.inner.store.profiles(owner).await?)
    }

    /// Profile `id` and its state, if `owner` owns it.
    pub async fn profile(
        &self,
        owner: &Owner,
        id: &ProfileId,
    ) -> Result<(ProfileRecord, StorageState), SessionError> {
        self.inner
            .store
            .profile(owner, id)
            .await?
            .ok_or_else(|| SessionError::ProfileNotFound(id.clone()))
    }

    /// Replaces profile `id`'s state (an import); refused while a session writes it.
    pub async fn replace_profile_state(
        &self,
        owner: &Owner,
        id: &ProfileId,
        state: &StorageState,
    ) -> Result<ProfileRecord, SessionError> {
        if self.registry().writers.contains(id) {
            return Err(SessionError::ProfileInUse(id.clone()));
        }
        self.inner
            .store
            .update_profile_state(owner, id, state, now())
            .await?
            .ok_or_else(|| SessionError::ProfileNotFound(id.clone()))
    }

    /// Deletes profile `id`; refused while a session writes it.
    pub async fn delete_profile(&self, owner: &Owner, id: &ProfileId) -> Result<(), SessionError> {
        if self.registry().writers.contains(id) {
            return Err(SessionError::ProfileInUse(id.clone()));
        }
        match self.inner.store.delete_profile(owner, id).await? {
            true => Ok(()),
            false => Err(SessionError::ProfileNotFound(id.clone())),
        }
    }
}
