//! The store's suite, run on both backends: the same scenarios on a fresh SQLite file and
//! on a fresh database of a throwaway PostgreSQL server (`tests/support/postgres.rs`).

#[path = "../../tests/support/postgres.rs"]
mod throwaway;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{PostgresOptions, Store};
use crate::domain::{
    now, Cookie, Ending, NodeId, NodeInfo, NodeState, Owner, ProfileId, ProfileRecord, SessionId,
    SessionRecord, SessionStatus, SessionTimeout, StepRecord, StorageState,
};

/// Where one scenario's store lives; opening it again is a restart.
enum Fixture {
    Sqlite(tempfile::TempDir),
    Postgres {
        url: String,
        keys: tempfile::TempDir,
    },
}

impl Fixture {
    async fn open(&self) -> Store {
        self.open_as("node-a").await
    }

    /// The store as node `node` sees it (PostgreSQL; SQLite has one node).
    async fn open_as(&self, node: &str) -> Store {
        match self {
            Self::Sqlite(dir) => Store::open(dir.path()).unwrap(),
            Self::Postgres { url, keys } => Store::connect_postgres(
                PostgresOptions {
                    url: url.clone(),
                    node: Some(node.parse().unwrap()),
                    pool_size: 4,
                    connect_timeout: Duration::from_secs(5),
                },
                keys.path(),
            )
            .await
            .unwrap(),
        }
    }

    /// The database file, where there is one, to look for what must not be in clear.
    fn file(&self) -> Option<PathBuf> {
        match self {
            Self::Sqlite(dir) => Some(dir.path().join("browserd.sqlite3")),
            Self::Postgres { .. } => None,
        }
    }
}

fn record(owner: &Owner, created_at: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        id: SessionId::generate(),
        owner: owner.clone(),
        status: SessionStatus::Active,
        timeout: SessionTimeout::BODY_DEFAULT,
        keep_alive: false,
        created_at,
        last_accessed_at: created_at,
        ended_at: None,
        error: None,
        last_url: None,
    }
}

async fn a_session_round_trips_and_ends_once(fixture: &Fixture) {
    let store = fixture.open().await;
    let owner = Owner::of_api_key("k");
    let now = now();
    let session = record(&owner, now);
    store.insert_session(&session).await.unwrap();
    assert_eq!(
        store.session(&owner, &session.id).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        store
            .session(&Owner::of_api_key("other"), &session.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.session_by_id(&session.id).await.unwrap(),
        Some(session.clone())
    );
    let later = now + chrono::Duration::seconds(3);
    store.touch_session(&session.id, later).await.unwrap();
    let ended = store
        .end_session(&session.id, &Ending::timed_out(None), later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.status, SessionStatus::TimedOut);
    assert_eq!(ended.last_accessed_at, later);
    assert_eq!(ended.ended_at, Some(later));
    let again = store
        .end_session(&session.id, &Ending::error("late"), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        again.status,
        SessionStatus::TimedOut,
        "the first ending wins"
    );
    assert_eq!(again.error, None);
}

async fn records_survive_reopening_and_active_ones_can_be_ended_in_bulk(fixture: &Fixture) {
    let owner = Owner::of_api_key("k");
    let older = record(&owner, now() - chrono::Duration::seconds(5));
    let newer = record(&owner, now());
    {
        let store = fixture.open().await;
        store.insert_session(&older).await.unwrap();
        store.insert_session(&newer).await.unwrap();
    }
    let store = fixture.open().await;
    let listed = store.sessions(&owner, None, 100).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![newer.id.clone(), older.id.clone()]
    );
    assert_eq!(store.sessions(&owner, None, 1).await.unwrap().len(), 1);
    assert_eq!(
        store
            .end_all_active(&Ending::error("server restarted"), now())
            .await
            .unwrap(),
        2
    );
    assert!(store
        .sessions(&owner, Some(SessionStatus::Active), 100)
        .await
        .unwrap()
        .is_empty());
    let errored = store
        .sessions(&owner, Some(SessionStatus::Error), 100)
        .await
        .unwrap();
    assert_eq!(errored.len(), 2);
    assert_eq!(errored[0].error.as_deref(), Some("server restarted"));
}

fn step(action: &str, url_after: &str) -> StepRecord {
    StepRecord {
        seq: 0,
        at: now(),
        action_id: action.into(),
        element: Some("link \"Next\"".into()),
        value: None,
        url_before: Some("http://127.0.0.1/a".into()),
        url_after: Some(url_after.into()),
        outcome: "navigated".into(),
        error: None,
        duration_ms: 42,
    }
}

