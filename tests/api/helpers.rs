//! One way to start the server for a test: [`spawn_app`] (in this process) or
//! [`ServerProcess::spawn`] (the real binary, for signals and `kill -9`). Each gets a
//! fresh data directory, a free port and a real Chromium.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use browserd::config::Settings;
use browserd::domain::PrivateNetworkAllowance;
use browserd::shutdown::Shutdown;
use browserd::startup::Application;
use serde_json::Value;

pub const KEY: &str = "test-key-one";
pub const OTHER_KEY: &str = "test-key-two";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub browser_pids: Vec<u32>,
    browsers_now: Box<dyn Fn() -> Vec<u32> + Send + Sync>,
    pub data_dir: PathBuf,
    _own_data_dir: Option<tempfile::TempDir>,
    shutdown: Shutdown,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// Settings for a test server: two keys, loopback only, the given data directory; its
/// pages may reach the private network (the fixture site is on 127.0.0.1).
pub fn test_settings(data_dir: &Path) -> Settings {
    let mut settings = Settings::for_data_dir(data_dir.to_path_buf());
    settings.addr = "127.0.0.1:0".parse().expect("literal address");
    settings.api_keys = vec![KEY.into(), OTHER_KEY.into()];
    // Nothing leaves the machine; `localhost` is the fixture site under a second origin.
    settings.browser.chromium_args = browserd::config::ChromiumArgs(vec![
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost".into(),
    ]);
    settings.browser.allow_private_network = PrivateNetworkAllowance::Everything;
    settings.warm_contexts = 1;
    // Many test servers run at once: none grows a pool for a burst it will not see.
    settings.warm_contexts_max = 1;
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut app = spawn_app_on(data_dir.path(), configure).await;
    app._own_data_dir = Some(data_dir);
    app
}

/// A server on a data directory the test owns (to restart a server on it).
pub async fn spawn_app_on(data_dir: &Path, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let mut settings = test_settings(data_dir);
    configure(&mut settings);
    let application = Application::build(&settings)
        .await
        .expect("the server builds");
    let address = format!("http://{}", application.local_addr().expect("bound"));
    let browser_pids = application.browser_pids();
    let browsers_now = Box::new(application.browser_pids_reader());
    let shutdown = Shutdown::new();
    let server = tokio::spawn(application.run_until_stopped(shutdown.clone()));
    TestApp {
        address,
        client: reqwest::Client::new(),
        browser_pids,
        browsers_now,
        data_dir: data_dir.to_path_buf(),
        _own_data_dir: None,
        shutdown,
        server: Some(server),
    }
}

