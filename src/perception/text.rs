//! Small text helpers shared by perception: whitespace folding, cutting on char
//! boundaries, URL host extraction, slugs.
//!
//! Owns: pure string utilities. Does not own: any decision about what to list or say.

/// Collapse runs of whitespace into one space and trim.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{200b}' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// At most `max` characters, with an ellipsis when cut (never splits a char).
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    while out.ends_with(' ') {
        out.pop();
    }
    out.push('…');
    out
}

/// Lower-case alphanumeric key for comparing names loosely.
pub fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Scheme of an absolute URL (`https`), if any.
pub fn scheme(url: &str) -> Option<String> {
    let i = url.find(':')?;
    let s = &url[..i];
    (!s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| s.to_ascii_lowercase())
}

/// Host of an absolute (`https://h/…`) or protocol-relative (`//h/…`) URL, lower-case,
/// without port, user info or a leading `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = if let Some(r) = url.strip_prefix("//") {
        r
    } else {
        let i = url.find("://")?;
        let sch = &url[..i];
        if sch.is_empty()
            || !sch
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return None;
        }
        &url[i + 3..]
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut h = &rest[..end];
    if let Some(at) = h.rfind('@') {
        h = &h[at + 1..];
    }
    if !h.starts_with('[') {
        if let Some(c) = h.find(':') {
            h = &h[..c];
        }
    }
    let h = h.trim_end_matches('.').to_ascii_lowercase();
    let h = h.strip_prefix("www.").unwrap_or(&h).to_string();
    (!h.is_empty()).then_some(h)
}

/// Path of an absolute or relative URL (no query / fragment).
pub fn path(url: &str) -> String {
    let rest = if let Some(r) = url.strip_prefix("//") {
        r.find('/').map(|i| &r[i..]).unwrap_or("/")
    } else if let Some(i) = url.find("://") {
        let r = &url[i + 3..];
        r.find('/').map(|i| &r[i..]).unwrap_or("/")
    } else {
        url
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest[..end].to_string()
}

/// Query part (without `?`), if any.
pub fn query(url: &str) -> &str {
    let q = match url.find('?') {
        Some(i) => &url[i + 1..],
        None => return "",
    };
    q.split('#').next().unwrap_or("")
}

/// `snake_case` identifier from free text (ASCII letters/digits), at most 30 chars.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        if out.len() >= 30 {
            break;
        }
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_cuts() {
        assert_eq!(fold("  a \n\t b  "), "a b");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("äöüß", 4), "äöüß");
        assert_eq!(cut("ab  cdef", 4), "ab…");
        assert_eq!(key("Sign-in Now!"), "signinnow");
    }

    #[test]
    fn hosts_and_paths() {
        assert_eq!(
            host("https://www.Example.com:8080/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(host("//cdn.x.org/p").as_deref(), Some("cdn.x.org"));
        assert_eq!(host("/relative/path"), None);
        assert_eq!(host("mailto:a@b.c"), None);
        assert_eq!(host("http://u:p@h.io"), Some("h.io".into()));
        assert_eq!(path("https://a.b/c/d?x=1#f"), "/c/d");
        assert_eq!(path("https://a.b"), "/");
        assert_eq!(path("/x?y"), "/x");
        assert_eq!(query("https://a.b/s?q=rust#top"), "q=rust");
        assert_eq!(scheme("mailto:a@b").as_deref(), Some("mailto"));
        assert_eq!(slug("E-mail address (work)"), "e_mail_address_work");
    }
}