async fn steps_are_numbered_in_order_and_give_the_session_its_last_url(fixture: &Fixture) {
    let store = fixture.open().await;
    let owner = Owner::of_api_key("k");
    let session = record(&owner, now());
    store.insert_session(&session).await.unwrap();
    let first = step("L1", "http://127.0.0.1/b");
    let second = step("B2", "http://127.0.0.1/c");
    assert_eq!(store.insert_step(&session.id, &first).await.unwrap(), 1);
    assert_eq!(store.insert_step(&session.id, &second).await.unwrap(), 2);
    let steps = store.steps(&session.id).await.unwrap();
    assert_eq!(
        steps,
        vec![
            StepRecord { seq: 1, ..first },
            StepRecord { seq: 2, ..second }
        ]
    );
    let read = store.session(&owner, &session.id).await.unwrap().unwrap();
    assert_eq!(read.last_url.as_deref(), Some("http://127.0.0.1/c"));
    assert!(store
        .steps(&SessionId::generate())
        .await
        .unwrap()
        .is_empty());
}

async fn a_profile_round_trips_sealed_and_only_for_its_owner(fixture: &Fixture) {
    let store = fixture.open().await;
    let owner = Owner::of_api_key("k");
    let record = ProfileRecord {
        id: ProfileId::generate(),
        owner: owner.clone(),
        name: "work".parse().unwrap(),
        created_at: now(),
        updated_at: now(),
    };
    let state = StorageState {
        cookies: vec![Cookie {
            name: "sid".into(),
            value: "s3cret-value".into(),
            domain: "127.0.0.1".into(),
            path: "/".into(),
            expires: -1.0,
            http_only: true,
            secure: false,
            same_site: "Lax".into(),
        }],
        origins: vec![],
    };
    store.insert_profile(&record, &state).await.unwrap();
    let (read, read_state) = store.profile(&owner, &record.id).await.unwrap().unwrap();
    assert_eq!(read, record);
    assert_eq!(read_state, state);
    assert_eq!(store.profiles(&owner).await.unwrap(), vec![record.clone()]);
    let stranger = Owner::of_api_key("other");
    assert!(store
        .profile(&stranger, &record.id)
        .await
        .unwrap()
        .is_none());
    assert!(!store.delete_profile(&stranger, &record.id).await.unwrap());
    if let Some(file) = fixture.file() {
        let bytes = std::fs::read(file).unwrap();
        assert!(!bytes.windows(12).any(|w| w == b"s3cret-value"));
    }
    let emptied = StorageState {
        cookies: vec![],
        origins: vec![],
    };
    let later = now() + chrono::Duration::seconds(1);
    let updated = store
        .update_profile_state(&owner, &record.id, &emptied, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.updated_at, later);
    assert_eq!(
        store.profile(&owner, &record.id).await.unwrap().unwrap().1,
        emptied
    );
    assert!(store.delete_profile(&owner, &record.id).await.unwrap());
    assert!(store.profile(&owner, &record.id).await.unwrap().is_none());
}

/// Every scenario, each on a fresh store from `fixture`.
async fn run_suite<F, Fut>(fixture: F)
where
    F: Fn(&str) -> Fut,
    Fut: std::future::Future<Output = Fixture>,
{
    a_session_round_trips_and_ends_once(&fixture("rows").await).await;
    records_survive_reopening_and_active_ones_can_be_ended_in_bulk(&fixture("reopen").await).await;
    steps_are_numbered_in_order_and_give_the_session_its_last_url(&fixture("steps").await).await;
    a_profile_round_trips_sealed_and_only_for_its_owner(&fixture("profiles").await).await;
}

#[tokio::test]
async fn the_store_suite_on_sqlite() {
    run_suite(|_| async { Fixture::Sqlite(tempfile::tempdir().unwrap()) }).await;
}

#[tokio::test]
async fn sqlite_keeps_no_node_registry() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(!store.is_shared());
    assert!(matches!(
        store.nodes().await,
        Err(super::StoreError::NotShared)
    ));
}

fn postgres_fixture(server: &throwaway::ThrowawayPostgres, name: &str) -> Fixture {
    server.create_database(name);
    Fixture::Postgres {
        url: server.url(name),
        keys: tempfile::tempdir().unwrap(),
    }
}

