//! A raw CDP command (method name + JSON params) for methods whose generated types in
//! chromiumoxide lag behind the Chromium we run.

use std::borrow::Cow;

use chromiumoxide::types::{Command, Method, MethodId};
use serde::Serialize;

#[derive(Debug, Clone)]
pub(super) struct RawCommand {
    method: &'static str,
    params: serde_json::Value,
}

impl RawCommand {
    pub(super) fn new(method: &'static str, params: serde_json::Value) -> Self {
        Self { method, params }
    }
}

impl Serialize for RawCommand {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.params.serialize(serializer)
    }
}

impl Method for RawCommand {
    fn identifier(&self) -> MethodId {
        Cow::Borrowed(self.method)
    }
}

impl Command for RawCommand {
    type Response = serde_json::Value;
}
