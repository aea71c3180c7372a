//! The values of a session's files: a file's name (one plain name, never a path) and what
//! a listing says of a file.
//!
//! Owns what a valid name is. Where the files are kept and how they get there is the
//! operations room's (`ops/files.rs`); the front ends parse names into [`FileName`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// Longest file name, in bytes (what Linux file systems take).
const NAME_MAX: usize = 255;

/// The name of a file in a session's folder: one path component, so that it can never
/// name anything outside the folder (no `/`, `\`, NUL or other control character, not `.`
/// or `..`, not empty, at most 255 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileName(String);

impl FileName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name made from what a page or a browser suggests: characters a name may not hold
    /// are replaced, an empty or dotted result becomes `download`.
    pub fn sanitized(suggested: &str) -> Self {
        let cleaned: String = suggested
            .chars()
            .map(|c| {
                if c == '/' || c == '\\' || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let mut cleaned = cleaned.trim().to_string();
        while cleaned.len() > NAME_MAX {
            cleaned.pop();
        }
        match cleaned.parse() {
            Ok(name) => name,
            Err(_) => Self("download".into()),
        }
    }

    /// The `n`th alternative to this name, for a name already taken: `report (1).pdf`.
    pub fn numbered(&self, n: u32) -> Self {
        let (stem, extension) = match self.0.rfind('.') {
            Some(dot) if dot > 0 => self.0.split_at(dot),
            _ => (self.0.as_str(), ""),
        };
        let suffix = format!(" ({n}){extension}");
        let mut stem = stem.to_string();
        while stem.len() + suffix.len() > NAME_MAX {
            stem.pop();
        }
        Self(format!("{stem}{suffix}"))
    }
}

impl FromStr for FileName {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name.is_empty() {
            return Err("a file name must not be empty".into());
        }
        if name.len() > NAME_MAX {
            return Err(format!("a file name is at most {NAME_MAX} bytes"));
        }
        if name == "." || name == ".." {
            return Err(format!("{name:?} is not a file name"));
        }
        if name.contains('/') || name.contains('\\') {
            return Err(format!(
                "{name:?} is a path: give a plain file name, without `/` or `\\`"
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("a file name must not hold NUL or other control characters".into());
        }
        Ok(Self(name.to_string()))
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One file of a session's folder, downloaded or uploaded.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionFile {
    pub name: FileName,
    pub size: u64,
    /// The media type its name suggests (`application/octet-stream` when none does).
    pub media_type: String,
    pub modified_at: DateTime<Utc>,
}

/// How a download the page started ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadState {
    /// Saved in the session's folder under `name`.
    Saved,
    /// The page or the browser cancelled it.
    Canceled,
    /// It would have taken the session's files over their cap; nothing was kept.
    OverCap,
}

/// A download the page started, once it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub name: FileName,
    pub size: u64,
    pub url: String,
    pub state: DownloadState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "/etc/passwd",
            "a\\b",
            "nul\0byte",
            "line\nbreak",
        ] {
            assert!(bad.parse::<FileName>().is_err(), "{bad:?} accepted");
        }
        assert!("x".repeat(256).parse::<FileName>().is_err());
        for good in ["report.pdf", "..hidden", "a b (1).txt", "été.csv", ".env"] {
            assert_eq!(good.parse::<FileName>().unwrap().as_str(), good);
        }
    }

    #[test]
    fn suggested_names_are_cleaned_and_numbered() {
        assert_eq!(
            FileName::sanitized("../../etc/passwd").as_str(),
            ".._.._etc_passwd"
        );
        assert_eq!(FileName::sanitized("  ").as_str(), "download");
        assert_eq!(FileName::sanitized("..").as_str(), "download");
        let name: FileName = "report.pdf".parse().unwrap();
        assert_eq!(name.numbered(1).as_str(), "report (1).pdf");
        let bare: FileName = "README".parse().unwrap();
        assert_eq!(bare.numbered(2).as_str(), "README (2)");
        let dotted: FileName = ".env".parse().unwrap();
        assert_eq!(dotted.numbered(1).as_str(), ".env (1)");
        let long: FileName = format!("{}.txt", "x".repeat(251)).parse().unwrap();
        assert!(long.numbered(10).as_str().len() <= 255);
    }
}
