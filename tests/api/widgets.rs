//! Standard widget patterns (after the WAI-ARIA Authoring Practices' examples), observed
//! and operated through `/env/observe` and `/env/step` as an agent would.
//!
//! Each page of the fixture site named `t-*.html` (the patterns perception was fixed on)
//! or `h-*.html` (a held-out half, written before the fixes and not looked at while
//! making them) carries its own expectations in `<script type="application/json"
//! id="expect">`: the controls that must be listed under their names (`listed`), what
//! must not appear before or after any step (`unlisted`: a control's name leaking into
//! another's, an empty cell listed), the options a choice must offer (`options`), and
//! `steps`: an action found by its name, an optional value, and what the page must show
//! after (`then` in the observation's markdown, `text` in its scraped text).

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use crate::helpers::{spawn_app, TestApp, KEY};
use crate::site::serve_site;

#[derive(Debug, Deserialize)]
struct Expect {
    #[serde(default)]
    listed: Vec<String>,
    #[serde(default)]
    unlisted: Vec<String>,
    #[serde(default)]
    options: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    steps: Vec<StepExpect>,
}

#[derive(Debug, Deserialize)]
struct StepExpect {
    act: String,
    value: Option<String>,
    then: Option<String>,
    text: Option<String>,
}

/// What one page scored.
#[derive(Debug, Default)]
struct Score {
    listed: usize,
    listed_of: usize,
    clean: usize,
    clean_of: usize,
    steps: usize,
    steps_of: usize,
    failures: Vec<String>,
}

impl Score {
    fn operated(&self) -> bool {
        self.steps == self.steps_of
    }
}

fn expectations(page: &str) -> Expect {
    let start = page.find("id=\"expect\">").expect("an expect block") + "id=\"expect\">".len();
    let end = start + page[start..].find("</script>").expect("its end");
    serde_json::from_str(&page[start..end]).expect("expect block is JSON")
}

/// Whether a listed description names `name`: after a checkbox's or radio's mark, the
/// description starts with the name, and the name ends there.
fn names(description: &str, name: &str) -> bool {
    let bare = ["[ ] ", "[x] ", "[-] ", "( ) ", "(x) "]
        .iter()
        .find_map(|mark| description.strip_prefix(mark))
        .unwrap_or(description);
    bare.strip_prefix(name).is_some_and(|rest| {
        rest.is_empty()
            || [" (", " =", ":", " →", " suggests"]
                .iter()
                .any(|t| rest.starts_with(t))
    })
}

fn action<'a>(observation: &'a Value, name: &str) -> Option<&'a Value> {
    observation["space"]["actions"]
        .as_array()?
        .iter()
        .find(|a| names(a["description"].as_str().unwrap_or_default(), name))
}

async fn call(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let (status, json, _) = app.post(path, Some(KEY), Some(&body.to_string())).await;
    (status, json)
}

fn check_listing(observation: &Value, expect: &Expect, score: &mut Score) {
    let markdown = observation["space"]["markdown"]
        .as_str()
        .unwrap_or_default();
    for name in &expect.listed {
        score.listed_of += 1;
        match action(observation, name) {
            Some(_) => score.listed += 1,
            None => score.failures.push(format!("not listed: {name:?}")),
        }
    }
    if score.listed < score.listed_of {
        score.failures.push(format!("the listing was:\n{markdown}"));
    }
    for leak in &expect.unlisted {
        score.clean_of += 1;
        if markdown.contains(leak.as_str()) {
            score.failures.push(format!("listed: {leak:?}"));
        } else {
            score.clean += 1;
        }
    }
    for (name, values) in &expect.options {
        score.listed_of += 1;
        let offered: Vec<&str> = action(observation, name)
            .and_then(|a| a["params"][0]["values"].as_array())
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if values.iter().all(|v| offered.contains(&v.as_str())) {
            score.listed += 1;
        } else {
            score
                .failures
                .push(format!("{name:?} offers {offered:?}, not {values:?}"));
        }
    }
}

