-- Every session ever started, with its owner (an API-key fingerprint), status, times and
-- the node that holds its browser (the SQLite schema's 0001, plus `node_id`).
CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    owner            TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'closed', 'error', 'timed_out')),
    timeout_minutes  INTEGER NOT NULL CHECK (timeout_minutes BETWEEN 1 AND 30),
    keep_alive       BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    last_accessed_at TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ,
    error            TEXT,
    node_id          TEXT
);

CREATE INDEX sessions_by_owner ON sessions (owner, created_at DESC);
CREATE INDEX sessions_active ON sessions (node_id) WHERE status = 'active';
