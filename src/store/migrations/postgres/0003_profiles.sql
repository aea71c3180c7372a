-- Profiles: a login kept across sessions. `state` is sealed as in the SQLite schema
-- (ChaCha20-Poly1305 under the `profile_key` every node shares, bound to id and owner):
-- the database alone reveals names and times, never a cookie or a stored value.
CREATE TABLE profiles (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    state      BYTEA NOT NULL
);

CREATE INDEX profiles_by_owner ON profiles (owner, created_at DESC);
