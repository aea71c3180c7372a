//! A key a person presses, named as `KeyboardEvent.key` names it (`Enter`, `Tab`,
//! `ArrowDown`, `a`): parsed once at the edge, pressed by the browser room.

use std::fmt;

/// Keys with a name of their own, and the Windows virtual key code pages read from
/// `keyCode` and `which`.
const NAMED: &[(&str, u32)] = &[
    ("Backspace", 8),
    ("Tab", 9),
    ("Enter", 13),
    ("Shift", 16),
    ("Control", 17),
    ("Alt", 18),
    ("Escape", 27),
    ("PageUp", 33),
    ("PageDown", 34),
    ("End", 35),
    ("Home", 36),
    ("ArrowLeft", 37),
    ("ArrowUp", 38),
    ("ArrowRight", 39),
    ("ArrowDown", 40),
    ("Delete", 46),
];

/// A key: one of the named keys, or one character a keyboard types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyName(String);

impl KeyName {
    /// The key `name` names (`Space` and `Esc` as `" "` and `Escape`; a letter of any
    /// case), or a message listing what a key can be.
    pub fn parse(name: &str) -> Result<Self, String> {
        let name = match name {
            "Space" | "space" => " ",
            "Esc" | "esc" => "Escape",
            "Return" | "return" | "enter" => "Enter",
            other => other,
        };
        if NAMED
            .iter()
            .any(|(named, _)| named.eq_ignore_ascii_case(name))
        {
            let canonical = NAMED
                .iter()
                .find(|(named, _)| named.eq_ignore_ascii_case(name))
                .map(|(named, _)| *named)
                .unwrap_or(name);
            return Ok(Self(canonical.to_owned()));
        }
        let mut chars = name.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => Ok(Self(c.to_string())),
            _ => Err(format!(
                "`{name}` is not a key: use one character or one of {}",
                NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the key types, if anything (a character; Enter a line break).
    pub fn text(&self) -> Option<&str> {
        match self.0.as_str() {
            "Enter" => Some("\r"),
            "Tab" => None,
            key if key.chars().count() == 1 => Some(key),
            _ => None,
        }
    }

    /// The Windows virtual key code of the key (0 for characters without one).
    pub fn key_code(&self) -> u32 {
        virtual_key_code(&self.0)
    }

    /// `KeyboardEvent.code` of the key on a US keyboard, as near as a name tells it.
    pub fn code(&self) -> String {
        match self.0.chars().next() {
            Some(c) if self.0.chars().count() == 1 && c.is_ascii_alphabetic() => {
                format!("Key{}", c.to_ascii_uppercase())
            }
            Some(c) if self.0.chars().count() == 1 && c.is_ascii_digit() => format!("Digit{c}"),
            Some(' ') => "Space".into(),
            _ if self.0.chars().count() == 1 => String::new(),
            _ => self.0.clone(),
        }
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Windows virtual key code of a key named as `KeyboardEvent.key` names it.
pub fn virtual_key_code(key: &str) -> u32 {
    if let Some((_, code)) = NAMED.iter().find(|(named, _)| *named == key) {
        return *code;
    }
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(' '), None) => 32,
        (Some(c), None) if c.is_ascii_alphanumeric() => c.to_ascii_uppercase() as u32,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_by_name_or_character() {
        assert_eq!(KeyName::parse("enter").unwrap().as_str(), "Enter");
        assert_eq!(KeyName::parse("arrowdown").unwrap().as_str(), "ArrowDown");
        assert_eq!(KeyName::parse("Space").unwrap().key_code(), 32);
        assert_eq!(KeyName::parse("a").unwrap().code(), "KeyA");
        assert_eq!(KeyName::parse("a").unwrap().key_code(), 65);
        assert!(KeyName::parse("Hyper").is_err());
        assert!(KeyName::parse("").is_err());
        assert!(KeyName::parse("\u{7}").is_err());
    }
}
