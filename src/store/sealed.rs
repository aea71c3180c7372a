//! Sealing what the store keeps of credentials (profiles' states): ChaCha20-Poly1305 under
//! a key of the data directory, bound to the row it belongs to.
//!
//! The key is `profile_key` in the data directory, made on first start and readable by the
//! server's user alone; the database holds only sealed bytes, so a copy of it without the
//! key reveals nothing of what a profile holds. A row moved to another id or owner, or a
//! bit changed anywhere, no longer opens.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use super::StoreError;

const NONCE_LEN: usize = 12;

/// The key that seals and opens profiles' states.
#[derive(Clone)]
pub(super) struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl Sealer {
    /// The data directory's key, made (0600) if there is none yet.
    pub(super) fn of_data_dir(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join("profile_key");
        let key_error =
            |error: std::io::Error| StoreError::Key(format!("{}: {error}", path.display()));
        let key = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => bytes,
            Ok(_) => {
                return Err(StoreError::Key(format!(
                    "{} is not a 32-byte key",
                    path.display()
                )))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = ChaCha20Poly1305::generate_key(&mut OsRng);
                let mut file = std::fs::OpenOptions::new()
                    .create_new(true)
                    .write(true)
                    .mode(0o600)
                    .open(&path)
                    .map_err(key_error)?;
                file.write_all(&key).map_err(key_error)?;
                file.sync_all().map_err(key_error)?;
                key.to_vec()
            }
            Err(error) => return Err(key_error(error)),
        };
        Ok(Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        })
    }

    /// `plain` sealed for the row `bound_to` names: a fresh nonce, then the ciphertext.
    pub(super) fn seal(&self, plain: &[u8], bound_to: &str) -> Result<Vec<u8>, StoreError> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Sealed("cannot seal".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(bytes)
    }

    /// What [`seal`](Self::seal) sealed for `bound_to`, or why it does not open.
    pub(super) fn open(&self, sealed: &[u8], bound_to: &str) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < NONCE_LEN {
            return Err(StoreError::Sealed("too short".into()));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| {
                StoreError::Sealed(
                    "it does not open with this server's key (tampered with, or sealed under another data directory's `profile_key`)".into(),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_state_opens_only_as_it_was_and_for_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = Sealer::of_data_dir(dir.path()).unwrap();
        let sealed = sealer.seal(b"cookie=s3cret", "row-1").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(sealer.open(&sealed, "row-1").unwrap(), b"cookie=s3cret");
        assert!(sealer.open(&sealed, "row-2").is_err());
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(sealer.open(&flipped, "row-1").is_err());
        assert!(sealer.open(&sealed[..5], "row-1").is_err());
        let again = Sealer::of_data_dir(dir.path()).unwrap();
        assert_eq!(again.open(&sealed, "row-1").unwrap(), b"cookie=s3cret");
        let other = tempfile::tempdir().unwrap();
        let stranger = Sealer::of_data_dir(other.path()).unwrap();
        assert!(stranger.open(&sealed, "row-1").is_err());
        let mode = std::fs::metadata(dir.path().join("profile_key"))
            .unwrap()
            .permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600
        );
    }
}
