//! A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries
//! (`/usr/lib/postgresql/<version>/bin`, installed by `make postgresql` when missing),
//! a cluster made with `initdb` in a temporary directory, listening on a free loopback
//! port (and a Unix socket in the same directory). PostgreSQL refuses to run as root, so
//! under root every command runs as the `postgres` user (`runuser`), the directory
//! handed to it. Stopped (by its postmaster's pid, through `pg_ctl`) when dropped.
//!
//! Shared by the store's tests (`src/store/tests.rs`, through `#[path]`) and the cluster
//! test (`tests/api/cluster.rs`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct ThrowawayPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// The newest installed PostgreSQL's binaries.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (`make postgresql` installs Debian's)")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .expect("a PostgreSQL with initdb under /usr/lib/postgresql")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

impl ThrowawayPostgres {
    /// Makes and starts a server; panics (failing the test) if it cannot.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("browserd-pg-")
            .tempdir()
            .expect("a temporary directory");
        let server = Self {
            dir,
            bin: bin_dir(),
            port: free_port(),
        };
        if is_root() {
            let chowned = Command::new("chown")
                .arg("postgres:postgres")
                .arg(server.dir.path())
                .status()
                .expect("chown runs");
            assert!(chowned.success(), "cannot hand the directory to postgres");
        }
        server.run(
            "initdb",
            &[
                "-D",
                &server.data().to_string_lossy(),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
        );
        server.start_again();
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Makes database `name`.
    pub fn create_database(&self, name: &str) {
        self.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                name,
            ],
        );
    }

    /// Starts the server (again, after [`stop`](Self::stop)) and waits until it accepts
    /// connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-l",
                &self.dir.path().join("server.log").to_string_lossy(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server (fast: open connections are closed) and waits until it is gone.
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    /// The server's log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{program} cannot run: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
        output
    }

    fn running(&self) -> bool {
        Path::new(&self.data().join("postmaster.pid")).exists()
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        if self.running() {
            let _ = self
                .command("pg_ctl")
                .args([
                    "-D",
                    &self.data().to_string_lossy(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ])
                .output();
        }
    }
}
