-- Profiles: a login kept across sessions. `state` is sealed (ChaCha20-Poly1305 under the
-- key in the data directory's `profile_key`, bound to the row's id and owner): a 12-byte
-- nonce, then the ciphertext of the state's JSON. A copy of this file without the key
-- reveals names and times, never a cookie or a stored value.
CREATE TABLE profiles (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state      BLOB NOT NULL
) STRICT;

CREATE INDEX profiles_by_owner ON profiles (owner, created_at DESC);
