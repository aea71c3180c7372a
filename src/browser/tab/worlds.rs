//! Our isolated worlds in a tab's documents, and the page scripts run in them.
//!
//! A world is made on first use in a document (and again after a navigation destroyed
//! it); a page script is defined once per world and called by name after. The scripts and
//! the object they share are the page side's (`crate::injected`); this file only runs them.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::Tab;
use crate::browser::cdp::RawCommand;
use crate::browser::BrowserError;
use crate::injected::{self, PageScript};

/// One of our isolated worlds, and the page scripts defined in it so far.
pub(super) struct World {
    pub(super) context: i64,
    pub(super) defined: HashSet<&'static str>,
}

/// The value a Runtime command produced, or the exception the script threw.
fn script_value(result: serde_json::Value) -> Result<serde_json::Value, BrowserError> {
    if let Some(exception) = result.get("exceptionDetails") {
        let text = exception["exception"]["description"]
            .as_str()
            .or(exception["text"].as_str())
            .unwrap_or("exception");
        return Err(BrowserError::Protocol(format!(
            "script failed in the page: {text}"
        )));
    }
    Ok(result["result"].clone())
}

impl Tab {
    /// Runs `script` with `arguments` in our isolated world of the main frame; see
    /// [`run_in`](Self::run_in).
    pub async fn run(
        &self,
        script: &PageScript,
        arguments: &[serde_json::Value],
    ) -> Result<serde_json::Value, BrowserError> {
        self.run_needing(None, script, &[], arguments).await
    }

    /// Runs `script` with `arguments` in our isolated world of `frame` (a frame id from
    /// [`frame_owned_by`](Self::frame_owned_by)), or of the main frame for `None`, and
    /// returns its value (awaited if it is a promise) as JSON. State that earlier scripts
    /// left in the world's globals is there, until the page navigates.
    pub async fn run_in(
        &self,
        frame: Option<&str>,
        script: &PageScript,
        arguments: &[serde_json::Value],
    ) -> Result<serde_json::Value, BrowserError> {
        self.run_needing(frame, script, &[], arguments).await
    }

    /// [`run_in`](Self::run_in), with the page scripts `needs` defined in the world too:
    /// `script` calls them.
    pub(super) async fn run_needing(
        &self,
        frame: Option<&str>,
        script: &PageScript,
        needs: &[&PageScript],
        arguments: &[serde_json::Value],
    ) -> Result<serde_json::Value, BrowserError> {
        let scripts: Vec<&PageScript> = needs.iter().copied().chain([script]).collect();
        let result = self.call_script(frame, &scripts, arguments, true).await?;
        Ok(result["value"].clone())
    }

    /// Calls the last of `scripts` (with the others defined too) with `arguments` in our
    /// world of `frame`; its value as JSON when `by_value`, else a handle on it.
    pub(super) async fn call_script(
        &self,
        frame: Option<&str>,
        scripts: &[&PageScript],
        arguments: &[serde_json::Value],
        by_value: bool,
    ) -> Result<serde_json::Value, BrowserError> {
        let arguments: Vec<serde_json::Value> = arguments
            .iter()
            .map(|value| json!({ "value": value }))
            .collect();
        let call = scripts
            .last()
            .map(|script| script.call())
            .unwrap_or_default();
        self.in_world(frame, scripts, "Runtime.callFunctionOn", |context| {
            json!({
                "functionDeclaration": call,
                "executionContextId": context,
                "arguments": arguments,
                "returnByValue": by_value,
                "awaitPromise": true,
            })
        })
        .await
    }

