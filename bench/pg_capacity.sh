#!/usr/bin/env bash
# browserd bench — pg_capacity.sh: what one PostgreSQL sustains of browserd's own writes
# (docs/cluster.md's capacity model). Starts a throwaway PostgreSQL (Debian's binaries, a
# temp dir, a loopback port; as the `postgres` user under root), applies browserd's schema
# (src/store/migrations/postgres/), and runs pgbench with browserd's statements:
#   step:  a step's two writes, each its own commit, as a node makes them — the touch of
#          the session and the step's INSERT … SELECT MAX(seq)+1;
#   start: a session's INSERT;
#   beat:  a node's heartbeat and its sweep for lost nodes.
# Usage: bench/pg_capacity.sh [SECONDS (10)] [CLIENTS (8)]. Stops the server it started.
set -euo pipefail
SECONDS_RUN=${1:-10}
CLIENTS=${2:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/browserd-pg-capacity-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
stop() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap stop EXIT
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" -w start >/dev/null
PSQL=("$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1)
"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres browserd
for sql in "$ROOT"/src/store/migrations/postgres/*.sql; do "${PSQL[@]}" -d browserd -f "$sql"; done
"${PSQL[@]}" -d browserd -c "INSERT INTO nodes VALUES ('node-a', 'http://127.0.0.1:1', 100, 'up', now(), now(), 0);
  INSERT INTO sessions SELECT 's' || c, 'owner', 'active', 5, true, now(), now(), NULL, NULL, 'node-a' FROM generate_series(0, 255) c;"
cat > "$DIR/step.sql" <<'SQL'
UPDATE sessions SET last_accessed_at = now() WHERE id = 's' || :client_id AND status = 'active';
INSERT INTO steps (session_id, seq, at, action_id, element, value, url_before, url_after, outcome, error, duration_ms)
  SELECT 's' || :client_id, COALESCE(MAX(seq), 0) + 1, now(), 'B1', 'button "Go"', NULL, 'http://127.0.0.1/a', 'http://127.0.0.1/b', 'ok', NULL, 40
  FROM steps WHERE session_id = 's' || :client_id;
SQL
cat > "$DIR/start.sql" <<'SQL'
INSERT INTO sessions (id, owner, status, timeout_minutes, keep_alive, created_at, last_accessed_at, node_id)
  VALUES (gen_random_uuid()::text, 'owner', 'active', 5, false, now(), now(), 'node-a');
SQL
cat > "$DIR/beat.sql" <<'SQL'
UPDATE nodes SET heartbeat_at = now(), load = 3 WHERE id = 'node-a' AND state = 'up';
WITH lost AS (UPDATE nodes SET state = 'lost' WHERE state = 'up' AND id <> 'node-a' AND heartbeat_at < now() - 10000 * INTERVAL '1 millisecond' RETURNING id),
  ended AS (UPDATE sessions SET status = 'error', ended_at = now(), error = 'node lost' WHERE status = 'active' AND (node_id IN (SELECT id FROM lost) OR node_id IN (SELECT id FROM nodes WHERE state <> 'up')) RETURNING id)
  SELECT COALESCE((SELECT array_agg(id) FROM lost), '{}'), (SELECT count(*) FROM ended);
SQL
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'), default settings (synchronous_commit on), $CLIENTS clients, ${SECONDS_RUN} s each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for script in step start beat; do
  tps=$("$BIN/pgbench" -n -M prepared -h 127.0.0.1 -p "$PORT" -U postgres -c "$CLIENTS" -j 2 -T "$SECONDS_RUN" -f "$DIR/$script.sql" browserd 2>/dev/null | awk '/^tps/ {print $3}')
  lat=$("$BIN/pgbench" -n -M prepared -h 127.0.0.1 -p "$PORT" -U postgres -c 1 -T 2 -f "$DIR/$script.sql" browserd 2>/dev/null | awk '/latency average/ {print $4}')
  echo "$script: ${tps} per second with $CLIENTS clients; ${lat} ms each alone"
done