async fn run_steps(
    app: &TestApp,
    session: &str,
    mut observation: Value,
    expect: &Expect,
    score: &mut Score,
) {
    for step in &expect.steps {
        score.steps_of += 1;
        let Some(id) = action(&observation, &step.act).and_then(|a| a["id"].as_str()) else {
            score.failures.push(format!(
                "step {:?}: no such action in\n{}",
                step.act, observation["space"]["markdown"]
            ));
            return;
        };
        let body = json!({"session_id": session, "keep_alive": true, "action_id": id, "value": step.value});
        let (status, after) = call(app, "/env/step", body).await;
        if status != 200 {
            score
                .failures
                .push(format!("step {:?}: {status} {after}", step.act));
            return;
        }
        let markdown = after["space"]["markdown"].as_str().unwrap_or_default();
        // what must not be listed must not be listed after a step either
        if let Some(leak) = expect
            .unlisted
            .iter()
            .find(|l| markdown.contains(l.as_str()))
        {
            score.failures.push(format!(
                "after step {:?}: listed {leak:?} in\n{markdown}",
                step.act
            ));
            return;
        }
        if let Some(then) = &step.then {
            if !markdown.contains(then.as_str()) {
                score
                    .failures
                    .push(format!("step {:?}: {then:?} not in\n{markdown}", step.act));
                return;
            }
        }
        if let Some(text) = &step.text {
            let body =
                json!({"session_id": session, "keep_alive": true, "only_main_content": false});
            let (_, scraped) = call(app, "/env/scrape", body).await;
            let scraped = scraped["data"]["markdown"].as_str().unwrap_or_default();
            if !scraped.contains(text.as_str()) {
                score.failures.push(format!(
                    "step {:?}: {text:?} not in the page:\n{scraped}",
                    step.act
                ));
                return;
            }
        }
        score.steps += 1;
        observation = after;
    }
}

async fn score_page(app: &TestApp, url: &str, page: &str) -> Score {
    let expect = expectations(page);
    let mut score = Score::default();
    let (status, observation) =
        call(app, "/env/observe", json!({"url": url, "keep_alive": true})).await;
    assert_eq!(status, 200, "{url}: {observation}");
    let session = observation["session"]["session_id"]
        .as_str()
        .expect("session id")
        .to_string();
    check_listing(&observation, &expect, &mut score);
    run_steps(app, &session, observation, &expect, &mut score).await;
    let (status, closed) = call(app, "/session/close", json!({"session_id": session})).await;
    assert_eq!(status, 200, "{closed}");
    score
}