    /// The id of the frame whose `<iframe>` element `script` returns, with `arguments`, in
    /// our world of `frame`; `None` when it is no element or holds no frame.
    pub async fn frame_owned_by(
        &self,
        frame: Option<&str>,
        script: &PageScript,
        arguments: &[serde_json::Value],
    ) -> Result<Option<String>, BrowserError> {
        let owner = self.call_script(frame, &[script], arguments, false).await?;
        let Some(object) = owner["objectId"].as_str() else {
            return Ok(None);
        };
        let described = self
            .call("DOM.describeNode", json!({ "objectId": object }))
            .await;
        // Released whatever describeNode said, and without waiting for the answer: the
        // handle pins nothing we need, and waiting cost each frame of a snapshot a round
        // trip.
        if let Ok(parts) = self.parts() {
            let page = parts.page.clone();
            let release = RawCommand::new("Runtime.releaseObject", json!({ "objectId": object }));
            tokio::spawn(async move {
                let _ = page.execute(release).await;
            });
        }
        Ok(described?["node"]["frameId"].as_str().map(str::to_owned))
    }

    /// Runs a Runtime command in our isolated world of `frame`, with the page `scripts`
    /// defined there, and returns the remote object it produced. Creates the world when
    /// the document has none (first use, or a navigation destroyed it).
    pub(super) async fn in_world(
        &self,
        frame: Option<&str>,
        scripts: &[&PageScript],
        method: &'static str,
        params: impl Fn(i64) -> serde_json::Value,
    ) -> Result<serde_json::Value, BrowserError> {
        let known = self
            .worlds()
            .get(&frame.map(str::to_owned))
            .map(|w| w.context);
        let context = match known {
            Some(context) => context,
            None => self.create_world(frame).await?,
        };
        let attempt = async |context: i64| {
            self.define(frame, context, scripts).await?;
            self.call(method, params(context)).await
        };
        let result = match attempt(context).await {
            // The world died with the document it belonged to ("Cannot find context",
            // "Inspected target navigated or closed"): make a new one, once.
            Err(BrowserError::Protocol(message))
                if message.contains("context") || message.contains("navigated") =>
            {
                let context = self.create_world(frame).await?;
                attempt(context).await?
            }
            other => other?,
        };
        script_value(result)
    }

    /// Defines in the world `context` of `frame` those of `scripts` it lacks.
    async fn define(
        &self,
        frame: Option<&str>,
        context: i64,
        scripts: &[&PageScript],
    ) -> Result<(), BrowserError> {
        let key = frame.map(str::to_owned);
        for script in scripts {
            let defined = self
                .worlds()
                .get(&key)
                .is_some_and(|w| w.context == context && w.defined.contains(script.name()));
            if defined {
                continue;
            }
            let result = self
                .call(
                    "Runtime.evaluate",
                    json!({ "expression": script.definition(), "contextId": context, "returnByValue": true }),
                )
                .await?;
            script_value(result)?;
            if let Some(world) = self.worlds().get_mut(&key) {
                if world.context == context {
                    world.defined.insert(script.name());
                }
            }
        }
        Ok(())
    }

    pub(super) fn worlds(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, World>> {
        self.worlds.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn create_world(&self, frame: Option<&str>) -> Result<i64, BrowserError> {
        let frame_id = match frame {
            Some(frame) => frame.to_owned(),
            None => {
                // A new main document has new frames: the other worlds went with the old.
                self.worlds().clear();
                let tree = self.call("Page.getFrameTree", json!({})).await?;
                tree["frameTree"]["frame"]["id"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        BrowserError::Protocol("frame tree without a main frame".into())
                    })?
            }
        };
        let world = self
            .call(
                "Page.createIsolatedWorld",
                // The protocol spells the parameter this way.
                json!({ "frameId": frame_id, "worldName": injected::WORLD_NAME, "grantUniveralAccess": true }),
            )
            .await?;
        let context = world["executionContextId"]
            .as_i64()
            .ok_or_else(|| BrowserError::Protocol("isolated world without a context".into()))?;
        self.worlds().insert(
            frame.map(str::to_owned),
            World {
                context,
                defined: HashSet::new(),
            },
        );
        Ok(context)
    }
}
