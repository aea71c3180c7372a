//! What a page is, in the words every room shares: its address and title, the kind of
//! page perception judged it to be, and the kind of an image scrape found on it.
//!
//! Owns only the values and their spelling on the wire (serde and the OpenAPI schema
//! name them as `API.md` does); how they are found is perception's and scrape's.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a page is, as a person sees it in the tab strip and the address bar.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PageInfo {
    pub url: String,
    pub title: String,
}

/// What kind of page this is, as Notte spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PageCategory {
    Homepage,
    SearchResults,
    DataFeed,
    Item,
    Auth,
    Form,
    ManageCookies,
    Payment,
    Captcha,
    Other,
}

impl PageCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            PageCategory::Homepage => "homepage",
            PageCategory::SearchResults => "search-results",
            PageCategory::DataFeed => "data-feed",
            PageCategory::Item => "item",
            PageCategory::Auth => "auth",
            PageCategory::Form => "form",
            PageCategory::ManageCookies => "manage-cookies",
            PageCategory::Payment => "payment",
            PageCategory::Captcha => "captcha",
            PageCategory::Other => "other",
        }
    }
}

/// What an image is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImageCategory {
    /// A small image: UI icon, favicon, emoji.
    Icon,
    /// A picture that belongs to the content.
    ContentImage,
    /// Decoration: empty alt text, `role="presentation"`, tracking pixels.
    Decorative,
    /// An inline `<svg>` of icon size (largest side ≤ 48).
    SvgIcon,
    /// A larger inline `<svg>` (chart, illustration, logo).
    SvgContent,
}
