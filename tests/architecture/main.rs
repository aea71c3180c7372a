//! The house rules of `src/`, checked on the code itself: which room may import which
//! (`ARCHITECTURE.md` draws the same map), which rooms may speak HTTP, CDP, SQL and MCP,
//! and how long a file and a function may grow.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each room and the rooms it may import, top to bottom. A room not listed here fails the
/// test: adding one is a design change, made here and in `ARCHITECTURE.md` together.
const ROOMS: &[(&str, &[&str])] = &[
    (
        "startup",
        &[
            "api", "mcp", "cluster", "ops", "session", "browser", "egress", "store", "domain",
            "config", "shutdown",
        ],
    ),
    (
        "api",
        &[
            "cluster",
            "ops",
            "session",
            "act",
            "browser",
            "store",
            "perception",
            "scrape",
            "domain",
            "shutdown",
        ],
    ),
    ("mcp", &["ops", "scrape", "domain", "shutdown"]),
    (
        "oneshot",
        &[
            "ops", "act", "browser", "egress", "scrape", "domain", "config", "shutdown",
        ],
    ),
    ("cluster", &["session", "store", "domain", "shutdown"]),
    (
        "ops",
        &[
            "session",
            "act",
            "browser",
            "perception",
            "scrape",
            "injected",
            "egress",
            "domain",
        ],
    ),
    (
        "session",
        &["browser", "store", "perception", "domain", "shutdown"],
    ),
    ("act", &["browser", "perception", "injected", "domain"]),
    ("browser", &["injected", "domain", "shutdown"]),
    ("egress", &["domain", "shutdown"]),
    ("store", &["domain"]),
    ("perception", &["domain"]),
    ("scrape", &["domain"]),
    ("injected", &[]),
    ("config", &["domain"]),
    ("shutdown", &[]),
    ("domain", &[]),
];

/// Foreign protocols and the only rooms that may speak them.
const LANGUAGES: &[(&str, &[&str])] = &[
    ("axum::", &["api", "startup"]),
    ("http::", &["api", "startup"]),
    ("tower_http::", &["api"]),
    ("utoipa_axum::", &["api"]),
    ("utoipa_swagger_ui::", &["api"]),
    ("chromiumoxide::", &["browser"]),
    ("rusqlite::", &["store"]),
    ("tokio_postgres::", &["store"]),
    ("deadpool_postgres::", &["store"]),
    ("hyper::", &["api"]),
    ("hyper_util::", &["api"]),
    ("rmcp::", &["mcp", "startup"]),
];

const MAX_FILE_LINES: usize = 800;
const MAX_FUNCTION_LINES: usize = 100;

/// Functions that are tables (one arm a row), allowed past the function limit.
const TABLES: &[(&str, &str)] = &[
    ("src/scrape/entities.rs", "named"),
    ("src/scrape/extract/signals.rs", "word_flags"),
];

struct Source {
    path: String,
    room: String,
    text: String,
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "js")) {
            out.push(path);
        }
    }
}

fn all_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    sources(&root.join("src"), &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .into_owned();
            let room = relative
                .trim_start_matches("src/")
                .split('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".rs")
                .trim_end_matches(".js")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("a source file");
            Source {
                path: relative,
                room,
                text,
            }
        })
        .collect()
}

/// The code of a Rust file: no comments, no test module.
fn code(text: &str) -> String {
    let without_tests = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    without_tests
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rooms a file names as `crate::room`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        found.insert(name);
    }
    found
}

fn rust_sources() -> Vec<Source> {
    all_sources()
        .into_iter()
        .filter(|s| s.path.ends_with(".rs") && !matches!(s.room.as_str(), "lib" | "main"))
        .collect()
}

#[test]
fn every_room_imports_only_the_rooms_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = ROOMS.iter().copied().collect();
    let mut wrong = Vec::new();
    for source in rust_sources() {
        let Some(may) = allowed.get(source.room.as_str()) else {
            wrong.push(format!(
                "{}: room `{}` is not on the map",
                source.path, source.room
            ));
            continue;
        };
        for import in imports(&code(&source.text)) {
            if import != source.room && !may.contains(&import.as_str()) {
                wrong.push(format!("{} imports `{import}`", source.path));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the map:\n{}",
        wrong.join("\n")
    );
}

/// The map itself has no loop: each room may import only rooms listed after it.
#[test]
fn the_map_runs_one_way() {
    for (at, (room, may)) in ROOMS.iter().enumerate() {
        for import in *may {
            let below = ROOMS[at + 1..].iter().any(|(name, _)| name == import);
            assert!(below, "{room} may import {import}, which is not below it");
        }
    }
}

#[test]
fn http_cdp_sql_and_mcp_are_spoken_only_in_their_rooms() {
    let mut wrong = Vec::new();
    for source in rust_sources() {
        let code = code(&source.text);
        for (language, rooms) in LANGUAGES {
            let spoken = code.match_indices(language).any(|(at, _)| {
                !code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            });
            if spoken && !rooms.contains(&source.room.as_str()) {
                wrong.push(format!("{} speaks {language}", source.path));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = all_sources()
        .iter()
        .filter(|s| s.text.lines().count() > MAX_FILE_LINES)
        .map(|s| format!("{}: {} lines", s.path, s.text.lines().count()))
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// A Rust function's length, from its `fn` line to the brace that closes it at its own
/// indentation.
fn long_functions(source: &Source) -> Vec<(String, usize)> {
    let code = code(&source.text);
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(after) = [
            "fn ",
            "pub fn ",
            "async fn ",
            "pub async fn ",
            "pub(super) fn ",
            "pub(super) async fn ",
            "pub(crate) fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .find_map(|head| trimmed.strip_prefix(head)) else {
            continue;
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let indent = &line[..line.len() - trimmed.len()];
        let closing = format!("{indent}}}");
        let Some(length) = lines[at..]
            .iter()
            .position(|l| l.trim_end() == closing)
            .map(|end| end + 1)
        else {
            continue;
        };
        if length > MAX_FUNCTION_LINES && !TABLES.contains(&(source.path.as_str(), name.as_str())) {
            found.push((name, length));
        }
    }
    found
}

#[test]
fn no_function_is_over_100_lines_but_tables() {
    let long: Vec<String> = rust_sources()
        .iter()
        .flat_map(|source| {
            long_functions(source)
                .into_iter()
                .map(move |(name, length)| format!("{}: {name} ({length} lines)", source.path))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// Every module opens with a `//!` comment saying what it owns.
#[test]
fn every_module_says_what_it_owns() {
    let silent: Vec<String> = rust_sources()
        .iter()
        .filter(|s| !s.path.ends_with("tests.rs"))
        .filter(|s| !s.text.trim_start().starts_with("//!"))
        .map(|s| s.path.clone())
        .collect();
    assert!(silent.is_empty(), "no //! comment: {}", silent.join(", "));
}
