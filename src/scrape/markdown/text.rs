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

/// Inline markdown to text: escapes undone, emphasis marks and link targets dropped, a
/// link's text kept. One pass over the line with every bracket's and parenthesis's match
/// found beforehand, so that no input (a line of a million `[` or `<`) costs more than
/// linear time or any stack.
fn inline_to_text(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let pairs = Pairs::of(&c);
    let mut out = String::with_capacity(s.len());
    // The ends of the links being read: at a link text's `]`, skip to after its `)`.
    let mut links: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if let Some(&(text_end, end)) = links.last() {
            if i >= text_end {
                links.pop();
                i = end;
                continue;
            }
        }
        let ch = c[i];
        match ch {
            '\\' if i + 1 < c.len() && c[i + 1].is_ascii_punctuation() => {
                out.push(c[i + 1]);
                i += 2;
            }
            '!' if c.get(i + 1) == Some(&'[') => {
                if let Some((_, end)) = pairs.link(&c, i + 1) {
                    i = end;
                } else {
                    out.push('!');
                    i += 1;
                }
            }
            '[' => {
                if let Some(link) = pairs.link(&c, i) {
                    links.push(link);
                } else {
                    out.push('[');
                }
                i += 1;
            }
            '<' => {
                // An autolink holds no space and no other `<`: the look-ahead stops there.
                let close = c[i + 1..]
                    .iter()
                    .position(|&x| x == '>' || x == '<' || x.is_whitespace())
                    .filter(|&e| c[i + 1 + e] == '>');
                let inner: String = close
                    .map(|e| c[i + 1..i + 1 + e].iter().collect())
                    .unwrap_or_default();
                if close.is_some()
                    && (inner.starts_with("http://")
                        || inner.starts_with("https://")
                        || inner.starts_with("mailto:"))
                {
                    i += close.unwrap_or(0) + 2;
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

/// Where each `[` and `(` of a line closes, found in one pass.
struct Pairs {
    bracket: Vec<usize>,
    paren: Vec<usize>,
}

impl Pairs {
    const OPEN: usize = usize::MAX;

    fn of(c: &[char]) -> Self {
        let mut bracket = vec![Self::OPEN; c.len()];
        let mut paren = vec![Self::OPEN; c.len()];
        let (mut brackets, mut parens) = (Vec::new(), Vec::new());
        let mut escaped = false;
        for (k, &ch) in c.iter().enumerate() {
            match ch {
                '(' => parens.push(k),
                ')' => {
                    if let Some(open) = parens.pop() {
                        paren[open] = k;
                    }
                }
                _ => {}
            }
            if escaped {
                escaped = false;
                continue;
            }
            match ch {
                '\\' => escaped = true,
                '[' => brackets.push(k),
                ']' => {
                    if let Some(open) = brackets.pop() {
                        bracket[open] = k;
                    }
                }
                _ => {}
            }
        }
        Pairs { bracket, paren }
    }

    /// For `[text](url)` starting at `open`: (index of `]`, index after `)`).
    fn link(&self, c: &[char], open: usize) -> Option<(usize, usize)> {
        let close = *self.bracket.get(open).filter(|&&k| k != Self::OPEN)?;
        if c.get(close + 1) != Some(&'(') {
            return None;
        }
        let end = *self.paren.get(close + 1).filter(|&&k| k != Self::OPEN)?;
        Some((close, end + 1))
    }
}
