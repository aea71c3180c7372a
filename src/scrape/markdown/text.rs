//! Markdown back to plain text: what a reader of the page would read, without the syntax
//! (for the extraction benchmarks, which score text).

/// Plain text of markdown: syntax, link targets and images removed, escapes undone.
pub fn markdown_to_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut in_fence = false;
    for line in markdown.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut t = t;
        loop {
            let before = t;
            t = t.trim_start_matches('>').trim_start();
            if let Some(rest) = t
                .strip_prefix("- ")
                .or_else(|| t.strip_prefix("* "))
                .or_else(|| t.strip_prefix("+ "))
            {
                t = rest.trim_start();
            }
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0
                && digits < 10
                && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
            {
                t = t[digits + 2..].trim_start();
            }
            if t == before {
                break;
            }
        }
        let hashes = t.bytes().take_while(|&b| b == b'#').count();
        if hashes > 0 && hashes <= 6 && (t.len() == hashes || t.as_bytes()[hashes] == b' ') {
            t = t[hashes..].trim();
        }
        if t.chars()
            .all(|c| matches!(c, '-' | '|' | ':' | ' ' | '*' | '_' | '='))
        {
            out.push('\n');
            continue;
        }
        let mut text = inline_to_text(t);
        if text.contains('|') {
            text = text
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
        }
        out.push_str(text.trim());
        out.push('\n');
    }
    let mut res = String::with_capacity(out.len());
    let mut blank = 0;
    for l in out.lines() {
        if l.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !res.is_empty() {
            res.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        res.push_str(l);
    }
    res
}

fn inline_to_text(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        match ch {
            '\\' if i + 1 < c.len() && c[i + 1].is_ascii_punctuation() => {
                out.push(c[i + 1]);
                i += 2;
            }
            '!' if c.get(i + 1) == Some(&'[') => {
                if let Some((_, end)) = bracket_link(&c, i + 1) {
                    i = end;
                } else {
                    out.push('!');
                    i += 1;
                }
            }
            '[' => {
                if let Some((text_end, end)) = bracket_link(&c, i) {
                    let inner: String = c[i + 1..text_end].iter().collect();
                    out.push_str(&inline_to_text(&inner));
                    i = end;
                } else {
                    out.push('[');
                    i += 1;
                }
            }
            '<' => {
                let close = c[i..].iter().position(|&x| x == '>');
                let inner: String = close
                    .map(|e| c[i + 1..i + e].iter().collect())
                    .unwrap_or_default();
                if close.is_some()
                    && (inner.starts_with("http://")
                        || inner.starts_with("https://")
                        || inner.starts_with("mailto:"))
                    && !inner.contains(' ')
                {
                    i += close.unwrap_or(0) + 1;
                } else {
                    out.push('<');
                    i += 1;
                }
            }
            '*' if (i == 0 || c[i - 1].is_whitespace())
                && c.get(i + 1).is_none_or(|n| n.is_whitespace()) =>
            {
                out.push('*');
                i += 1;
            }
            '*' | '`' => i += 1,
            '~' if c.get(i + 1) == Some(&'~') => i += 2,
            _ => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// For `[text](url)` starting at `open`: (index of `]`, index after `)`).
fn bracket_link(c: &[char], open: usize) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut k = open;
    while k < c.len() {
        match c[k] {
            '\\' => k += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        k += 1;
    }
    if k >= c.len() || c.get(k + 1) != Some(&'(') {
        return None;
    }
    let mut j = k + 2;
    let mut pd = 1;
    while j < c.len() {
        match c[j] {
            '(' => pd += 1,
            ')' => {
                pd -= 1;
                if pd == 0 {
                    return Some((k, j + 1));
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}
