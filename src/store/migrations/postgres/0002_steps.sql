-- The history of steps: one row per /env/step, written before its response.
CREATE TABLE steps (
    session_id   TEXT NOT NULL REFERENCES sessions (id),
    seq          INTEGER NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    action_id    TEXT NOT NULL,
    element      TEXT,
    value        TEXT,
    url_before   TEXT,
    url_after    TEXT,
    outcome      TEXT NOT NULL,
    error        TEXT,
    duration_ms  BIGINT NOT NULL,
    PRIMARY KEY (session_id, seq)
);
