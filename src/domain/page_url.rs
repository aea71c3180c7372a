//! [`PageUrl`]: a URL a session may navigate to.
//!
//! Only `http:` and `https:` pages (and `about:blank`) are allowed: `file:` would read the
//! server's disk, `chrome:` its browser internals, and `javascript:`, `data:` and
//! `view-source:` would run or show what no page served.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUrl(url::Url);

impl PageUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl FromStr for PageUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let url = url::Url::parse(text).map_err(|e| {
            format!(
                "{text:?} is not a valid absolute URL ({e}); give one like https://example.com/"
            )
        })?;
        match url.scheme() {
            "http" | "https" if url.host().is_some() => Ok(Self(url)),
            "about" if url.path() == "blank" => Ok(Self(url)),
            scheme => Err(format!(
                "{scheme}: URLs are not allowed; only http:, https: and about:blank"
            )),
        }
    }
}

impl fmt::Display for PageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_pages_and_the_blank_page_are_allowed() {
        for ok in [
            "http://127.0.0.1:8080/a?b#c",
            "https://example.com",
            "about:blank",
            " HTTPS://EXAMPLE.COM/ ",
        ] {
            assert!(ok.parse::<PageUrl>().is_ok(), "{ok}");
        }
        for bad in [
            "file:///etc/passwd",
            "chrome://settings",
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "view-source:https://example.com",
            "about:config",
            "example.com",
            "",
            "http://",
        ] {
            assert!(bad.parse::<PageUrl>().is_err(), "{bad}");
        }
    }
}
