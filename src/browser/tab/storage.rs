//! The cookies and local storage of the tab's context, read out and put in: what a profile
//! keeps of a browser.
//!
//! Cookies go through the Storage domain for the whole context (HttpOnly and secure ones
//! included). Local storage belongs to origins, and a page reads and writes only its own
//! origin's: as Playwright does, a helper page of the context is taken to each origin,
//! with every request it makes answered by an empty page of our own (the Fetch domain on
//! that page alone), so that nothing of the origin's site runs or is asked for; there it
//! reads or seeds the origin's storage, then closes. The session's pages never see it.

use std::collections::BTreeSet;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::fetch::EventRequestPaused;
use chromiumoxide::cdp::browser_protocol::target::CreateTargetParams;
use chromiumoxide::Page;
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::Tab;
use crate::browser::cdp::RawCommand;
use crate::browser::running::bounded;
use crate::browser::BrowserError;
use crate::domain::{Cookie, OriginStorage, StorageItem, StorageState};

/// What the helper page is given for every request it makes: `<!doctype html><title></title>`,
/// in base64 as `Fetch.fulfillRequest` takes it.
const BLANK_BASE64: &str = "PCFkb2N0eXBlIGh0bWw+PHRpdGxlPjwvdGl0bGU+";

impl Tab {
    /// Puts `state` into the context: its cookies, then each origin's local storage.
    pub async fn restore_state(&self, state: &StorageState) -> Result<(), BrowserError> {
        let context = self.parts()?.context.inner().clone();
        let cookies: Vec<Value> = state.cookies.iter().map(cookie_param).collect();
        if !cookies.is_empty() {
            self.browser_call(
                "Storage.setCookies",
                json!({ "cookies": cookies, "browserContextId": context }),
            )
            .await?;
        }
        let origins: Vec<&OriginStorage> = state
            .origins
            .iter()
            .filter(|origin| !origin.local_storage.is_empty())
            .collect();
        if origins.is_empty() {
            return Ok(());
        }
        self.with_helper_page(async |page| {
            for origin in origins {
                if !visit(page, &origin.origin).await? {
                    continue;
                }
                let items: Vec<(&str, &str)> = origin
                    .local_storage
                    .iter()
                    .map(|item| (item.name.as_str(), item.value.as_str()))
                    .collect();
                let expression = format!(
                    "(() => {{ for (const [k, v] of {}) localStorage.setItem(k, v); return true; }})()",
                    serde_json::to_string(&items).unwrap_or_else(|_| "[]".into())
                );
                evaluate(page, &expression).await?;
            }
            Ok(())
        })
        .await
    }

    /// The context's cookies (HttpOnly and secure ones included).
    pub async fn cookies(&self) -> Result<Vec<Cookie>, BrowserError> {
        let context = self.parts()?.context.inner().clone();
        let reply = self
            .browser_call("Storage.getCookies", json!({ "browserContextId": context }))
            .await?;
        Ok(reply["cookies"]
            .as_array()
            .map(|all| all.iter().filter_map(cookie_of).collect())
            .unwrap_or_default())
    }

    /// The context's cookies, and the local storage of `origins`, of the origins the tab's
    /// page was seen at, and of every origin a page of the context shows now.
    pub async fn storage_state(&self, origins: &[String]) -> Result<StorageState, BrowserError> {
        let context = self.parts()?.context.inner().clone();
        let cookies = self.cookies().await?;
        let mut wanted: BTreeSet<String> = origins.iter().cloned().collect();
        wanted.extend(
            self.visited
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .cloned(),
        );
        wanted.extend(self.shown_origins(&context).await?);
        let mut state = StorageState {
            cookies,
            origins: Vec::new(),
        };
        if wanted.is_empty() {
            return Ok(state);
        }
        state.origins = self
            .with_helper_page(async |page| {
                let mut read = Vec::new();
                for origin in &wanted {
                    if !visit(page, origin).await? {
                        continue;
                    }
                    let items =
                        evaluate(page, "JSON.stringify(Object.entries(localStorage))").await?;
                    let items: Vec<(String, String)> = items
                        .as_str()
                        .and_then(|text| serde_json::from_str(text).ok())
                        .unwrap_or_default();
                    if !items.is_empty() {
                        read.push(OriginStorage {
                            origin: origin.clone(),
                            local_storage: items
                                .into_iter()
                                .map(|(name, value)| StorageItem { name, value })
                                .collect(),
                        });
                    }
                }
                Ok(read)
            })
            .await?;
        Ok(state)
    }