impl TestApp {
    /// The pids of the browsers that take new sessions now.
    pub fn browsers_now(&self) -> Vec<u32> {
        (self.browsers_now)()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post(
        &self,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut request = self.client.post(self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        send(request).await
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let (status, body, _) = send(request).await;
        (status, body)
    }

    /// Starts a session with `body` and returns its id.
    pub async fn start_session(&self, body: &str) -> String {
        let (status, json, _) = self.post("/session/start", Some(KEY), Some(body)).await;
        assert_eq!(status, 200, "start failed: {json}");
        json["session_id"].as_str().expect("session_id").to_string()
    }

    pub async fn session(&self, id: &str) -> Value {
        let (status, json) = self.get(&format!("/session/{id}"), Some(KEY)).await;
        assert_eq!(status, 200, "{json}");
        json
    }

    /// Polls the session until `check` holds, for at most `limit`; returns the last state.
    pub async fn wait_for_session(
        &self,
        id: &str,
        limit: Duration,
        check: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let session = self.session(id).await;
            if check(&session) || tokio::time::Instant::now() > deadline {
                return session;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server as SIGTERM would, and waits for it.
    pub async fn stop(mut self) {
        self.shutdown.trigger();
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("status {status}: body is not JSON: {text:?}"));
    (status, body, headers)
}

/// `node tests/cdp/SCRIPT MODE ARGS…`: a script of the real npm clients (Playwright,
/// Puppeteer) that prints its findings as one `RESULT {json}` line.
pub fn node_script(script: &str, mode: &str, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("node");
    command
        .arg(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/cdp")
                .join(script),
        )
        .arg(mode)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs [`node_script`] to its end and returns what it printed as `RESULT`.
pub async fn run_node(script: &str, mode: &str, args: &[&str]) -> Value {
    let output = tokio::time::timeout(
        Duration::from_secs(90),
        node_script(script, mode, args).output(),
    )
    .await
    .expect("the script finishes")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{script} {mode} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    node_result(&stdout)
}

/// The `RESULT {json}` line of a script's output.
pub fn node_result(stdout: &str) -> Value {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT in:\n{stdout}"));
    serde_json::from_str(line).expect("RESULT is JSON")
}

/// Whether the process `pid` still exists (a zombie counts as gone).
pub fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or_default()
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

/// Every descendant of `pid`, from /proc.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            break;
        };
        for entry in entries.flatten() {
            let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                continue;
            };
            let ppid = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(parent) {
                found.push(child);
                frontier.push(child);
            }
        }
    }
    found
}

/// Waits until none of `pids` is alive, for at most `limit`; returns those still alive.
pub async fn wait_gone(pids: &[u32], limit: Duration) -> Vec<u32> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let alive: Vec<u32> = pids
            .iter()
            .copied()
            .filter(|pid| process_alive(*pid))
            .collect();
        if alive.is_empty() || tokio::time::Instant::now() > deadline {
            return alive;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The real `browserd` binary, run as an operator would.
pub struct ServerProcess {
    pub child: Child,
    pub address: String,
}

impl ServerProcess {
    /// Starts the binary on `data_dir` and waits for its `/health`. A port taken by another
    /// test between `free_port` and the server's bind is tried again on a new port; any
    /// other failure to come up panics with what the server printed.
    pub async fn spawn(data_dir: &Path, port: u16) -> ServerProcess {
        let mut port = port;
        for _ in 0..3 {
            let log = tempfile::NamedTempFile::new().expect("log file");
            let mut child = Command::new(env!("CARGO_BIN_EXE_browserd"))
                .args([
                    "serve",
                    "--addr",
                    &format!("127.0.0.1:{port}"),
                    "--data-dir",
                ])
                .arg(data_dir)
                .env("BROWSERD_API_KEYS", KEY)
                .env("BROWSERD_ALLOW_PRIVATE_NETWORK", "all")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(log.reopen().expect("log file"))
                .spawn()
                .expect("browserd starts");
            let address = format!("http://127.0.0.1:{port}");
            match wait_for_health(Some(&mut child), &address).await {
                Ok(()) => return ServerProcess { child, address },
                Err(why) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let printed = std::fs::read_to_string(log.path()).unwrap_or_default();
                    if printed.contains("in use") {
                        port = free_port();
                        continue;
                    }
                    panic!("browserd did not come up: {why}; it printed:\n{printed}");
                }
            }
        }
        panic!("browserd found no free port in three tries");
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: plain syscall on our own child.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, signal);
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The Python of the tests' tools (the notte client, the MCP SDK, the OpenAPI validator):
/// `.venv`, which `make test` creates, or the interpreter `BROWSERD_TEST_PYTHON` names.
pub fn test_python() -> PathBuf {
    if let Some(python) = std::env::var_os("BROWSERD_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no .venv: run `make test` (it creates .venv), or set BROWSERD_TEST_PYTHON"
    );
    venv
}

/// The Python of the venv with the current Notte SDK (`make venv-sdk`), or
/// `BROWSERD_TEST_SDK_PYTHON`.
pub fn sdk_python() -> PathBuf {
    if let Some(python) = std::env::var_os("BROWSERD_TEST_SDK_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-sdk/bin/python");
    assert!(
        venv.exists(),
        "no .venv-sdk: run `make test` (it creates .venv-sdk), or set BROWSERD_TEST_SDK_PYTHON"
    );
    venv
}

/// Waits until a server answers `/health` at `address`, for at most 30 s.
pub async fn wait_until_up(address: &str) {
    if let Err(why) = wait_for_health(None, address).await {
        panic!("browserd did not come up: {why}");
    }
}

/// Waits for `/health` at `address`, for at most 30 s; says why it gave up: the server the
/// test started as `child` exited, or nothing answered.
async fn wait_for_health(mut child: Option<&mut Child>, address: &str) -> Result<(), String> {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if client.get(format!("{address}/health")).send().await.is_ok() {
            return Ok(());
        }
        if let Some(Ok(Some(status))) = child.as_mut().map(|child| child.try_wait()) {
            return Err(format!("it exited with {status}"));
        }
        if tokio::time::Instant::now() > deadline {
            return Err("no answer from /health within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The id of the first action of an observation whose description contains `text`.
pub fn action_described(page: &Value, text: &str) -> String {
    page["space"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|action| {
            action["description"]
                .as_str()
                .is_some_and(|description| description.contains(text))
        })
        .and_then(|action| action["id"].as_str())
        .unwrap_or_else(|| panic!("no {text:?} in:\n{}", page["space"]["markdown"]))
        .to_string()
}
