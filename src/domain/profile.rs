//! The values of a profile: a login kept across sessions — its id, name, record, and the
//! browser state it holds, in Playwright's storage-state shape.
//!
//! Owns what a valid name is and the shape of the state (which is also the format of an
//! import or export, so that a state made in Playwright is used here and back). How the
//! state is read from and put into a browser is the browser room's; how it is kept
//! (sealed) the store's.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A profile's id: a UUID v4 in its hyphenated form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileId(String);

impl ProfileId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ProfileId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(|id| Self(id.hyphenated().to_string()))
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A profile's name as its owner chose it: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileName(String);

impl ProfileName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ProfileName {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("a profile name has 1 to 100 characters".into());
        }
        if name.chars().any(char::is_control) {
            return Err("a profile name must not hold control characters".into());
        }
        Ok(Self(name.to_string()))
    }
}

/// A profile as on record, without its state.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRecord {
    pub id: ProfileId,
    pub owner: super::Owner,
    pub name: ProfileName,
    pub created_at: DateTime<Utc>,
    /// When its state was last written (made, imported, or saved from a session).
    pub updated_at: DateTime<Utc>,
}

/// Which profile a session starts from, and whether what it ends with is saved back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUse {
    pub id: ProfileId,
    /// Save the session's state into the profile when it ends (and on demand). One such
    /// writer per profile at a time.
    pub persist: bool,
}

/// What a profile keeps of a browser: its cookies (HttpOnly and secure ones included) and
/// each origin's local storage, in the shape of Playwright's `storageState`. Unknown
/// fields (Playwright's `indexedDB`, for one) are accepted and not kept.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StorageState {
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    #[serde(default)]
    pub origins: Vec<OriginStorage>,
}

/// A cookie as Playwright writes it.
#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub path: String,
    /// Seconds since the epoch; -1 for a session cookie.
    #[serde(default = "session_cookie", serialize_with = "js_number")]
    pub expires: f64,
    #[serde(default)]
    pub http_only: bool,
    #[serde(default)]
    pub secure: bool,
    /// `Strict`, `Lax` or `None`.
    #[serde(default = "lax")]
    pub same_site: String,
}

/// A number as JavaScript writes it: a whole one without a fraction (`-1`, not `-1.0`).
fn js_number<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

fn session_cookie() -> f64 {
    -1.0
}

fn lax() -> String {
    "Lax".into()
}

/// One origin's local storage.
#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginStorage {
    /// `scheme://host[:port]`.
    pub origin: String,
    #[serde(default)]
    pub local_storage: Vec<StorageItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StorageItem {
    pub name: String,
    pub value: String,
}

// A state is a credential: what could end up in a log line names what it holds, never a
// value.
impl fmt::Debug for StorageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StorageState")
            .field("cookies", &self.cookies)
            .field("origins", &self.origins)
            .finish()
    }
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cookie({} for {}{})", self.name, self.domain, self.path)
    }
}

impl fmt::Debug for OriginStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OriginStorage({}, {} items)",
            self.origin,
            self.local_storage.len()
        )
    }
}

impl StorageState {
    /// Whether `origin` is a web origin a state can hold (`http(s)://host[:port]`).
    pub fn check(&self) -> Result<(), String> {
        for origin in &self.origins {
            let parsed = url::Url::parse(&origin.origin)
                .map_err(|e| format!("origin {:?}: {e}", origin.origin))?;
            let serialized = parsed.origin().ascii_serialization();
            if !matches!(parsed.scheme(), "http" | "https") || serialized != origin.origin {
                return Err(format!(
                    "origin {:?} is not an http(s) origin such as `https://example.com`",
                    origin.origin
                ));
            }
        }
        for cookie in &self.cookies {
            if cookie.name.is_empty() && cookie.value.is_empty() {
                return Err("a cookie has neither name nor value".into());
            }
            if cookie.domain.is_empty() {
                return Err(format!("cookie {:?} has no domain", cookie.name));
            }
            if !matches!(cookie.same_site.as_str(), "Strict" | "Lax" | "None") {
                return Err(format!(
                    "cookie {:?}: sameSite is Strict, Lax or None, not {:?}",
                    cookie.name, cookie.same_site
                ));
            }
        }
        Ok(())
    }

    /// The origins whose local storage this state holds.
    pub fn origin_names(&self) -> Vec<String> {
        self.origins.iter().map(|o| o.origin.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_playwright_state_reads_and_writes_back_the_same() {
        let text = r#"{"cookies":[{"name":"sid","value":"v","domain":"127.0.0.1","path":"/","expires":-1,"httpOnly":true,"secure":false,"sameSite":"Lax"}],"origins":[{"origin":"http://127.0.0.1:8080","localStorage":[{"name":"token","value":"t"}]}]}"#;
        let state: StorageState = serde_json::from_str(text).unwrap();
        assert!(state.check().is_ok());
        assert_eq!(serde_json::to_string(&state).unwrap(), text);
    }

    #[test]
    fn a_state_shows_no_value_when_debugged() {
        let text = r#"{"cookies":[{"name":"sid","value":"s3cret","domain":"x","path":"/"}],"origins":[{"origin":"http://x","localStorage":[{"name":"t","value":"s3cret"}]}]}"#;
        let state: StorageState = serde_json::from_str(text).unwrap();
        assert!(!format!("{state:?}").contains("s3cret"));
    }

    #[test]
    fn bad_origins_and_same_site_values_are_refused() {
        let mut state = StorageState::default();
        state.origins.push(OriginStorage {
            origin: "file:///etc".into(),
            local_storage: vec![],
        });
        assert!(state.check().is_err());
        state.origins[0].origin = "http://a.example/path".into();
        assert!(state.check().is_err());
        state.origins[0].origin = "http://a.example".into();
        assert!(state.check().is_ok());
        let cookie: Cookie = serde_json::from_str(
            r#"{"name":"a","value":"b","domain":"x","path":"/","sameSite":"Sometimes"}"#,
        )
        .unwrap();
        state.cookies.push(cookie);
        assert!(state.check().is_err());
    }
}