    /// The http(s) origins the context's pages show now.
    async fn shown_origins(&self, context: &str) -> Result<Vec<String>, BrowserError> {
        let targets = self.browser_call("Target.getTargets", json!({})).await?;
        Ok(targets["targetInfos"]
            .as_array()
            .map(|infos| {
                infos
                    .iter()
                    .filter(|info| info["type"] == "page" && info["browserContextId"] == context)
                    .filter_map(|info| web_origin(info["url"].as_str()?))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A browser-level command, bounded by the operation timeout.
    async fn browser_call(
        &self,
        method: &'static str,
        params: Value,
    ) -> Result<Value, BrowserError> {
        let reply = bounded(
            self.browser.operation_timeout,
            self.browser
                .browser
                .execute(RawCommand::new(method, params)),
        )
        .await?;
        Ok(reply.result)
    }

    /// Runs `work` on a new page of the context whose every request is answered with
    /// an empty page ([`BLANK_BASE64`]), then closes the page, whatever `work` did.
    async fn with_helper_page<T>(
        &self,
        work: impl AsyncFnOnce(&Page) -> Result<T, BrowserError>,
    ) -> Result<T, BrowserError> {
        let timeout = self.browser.operation_timeout;
        let mut params = CreateTargetParams::new("about:blank");
        params.browser_context_id = Some(self.parts()?.context.clone());
        let page: Page = bounded(timeout, self.browser.browser.new_page(params)).await?;
        let answering = async {
            let paused = page.event_listener::<EventRequestPaused>().await?;
            page.execute(RawCommand::new(
                "Fetch.enable",
                json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] }),
            ))
            .await?;
            Ok::<_, BrowserError>(paused)
        };
        let result = match bounded(timeout, answering).await {
            Ok(mut paused) => {
                let answerer = page.clone();
                let answers = tokio::spawn(async move {
                    while let Some(request) = paused.next().await {
                        let fulfill = RawCommand::new(
                            "Fetch.fulfillRequest",
                            json!({
                                "requestId": request.request_id.inner(),
                                "responseCode": 200,
                                "responseHeaders": [{ "name": "Content-Type", "value": "text/html" }],
                                "body": BLANK_BASE64,
                            }),
                        );
                        let _ = answerer.execute(fulfill).await;
                    }
                });
                let result = bounded(timeout, work(&page)).await;
                answers.abort();
                result
            }
            Err(error) => Err(error),
        };
        if let Err(error) = bounded(timeout, page.close()).await {
            tracing::warn!(%error, "cannot close the page that read a profile's storage");
        }
        result
    }
}

/// Takes the helper page to `origin` and waits until its document is that origin's;
/// `false` when the browser will not open it at all (a port it never opens, for one).
async fn visit(page: &Page, origin: &str) -> Result<bool, BrowserError> {
    let navigated = page
        .execute(RawCommand::new(
            "Page.navigate",
            json!({ "url": format!("{origin}/") }),
        ))
        .await?;
    if let Some(error) = navigated.result["errorText"]
        .as_str()
        .filter(|e| !e.is_empty())
    {
        tracing::warn!(%origin, %error, "the local storage of an origin the browser does not open is left out");
        return Ok(false);
    }
    loop {
        let now = evaluate(
            page,
            "document.readyState === 'complete' ? location.origin : ''",
        )
        .await;
        if matches!(&now, Ok(Value::String(shown)) if shown == origin) {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The value of `expression` in the helper page's main world.
async fn evaluate(page: &Page, expression: &str) -> Result<Value, BrowserError> {
    let reply = page
        .execute(RawCommand::new(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        ))
        .await?;
    if let Some(exception) = reply.result.get("exceptionDetails") {
        return Err(BrowserError::Protocol(format!(
            "storage script failed: {}",
            exception["exception"]["description"]
                .as_str()
                .or(exception["text"].as_str())
                .unwrap_or("error")
        )));
    }
    Ok(reply.result["result"]["value"].clone())
}

impl Tab {
    /// Notes the origin of a URL the page was seen at.
    pub(super) fn visited(&self, url: &str) {
        if let Some(origin) = web_origin(url) {
            self.visited
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(origin);
        }
    }
}

/// The origin of `url` if it is a web page's.
fn web_origin(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
}

/// A cookie as `Storage.setCookies` takes it.
fn cookie_param(cookie: &Cookie) -> Value {
    let mut param = json!({
        "name": cookie.name,
        "value": cookie.value,
        "domain": cookie.domain,
        "path": cookie.path,
        "httpOnly": cookie.http_only,
        "secure": cookie.secure,
        "sameSite": cookie.same_site,
    });
    if cookie.expires >= 0.0 {
        param["expires"] = json!(cookie.expires);
    }
    param
}

/// A cookie as `Storage.getCookies` gives it, in Playwright's shape.
fn cookie_of(value: &Value) -> Option<Cookie> {
    let session = value["session"].as_bool().unwrap_or(false);
    Some(Cookie {
        name: value["name"].as_str()?.to_string(),
        value: value["value"].as_str()?.to_string(),
        domain: value["domain"].as_str()?.to_string(),
        path: value["path"].as_str().unwrap_or("/").to_string(),
        expires: if session {
            -1.0
        } else {
            value["expires"].as_f64().unwrap_or(-1.0)
        },
        http_only: value["httpOnly"].as_bool().unwrap_or(false),
        secure: value["secure"].as_bool().unwrap_or(false),
        same_site: value["sameSite"].as_str().unwrap_or("Lax").to_string(),
    })
}
