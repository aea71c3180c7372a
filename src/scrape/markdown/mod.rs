//! Markdown output of a (pruned) DOM subtree, and markdown → plain text.
//!
//! Owns: the markdown syntax of each element (headings, paragraphs, nested lists,
//! tables, block quotes, fenced code with language, links, images, emphasis),
//! whitespace collapsing, escaping (tables: `table.rs`), and `markdown_to_text` (`text.rs`). Does not own: what is
//! visible or main content (it renders what `extract.rs` left unskipped) or URL
//! resolution rules (`urls.rs`).

mod table;
mod text;

pub use text::markdown_to_text;

use super::dom::{Data, Dom};
use super::extract::is_block;
use super::urls::{for_markdown, Base};

pub(super) struct Renderer<'a> {
    pub dom: &'a Dom<'a>,
    pub skip: &'a [bool],
    pub base: &'a Base,
}

#[derive(Default)]
struct Out {
    blocks: Vec<String>,
    inline: String,
    /// Inside a link, table cell or emphasis: blocks are joined by spaces, no block syntax.
    flat: bool,
    /// Length of `inline` right after the last link, to tell links that touch.
    link_end: Option<usize>,
    /// Length of `inline` at the last edge of an inline element.
    seam: Option<usize>,
}

impl Out {
    fn flat() -> Self {
        Out {
            flat: true,
            ..Out::default()
        }
    }

    fn space(&mut self) {
        match self.inline.chars().next_back() {
            Some(' ') | Some('\n') => {}
            None if !self.flat => {}
            _ => self.inline.push(' '),
        }
    }

    /// Appends text, collapsing whitespace and escaping what markdown would read as
    /// syntax (only where it could be: `2 * 3`, `C:\dir` and `1 < 2` stay as written).
    fn text(&mut self, t: &str) {
        // Two inline elements glued as "PartLifetime" are two labels that the page's
        // styles set apart; a word is not split by markup at a lowercase-uppercase turn.
        if self.seam == Some(self.inline.len())
            && self
                .inline
                .chars()
                .next_back()
                .is_some_and(char::is_lowercase)
            && t.chars().next().is_some_and(char::is_uppercase)
        {
            self.inline.push(' ');
        }
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{200b}' || c == '\u{feff}' {
                continue;
            }
            if c.is_whitespace() {
                self.space();
                continue;
            }
            let next = chars.peek().copied();
            let escape = match c {
                '`' | '[' | ']' => true,
                '*' => {
                    let prev_space = self
                        .inline
                        .chars()
                        .next_back()
                        .is_none_or(|p| p == ' ' || p == '\n');
                    !(prev_space && next.is_some_and(char::is_whitespace))
                }
                '\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
                '<' => next.is_none_or(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
                '_' => !self
                    .inline
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_alphanumeric()),
                _ => false,
            };
            if escape {
                self.inline.push('\\');
            }
            self.inline.push(c);
        }
    }

    /// Raw markdown, no escaping.
    fn raw(&mut self, s: &str) {
        self.inline.push_str(s);
    }

    fn line_break(&mut self) {
        if self.flat {
            self.space();
            return;
        }
        while self.inline.ends_with(' ') {
            self.inline.pop();
        }
        if !self.inline.is_empty() && !self.inline.ends_with('\n') {
            self.inline.push('\n');
        }
    }

    fn flush(&mut self) {
        if self.flat {
            self.space();
            return;
        }
        if self.inline.is_empty() {
            return;
        }
        self.link_end = None;
        let inline = std::mem::take(&mut self.inline);
        let mut block = String::with_capacity(inline.len());
        for line in inline.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if !block.is_empty() {
                block.push('\n');
            }
            if self.flat {
                block.push_str(line);
            } else {
                block.push_str(&escape_line_start(line));
            }
        }
        if !block.is_empty() {
            self.blocks.push(block);
        }
    }

    fn block(&mut self, b: String) {
        if self.flat {
            self.space();
            self.inline.push_str(&b);
            self.space();
            return;
        }
        self.flush();
        if !b.trim().is_empty() {
            self.blocks.push(b);
        }
    }

    /// The output; for a flat `Out`, its one line with edge spaces kept.
    fn finish(mut self, sep: &str) -> String {
        if self.flat {
            return self.inline;
        }
        self.flush();
        self.blocks.join(sep)
    }
}

