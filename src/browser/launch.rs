//! Finding and starting a Chromium process tied to our own life.
//!
//! Owns the executable's discovery, the command line, and the guarantee that the browser
//! dies with the server: it is started with `PR_SET_PDEATHSIG = SIGKILL` in its own
//! process group, so even a `kill -9` of browserd takes the browser down. It does not
//! speak CDP beyond reading the DevTools address the browser prints.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::BrowserError;

/// Where Debian installs its Chromium builds, best first. Both are built from Debian's
/// `chromium` source at the same version; the headless shell is the same engine without
/// the browser's UI layer, and a server needs none: a context with its page costs ~13
/// instead of ~21 MiB (the full browser makes a whole profile for each context) and is
/// made about three times as fast. It is also what Playwright runs for headless.
/// `/usr/lib/chromium/chromium` is the real binary: `/usr/bin/chromium` is a wrapper
/// script adding flags of its own.
const CANDIDATES: &[&str] = &[
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
];

pub const INSTALL_HINT: &str = "install it with `sudo apt-get install chromium` (or the lighter `chromium-headless-shell`), or pass --chromium PATH";

/// The Chromium executable to use: the one configured, else the first Debian build found.
pub fn find_executable(configured: Option<&Path>) -> Result<PathBuf, BrowserError> {
    match configured {
        Some(path) if path.is_file() => Ok(path.to_path_buf()),
        Some(path) => Err(BrowserError::NotFound(format!(
            "no Chromium at {}: {INSTALL_HINT}",
            path.display()
        ))),
        None => CANDIDATES
            .iter()
            .map(PathBuf::from)
            .find(|path| path.is_file())
            .ok_or_else(|| BrowserError::NotFound(format!("no Chromium found: {INSTALL_HINT}"))),
    }
}

/// Flags for a headless Chromium run as a server, possibly as root, on a machine that
/// may have no network.
fn flags(profile_dir: &Path, proxy_server: Option<&str>, page_heap_mb: u64) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "--hide-scrollbars",
        "--window-size=1280,800",
        // WebUIOmnibox…: without them every context opens two hidden omnibox pages (56
        // instead of 22 MiB). IsolateOrigins, site-per-process and the trials flag keep
        // another origin's iframe in its page's renderer, where our worlds can read it (an
        // out-of-process frame answers only on a CDP session of its own).
        "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,IsolateOrigins,site-per-process",
        "--disable-site-isolation-trials",
        "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
    ]
    .map(String::from)
    .to_vec();
    flags.push(format!("--user-data-dir={}", profile_dir.display()));
    flags.push(format!("--js-flags=--max-old-space-size={page_heap_mb}"));
    if let Some(proxy) = proxy_server {
        flags.push(format!("--proxy-server={proxy}"));
        // `<-loopback>` takes away Chromium's own exception for loopback: it goes through
        // the proxy too. WebRTC may not send UDP around it.
        flags.push("--proxy-bypass-list=<-loopback>".into());
        flags.push("--force-webrtc-ip-handling-policy=disable_non_proxied_udp".into());
    }
    flags
}

/// A started browser process and the DevTools WebSocket address it listens on.
pub struct Launched {
    pub child: Child,
    pub websocket_url: String,
}

/// Starts Chromium and waits until it prints its DevTools address.
///
/// Call it from an async task on the runtime's worker threads: the death signal is tied
/// to the thread that forks, and worker threads live as long as the server.
pub async fn launch(
    executable: &Path,
    profile_dir: &Path,
    extra_args: &[String],
    proxy_server: Option<&str>,
    page_heap_mb: u64,
    timeout: Duration,
) -> Result<Launched, BrowserError> {
    std::fs::create_dir_all(profile_dir).map_err(|e| {
        BrowserError::Launch(format!(
            "cannot create profile dir {}: {e}",
            profile_dir.display()
        ))
    })?;
    let mut command = Command::new(executable);
    command
        .args(flags(profile_dir, proxy_server, page_heap_mb))
        .args(extra_args)
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) run between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before the prctl took effect.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| BrowserError::Launch(format!("cannot start {}: {e}", executable.display())))?;
    let stderr = child
        .stderr
        .take()
        .ok_or_else(|| BrowserError::Launch("no stderr pipe".into()))?;
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    let found = tokio::time::timeout(timeout, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line
                .split_whitespace()
                .find(|word| word.starts_with("ws://"))
            {
                return Some(url.to_string());
            }
            if seen.len() < 20 {
                seen.push(line);
            }
        }
        None
    })
    .await;
    let websocket_url = match found {
        Ok(Some(url)) => url,
        Ok(None) => {
            let status = child
                .wait()
                .await
                .map(|s| s.to_string())
                .unwrap_or_else(|e| e.to_string());
            return Err(BrowserError::Launch(format!(
                "{} exited ({status}): {}",
                executable.display(),
                seen.join(" | ")
            )));
        }
        Err(_) => {
            return Err(BrowserError::Launch(format!(
                "{} printed no DevTools address within {timeout:?}: {}",
                executable.display(),
                seen.join(" | ")
            )))
        }
    };
    // Keep draining stderr: a full pipe would block the browser.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::trace!(target: "chromium", "{line}");
        }
    });
    Ok(Launched {
        child,
        websocket_url,
    })
}