#[tokio::test]
async fn the_store_suite_on_postgres() {
    let server = throwaway::ThrowawayPostgres::start();
    run_suite(|name| {
        let fixture = postgres_fixture(&server, name);
        async move { fixture }
    })
    .await;
    nodes_register_heartbeat_and_are_declared_lost_with_their_sessions(&postgres_fixture(
        &server, "nodes",
    ))
    .await;
    a_database_that_goes_away_is_unavailable_and_comes_back(&server, "outage").await;
}

fn node(id: &str, capacity: u32) -> NodeInfo {
    NodeInfo {
        id: id.parse().unwrap(),
        url: format!("http://127.0.0.1/{id}"),
        capacity,
    }
}

async fn nodes_register_heartbeat_and_are_declared_lost_with_their_sessions(fixture: &Fixture) {
    let a = fixture.open_as("node-a").await;
    let b = fixture.open_as("node-b").await;
    a.register_node(&node("node-a", 10)).await.unwrap();
    b.register_node(&node("node-b", 10)).await.unwrap();
    let owner = Owner::of_api_key("k");
    let on_a = record(&owner, now());
    let on_b = record(&owner, now());
    a.insert_session(&on_a).await.unwrap();
    b.insert_session(&on_b).await.unwrap();
    let holder = a.holder(&on_b.id).await.unwrap().unwrap();
    assert_eq!(holder.node.as_str(), "node-b");
    assert!(holder.serving);
    assert_eq!(holder.url, "http://127.0.0.1/node-b");

    let up = a.nodes_up(Duration::from_secs(60)).await.unwrap();
    assert_eq!(up.len(), 2);
    assert!(up.iter().all(|n| n.load == 1 && n.state == NodeState::Up));

    // Node b falls silent; a, heartbeating, declares it lost with its session.
    let me: NodeId = "node-a".parse().unwrap();
    let (lost, ended) = a.declare_lost(Duration::from_secs(60), &me).await.unwrap();
    assert!(lost.is_empty() && ended == 0, "fresh nodes are not lost");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(a.heartbeat(&me, 1).await.unwrap());
    let (lost, ended) = a
        .declare_lost(Duration::from_millis(200), &me)
        .await
        .unwrap();
    assert_eq!(lost, vec!["node-b".parse::<NodeId>().unwrap()]);
    assert_eq!(ended, 1);
    let read = a.session(&owner, &on_b.id).await.unwrap().unwrap();
    assert_eq!(read.status, SessionStatus::Error);
    assert!(read.error.unwrap().contains("node lost"));
    assert_eq!(
        a.session(&owner, &on_a.id).await.unwrap().unwrap().status,
        SessionStatus::Active
    );
    assert!(!a.holder(&on_b.id).await.unwrap().unwrap().serving);

    // b comes back: its heartbeat is refused until it registers again, and that
    // resurrects nothing.
    let node_b: NodeId = "node-b".parse().unwrap();
    assert!(!b.heartbeat(&node_b, 1).await.unwrap());
    b.register_node(&node("node-b", 10)).await.unwrap();
    assert!(b.heartbeat(&node_b, 0).await.unwrap());
    assert_eq!(
        b.session(&owner, &on_b.id).await.unwrap().unwrap().status,
        SessionStatus::Error
    );
    // Restarting node a's process ends a's sessions only.
    a.end_all_active(&Ending::error("server restarted"), now())
        .await
        .unwrap();
    b.leave_node(&node_b).await.unwrap();
    let states: Vec<(String, NodeState)> = a
        .nodes()
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.info.id.to_string(), n.state))
        .collect();
    assert_eq!(
        states,
        vec![
            ("node-a".to_string(), NodeState::Up),
            ("node-b".to_string(), NodeState::Left)
        ]
    );
}

async fn a_database_that_goes_away_is_unavailable_and_comes_back(
    server: &throwaway::ThrowawayPostgres,
    name: &str,
) {
    let fixture = postgres_fixture(server, name);
    let store = fixture.open().await;
    let owner = Owner::of_api_key("k");
    let kept = record(&owner, now());
    store.insert_session(&kept).await.unwrap();
    server.stop();
    let refused = store.insert_session(&record(&owner, now())).await;
    assert!(
        matches!(refused, Err(super::StoreError::Unavailable(_))),
        "{refused:?}"
    );
    server.start_again();
    let listed = store.sessions(&owner, None, 10).await.unwrap();
    assert_eq!(listed, vec![kept]);
}
