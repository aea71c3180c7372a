-- Every session ever started, with its owner (an API-key fingerprint), status and times.
CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    owner            TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'closed', 'error', 'timed_out')),
    timeout_minutes  INTEGER NOT NULL CHECK (timeout_minutes BETWEEN 1 AND 30),
    keep_alive       INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    last_accessed_at TEXT NOT NULL,
    ended_at         TEXT,
    error            TEXT
) STRICT;

CREATE INDEX sessions_by_owner ON sessions (owner, created_at DESC);
CREATE INDEX sessions_active ON sessions (status) WHERE status = 'active';