/// A line starting with block syntax would change meaning: escape that syntax.
fn escape_line_start(line: &str) -> String {
    let b = line.as_bytes();
    match b.first() {
        Some(b'#') | Some(b'>') | Some(b'|') => format!("\\{line}"),
        Some(b'-') | Some(b'+') | Some(b'=')
            if b.len() == 1 || b.get(1) == Some(&b' ') || b.iter().all(|&c| c == b[0]) =>
        {
            format!("\\{line}")
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if matches!(b.get(digits), Some(b'.') | Some(b')'))
                && matches!(b.get(digits + 1), None | Some(b' '))
            {
                format!("{}\\{}", &line[..digits], &line[digits..])
            } else {
                line.to_string()
            }
        }
        _ => line.to_string(),
    }
}

fn heading_level(tag: &str) -> Option<usize> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

impl Renderer<'_> {
    pub fn render(&self, root: u32) -> String {
        let mut out = Out::default();
        self.node(root, &mut out);
        out.flush();
        // A rule at either end separates nothing.
        while out.blocks.last().is_some_and(|b| b == "---") {
            out.blocks.pop();
        }
        let lead = out.blocks.iter().take_while(|b| *b == "---").count();
        out.blocks.drain(..lead);
        out.finish("\n\n").trim().to_string()
    }

    fn children(&self, id: u32, out: &mut Out) {
        for c in self.dom.children(id) {
            self.node(c, out);
        }
    }

    fn node(&self, id: u32, out: &mut Out) {
        if self.skip.get(id as usize).copied().unwrap_or(true) {
            return;
        }
        let tag = match &self.dom.nodes[id as usize].data {
            Data::Text(t) => {
                out.text(t);
                return;
            }
            Data::Document => {
                self.children(id, out);
                return;
            }
            Data::Element { name, .. } => &**name,
        };
        match tag {
            "br" => out.line_break(),
            "hr" => {
                if out.flat {
                    out.space();
                } else {
                    out.block("---".into());
                }
            }
            "img" => self.image(id, out),
            "a" => self.link(id, out),
            "em" | "i" | "cite" | "dfn" | "var" => self.wrap(id, out, "*"),
            "strong" | "b" => self.wrap(id, out, "**"),
            "del" | "s" | "strike" => self.wrap(id, out, "~~"),
            "code" | "kbd" | "samp" | "tt" => self.inline_code(id, out),
            "pre" | "listing" => self.pre(id, out),
            "ul" | "ol" | "menu" if !out.flat => self.list(id, out, tag == "ol"),
            "blockquote" if !out.flat => {
                let mut sub = Out::default();
                self.children(id, &mut sub);
                let body = sub.finish("\n\n");
                if !body.is_empty() {
                    let quoted: Vec<String> = body
                        .lines()
                        .map(|l| {
                            if l.is_empty() {
                                ">".to_string()
                            } else {
                                format!("> {l}")
                            }
                        })
                        .collect();
                    out.block(quoted.join("\n"));
                }
            }
            "table" if !out.flat => self.table(id, out),
            "dt" if !out.flat => {
                out.flush();
                let t = self.flat_text(id);
                if !t.is_empty() {
                    out.block(format!("**{t}**"));
                }
            }
            _ => {
                if let Some(level) = heading_level(tag) {
                    if out.flat {
                        out.space();
                        self.children(id, out);
                        out.space();
                    } else {
                        out.flush();
                        let t = self.flat_text(id);
                        if !t.is_empty() {
                            out.block(format!("{} {}", "#".repeat(level), t));
                        }
                    }
                } else if is_block(tag) {
                    if out.flat {
                        out.space();
                        self.children(id, out);
                        out.space();
                    } else {
                        out.flush();
                        self.children(id, out);
                        out.flush();
                    }
                } else {
                    out.seam = Some(out.inline.len());
                    self.children(id, out);
                    out.seam = Some(out.inline.len());
                }
            }
        }
    }

    /// The children of `id` as one line of inline markdown.
    fn flat_text(&self, id: u32) -> String {
        let mut sub = Out::flat();
        self.children(id, &mut sub);
        let s = sub.finish(" ");
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn wrap(&self, id: u32, out: &mut Out, mark: &str) {
        let mut sub = Out::flat();
        self.children(id, &mut sub);
        let inner = sub.finish(" ");
        let core = inner.trim();
        if inner.starts_with(' ') {
            out.space();
        }
        if !core.is_empty() {
            if core.contains(mark) || core.starts_with('!') && mark == "*" {
                out.raw(core);
            } else {
                out.raw(mark);
                out.raw(core);
                out.raw(mark);
            }
        }
        if inner.ends_with(' ') && !core.is_empty() {
            out.space();
        }
    }

    fn inline_code(&self, id: u32, out: &mut Out) {
        let mut text = String::new();
        self.raw_text(id, &mut text);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        let mut longest = 0;
        let mut run = 0;
        for c in text.chars() {
            if c == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        let fence = "`".repeat(longest + 1);
        let pad = if text.starts_with('`') || text.ends_with('`') {
            " "
        } else {
            ""
        };
        out.raw(&format!("{fence}{pad}{text}{pad}{fence}"));
    }

    fn raw_text(&self, id: u32, buf: &mut String) {
        for c in self.dom.children(id) {
            if self.skip.get(c as usize).copied().unwrap_or(true) {
                continue;
            }
            match &self.dom.nodes[c as usize].data {
                Data::Text(t) => buf.push_str(t),
                Data::Element { name, .. } => {
                    if &**name == "br" {
                        buf.push('\n');
                    } else {
                        let block = is_block(name) && !buf.is_empty() && !buf.ends_with('\n');
                        if block {
                            buf.push('\n');
                        }
                        self.raw_text(c, buf);
                    }
                }
                Data::Document => {}
            }
        }
    }

    fn pre(&self, id: u32, out: &mut Out) {
        let mut text = String::new();
        self.raw_text(id, &mut text);
        let text = text.replace("\r\n", "\n").replace('\u{a0}', " ");
        let body: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
        let first = body.iter().position(|l| !l.is_empty());
        let last = body.iter().rposition(|l| !l.is_empty());
        let (Some(first), Some(last)) = (first, last) else {
            return;
        };
        // Keep the code as written, but never more than one blank line in a row.
        let mut code = String::new();
        let mut prev_blank = false;
        for l in &body[first..=last] {
            if l.is_empty() && prev_blank {
                continue;
            }
            prev_blank = l.is_empty();
            if !code.is_empty() || l.is_empty() {
                code.push('\n');
            }
            code.push_str(l);
        }
        if out.flat {
            out.text(&code);
            return;
        }
        let lang = self.code_language(id);
        let mut fence = "```".to_string();
        while code.contains(fence.as_str()) {
            fence.push('`');
        }
        out.block(format!("{fence}{lang}\n{code}\n{fence}"));
    }

    fn code_language(&self, pre: u32) -> String {
        let mut ids = vec![pre];
        ids.extend(
            self.dom
                .children(pre)
                .filter(|&c| self.dom.tag(c) == "code"),
        );
        if let Some(p) = Some(self.dom.parent(pre)).filter(|&p| p != u32::MAX) {
            ids.push(p);
        }
        for id in ids {
            for attr in ["data-lang", "data-language", "lang"] {
                if let Some(v) = self.dom.attr(id, attr) {
                    if let Some(l) = clean_lang(v) {
                        return l;
                    }
                }
            }
            if let Some(class) = self.dom.attr(id, "class") {
                for c in class.split_ascii_whitespace() {
                    for prefix in [
                        "language-",
                        "lang-",
                        "highlight-source-",
                        "highlight-",
                        "brush:",
                    ] {
                        if let Some(rest) = c.strip_prefix(prefix) {
                            if let Some(l) = clean_lang(rest) {
                                return l;
                            }
                        }
                    }
                }
            }
        }
        String::new()
    }

    fn link(&self, id: u32, out: &mut Out) {
        let href = self.dom.attr(id, "href").unwrap_or("");
        let url = if href.trim_start().starts_with('#') {
            None
        } else {
            self.base.resolve(href)
        };
        let mut sub = Out::flat();
        self.children(id, &mut sub);
        let inner = sub.finish(" ");
        let mut text = inner.trim().to_string();
        if text.is_empty() && url.is_some() {
            // An icon link: its accessible name is the only text it has.
            if let Some(label) = ["aria-label", "title"]
                .iter()
                .find_map(|a| self.dom.attr(id, a).filter(|v| !v.trim().is_empty()))
            {
                let mut l = Out::flat();
                l.text(label);
                text = l.finish(" ").trim().to_string();
            }
        }
        let text = text.as_str();
        // Links written back to back (tag lists, menus) are separate items, which the
        // page's styles space apart.
        let touching = out.link_end == Some(out.inline.len());
        if inner.starts_with(' ') || (touching && !text.is_empty()) {
            out.space();
        }
        match url {
            Some(u) if !text.is_empty() => {
                out.raw("[");
                out.raw(text);
                out.raw("](");
                out.raw(&for_markdown(&u));
                out.raw(")");
            }
            _ => out.raw(text),
        }
        if inner.ends_with(' ') && !text.is_empty() {
            out.space();
        }
        out.link_end = Some(out.inline.len());
    }

    fn image(&self, id: u32, out: &mut Out) {
        let Some(src) = super::images::image_source(self.dom, id) else {
            return;
        };
        let Some(url) = self.base.resolve(src) else {
            return;
        };
        if url.starts_with("data:") {
            return;
        }
        let alt = self
            .dom
            .attr(id, "alt")
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let alt = alt.replace(['[', ']'], "");
        out.raw(&format!("![{alt}]({})", for_markdown(&url)));
    }

    fn list(&self, id: u32, out: &mut Out, ordered: bool) {
        out.flush();
        let mut n: usize = self
            .dom
            .attr(id, "start")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        let mut items: Vec<String> = Vec::new();
        let mut loose = Out::flat();
        for c in self.dom.children(id) {
            if self.skip.get(c as usize).copied().unwrap_or(true) {
                continue;
            }
            let is_item = self.dom.tag(c) == "li";
            if !is_item {
                // Stray content between items.
                self.node(c, &mut loose);
                continue;
            }
            let mut sub = Out::default();
            self.children(c, &mut sub);
            let body = sub.finish("\n");
            if body.trim().is_empty() {
                continue;
            }
            let marker = if ordered {
                format!("{n}. ")
            } else {
                "- ".to_string()
            };
            n = n.saturating_add(1);
            let indent = " ".repeat(marker.len());
            let mut item = String::new();
            for (k, line) in body.lines().enumerate() {
                if k == 0 {
                    item.push_str(&marker);
                    item.push_str(line);
                } else {
                    item.push('\n');
                    if !line.is_empty() {
                        item.push_str(&indent);
                        item.push_str(line);
                    }
                }
            }
            items.push(item);
        }
        let stray = loose.finish(" ");
        if !stray.trim().is_empty() {
            items.push(format!("- {}", stray.trim()));
        }
        if !items.is_empty() {
            out.block(items.join("\n"));
        }
    }
}

fn clean_lang(v: &str) -> Option<String> {
    let l: String = v
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_'))
        .collect();
    let l = l.to_ascii_lowercase();
    if l.is_empty()
        || matches!(
            l.as_str(),
            "none" | "text" | "plain" | "plaintext" | "nohighlight"
        )
    {
        None
    } else {
        Some(l)
    }
}
