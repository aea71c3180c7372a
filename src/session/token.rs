//! The token of a session's CDP endpoint: scoped to that one session, and not the API key,
//! since URLs end up in logs.
//!
//! A token is an HMAC of the session's id under the server's own key, so it needs no
//! storage and is checked the same way for a live session and an ended one (which is
//! `410`, not `401`). The key is kept under the data directory (`startup` reads or makes
//! it): tokens outlive a restart as the records do.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::SessionId;

/// The server's key for session tokens.
#[derive(Clone)]
pub struct TokenKey(Hmac<Sha256>);

/// A key too short to keep tokens secret.
#[derive(Debug, thiserror::Error)]
#[error("the key for session tokens must have at least 32 bytes")]
pub struct ShortKey;

impl TokenKey {
    /// A key from bytes that no one else knows.
    pub fn new(secret: &[u8]) -> Result<Self, ShortKey> {
        if secret.len() < 32 {
            return Err(ShortKey);
        }
        <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .map(Self)
            .map_err(|_| ShortKey)
    }

    fn mac(&self, id: &SessionId) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(b"browserd cdp token\0");
        mac.update(id.as_str().as_bytes());
        mac
    }

    /// The token of session `id`: 32 hex digits.
    pub fn token(&self, id: &SessionId) -> String {
        let digest = self.mac(id).finalize().into_bytes();
        digest[..16]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Whether `token` is session `id`'s, compared in constant time.
    pub fn verify(&self, id: &SessionId, token: &str) -> bool {
        let Some(bytes) = hex_bytes(token) else {
            return false;
        };
        self.mac(id).verify_truncated_left(&bytes).is_ok() && bytes.len() == 16
    }
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if text.len() != 32 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_its_session_only() {
        let key = TokenKey::new(&[7; 32]).unwrap();
        let (one, two) = (SessionId::generate(), SessionId::generate());
        let token = key.token(&one);
        assert_eq!(token.len(), 32);
        assert!(key.verify(&one, &token));
        assert!(!key.verify(&two, &token));
        assert!(!TokenKey::new(&[8; 32]).unwrap().verify(&one, &token));
        for bad in ["", "zz", &token[..30], &format!("{token}00"), "é"] {
            assert!(!key.verify(&one, bad), "{bad}");
        }
        assert!(TokenKey::new(&[7; 31]).is_err());
    }
}
