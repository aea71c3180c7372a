//! A session's cookies, read and set as operations (the Notte SDK's
//! `session.get_cookies()` and `set_cookies()`).

use std::sync::{Arc, Mutex};

use super::run::{self, page_of, Outcome};
use super::{Operations, OpsError, SessionChoice, Target};
use crate::domain::{Cookie, Owner, SessionId, StorageState};

fn keeping(id: SessionId) -> Target {
    Target {
        choice: SessionChoice::Existing(id),
        keep_alive: true,
        screenshot: false,
        marks: false,
        details: false,
    }
}

impl Operations {
    /// The session's cookies, HttpOnly and secure ones included.
    pub async fn cookies(&self, owner: Owner, id: SessionId) -> Result<Vec<Cookie>, OpsError> {
        let read = Arc::new(Mutex::new(Vec::new()));
        let into = Arc::clone(&read);
        run::run(&self.sessions, owner, keeping(id), async move |guard| {
            let cookies = page_of(guard)?.cookies().await?;
            *into.lock().unwrap_or_else(|p| p.into_inner()) = cookies;
            Ok(Outcome::default())
        })
        .await?;
        let cookies = std::mem::take(&mut *read.lock().unwrap_or_else(|p| p.into_inner()));
        Ok(cookies)
    }

    /// Sets `cookies` in the session (each replacing one of the same name, domain and
    /// path).
    pub async fn set_cookies(
        &self,
        owner: Owner,
        id: SessionId,
        cookies: Vec<Cookie>,
    ) -> Result<(), OpsError> {
        let state = StorageState {
            cookies,
            origins: Vec::new(),
        };
        run::run(&self.sessions, owner, keeping(id), async move |guard| {
            page_of(guard)?.restore_state(&state).await?;
            Ok(Outcome::default())
        })
        .await?;
        Ok(())
    }
}