/// Scores every page of one half; prints each page's line and the totals.
async fn score_half(prefix: &str) -> (usize, Vec<(String, Score)>) {
    let (app, site) = (spawn_app().await, serve_site().await);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture site")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".html"))
        .collect();
    files.sort();
    let mut scores = Vec::new();
    for file in &files {
        let page = std::fs::read_to_string(dir.join(file)).expect("page");
        let score = score_page(&app, &site.url(&format!("/{file}")), &page).await;
        scores.push((file.clone(), score));
    }
    let (mut listed, mut listed_of, mut clean, mut clean_of, mut operated) = (0, 0, 0, 0, 0);
    for (file, s) in &scores {
        eprintln!(
            "{file}: listed {}/{}, clean {}/{}, steps {}/{}{}",
            s.listed,
            s.listed_of,
            s.clean,
            s.clean_of,
            s.steps,
            s.steps_of,
            if s.failures.is_empty() {
                String::new()
            } else {
                format!("\n  {}", s.failures.join("\n  "))
            }
        );
        listed += s.listed;
        listed_of += s.listed_of;
        clean += s.clean;
        clean_of += s.clean_of;
        operated += usize::from(s.operated());
    }
    eprintln!(
        "{prefix}*: listed {listed}/{listed_of}, no leaked names {clean}/{clean_of}, widgets operated {operated}/{}",
        scores.len()
    );
    app.stop().await;
    (operated, scores)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tuned_widget_patterns_are_listed_named_and_operated() {
    let (_, scores) = score_half("t-").await;
    let failed: Vec<String> = scores
        .iter()
        .filter(|(_, s)| !s.failures.is_empty())
        .map(|(f, s)| format!("{f}: {}", s.failures.join("; ")))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The held-out half is held to what it scored when first run after the fixes, less the
/// misses a fix came from: the first six pages (written before any fix) scored 35 of 35
/// listed and 4 of 6 operated (the spin button was typed into; fixed since), the five
/// written later 7 of 10 and 2 of 5 (the window splitter and the grid popup of a
/// combobox, fixed since on tuned pages of their own; and the disclosure buttons, which
/// the page expected named "About" where Chromium's own accessibility tree and
/// Playwright's snapshot name them "About ▾", with their `::after` glyph: the page now
/// expects the browser's names). What is left: the editable combobox's suggestions are
/// the choices of its listbox (`I… States: Alabama | Alaska`), where its page expects an
/// action per suggestion.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_held_out_widget_patterns_are_listed_named_and_operated() {
    let (operated, scores) = score_half("h-").await;
    let report: Vec<String> = scores
        .iter()
        .filter(|(_, s)| !s.failures.is_empty())
        .map(|(f, s)| format!("{f}: {}", s.failures.join("; ")))
        .collect();
    let listed: usize = scores.iter().map(|(_, s)| s.listed).sum();
    assert!(listed >= 45 && operated >= 10, "{}", report.join("\n"));
}

/// browserd's names against the accname tests of web-platform-tests (and HTML-AAM's and
/// SVG-AAM's name tests), run in the server's Chromium through a session's CDP endpoint by
/// `tests/cdp/accname.mjs`. The suite is not kept in this repository: point
/// `WPT_ACCNAME_CASES` at a JSON list of its cases (the format `accname.mjs` reads).
/// 752 of its 763 checks passed when the names were last changed; the eleven left need
/// CSS counters, text-transform or generated content on descendants, which collect does
/// not read (for its time), or are two cases of a label's title between its `::before`
/// and `::after`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs web-platform-tests' accname cases in WPT_ACCNAME_CASES"]
async fn names_pass_the_accname_conformance_suite() {
    let cases = std::env::var("WPT_ACCNAME_CASES").expect("WPT_ACCNAME_CASES names the cases");
    let app = spawn_app().await;
    let (status, session) = call(&app, "/session/start", json!({})).await;
    assert_eq!(status, 200, "{session}");
    let cdp_url = session["cdp_url"].as_str().expect("cdp_url").to_string();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cdp/accname.mjs");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .arg(&cdp_url)
        .arg(&cases)
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| {
            panic!(
                "no RESULT:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let (passed, total) = (
        result["passed"].as_u64().unwrap_or(0),
        result["total"].as_u64().unwrap_or(0),
    );
    eprintln!(
        "accname conformance: {passed}/{total}\n{}",
        result["failures"]
    );
    assert!(
        total > 0 && passed * 100 >= total * 98,
        "{passed}/{total}: {}",
        result["failures"]
    );
    app.stop().await;
}

/// browserd's names are Chromium's own: on every page of the fixture site, each control
/// Chromium's accessibility tree names has the same name from `accname.js`, but where
/// browserd departs on purpose (an item holding controls of its own is named without them;
/// the browser's own shadow parts of native controls are not compared).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_chromiums_own_on_every_fixture_page() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, session) = call(&app, "/session/start", json!({})).await;
    assert_eq!(status, 200, "{session}");
    let cdp_url = session["cdp_url"].as_str().expect("cdp_url").to_string();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    let mut urls: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture site")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".html"))
        .map(|n| site.url(&format!("/{n}")))
        .collect();
    urls.sort();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cdp/axnames.mjs");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .arg(&cdp_url)
        .args(&urls)
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| {
            panic!(
                "no RESULT:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let total = result["total"].as_u64().unwrap_or(0);
    assert!(total > 150, "{result}");
    assert_eq!(result["same"].as_u64(), Some(total), "{}", result["differ"]);
    app.stop().await;
}
