-- The node registry: every browserd sharing this database, where the others reach it,
-- how many sessions it holds at most, and its heartbeat (the database's clock, so that
-- nodes' clocks need not agree). `load` is what it last reported, for operators; placement
-- counts the sessions' records instead.
CREATE TABLE nodes (
    id           TEXT PRIMARY KEY,
    url          TEXT NOT NULL,
    capacity     INTEGER NOT NULL CHECK (capacity > 0),
    state        TEXT NOT NULL CHECK (state IN ('up', 'lost', 'left')),
    started_at   TIMESTAMPTZ NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    load         INTEGER NOT NULL DEFAULT 0
);
