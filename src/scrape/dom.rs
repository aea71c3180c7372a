//! A small arena DOM and a fast, forgiving HTML parser that builds it.
//!
//! Owns: tokenising (tags, attributes, comments, raw-text elements, of which only the
//! text of `title`, `textarea` and JSON-LD scripts is kept), the simplified
//! tree-construction rules that matter for text (void elements, implied end tags of
//! `p`/`li`/`td`/…, stray end tags ignored, a nesting-depth cap), and node access.
//! Does not own: entity tables (`entities.rs`), deciding what is visible or main
//! content (`extract.rs`), or any output format (`markdown.rs`).
//!
//! Nodes are stored in document order, so a parent always has a smaller index than
//! its children: a forward loop over the arena is a top-down pass and a backward
//! loop is a bottom-up pass, with no recursion.

use std::borrow::Cow;

use super::entities;

pub(super) const NONE: u32 = u32::MAX;
/// Deeper elements are attached to the deepest allowed one (keeps every walk shallow).
const MAX_DEPTH: usize = 400;
/// How many open elements an implied or explicit end tag looks through.
const SCOPE_LIMIT: usize = 48;

/// Names, attribute values and text borrow from the input unless they had to be
/// lowercased or entity-decoded.
pub(super) enum Data<'a> {
    Document,
    Element {
        name: Cow<'a, str>,
        attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    },
    Text(Cow<'a, str>),
}

pub(super) struct Node<'a> {
    pub data: Data<'a>,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next: u32,
}

pub(super) struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
}

impl<'a> Dom<'a> {
    fn new() -> Self {
        Dom {
            nodes: vec![Node {
                data: Data::Document,
                parent: NONE,
                first_child: NONE,
                last_child: NONE,
                next: NONE,
            }],
        }
    }

    fn append(&mut self, parent: u32, data: Data<'a>) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node {
            data,
            parent,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
        });
        let p = &mut self.nodes[parent as usize];
        if p.last_child == NONE {
            p.first_child = id;
        } else {
            let last = p.last_child as usize;
            p.last_child = id;
            self.nodes[last].next = id;
            return id;
        }
        p.last_child = id;
        id
    }

    fn append_text(&mut self, parent: u32, raw: &'a str, decode: bool) {
        if raw.is_empty() {
            return;
        }
        let decode = decode && raw.contains('&');
        let last = self.nodes[parent as usize].last_child;
        if last != NONE {
            if let Data::Text(t) = &mut self.nodes[last as usize].data {
                let t = t.to_mut();
                if decode {
                    entities::decode_into(raw, t);
                } else {
                    t.push_str(raw);
                }
                return;
            }
        }
        let text = if decode {
            Cow::Owned(entities::decode(raw))
        } else {
            Cow::Borrowed(raw)
        };
        self.append(parent, Data::Text(text));
    }

    /// Tag name of an element, "" for text and the document.
    pub fn tag(&self, id: u32) -> &str {
        match &self.nodes[id as usize].data {
            Data::Element { name, .. } => name,
            _ => "",
        }
    }

    pub fn attr(&self, id: u32, name: &str) -> Option<&str> {
        match &self.nodes[id as usize].data {
            Data::Element { attrs, .. } => {
                attrs.iter().find(|(k, _)| &**k == name).map(|(_, v)| &**v)
            }
            _ => None,
        }
    }

    pub fn text(&self, id: u32) -> Option<&str> {
        match &self.nodes[id as usize].data {
            Data::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn children(&self, id: u32) -> Children<'_> {
        Children {
            dom: self,
            next: self.nodes[id as usize].first_child,
        }
    }

    pub fn parent(&self, id: u32) -> u32 {
        self.nodes[id as usize].parent
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// First element with this tag, in document order.
    pub fn find_tag(&self, tag: &str) -> Option<u32> {
        (0..self.nodes.len() as u32).find(|&i| self.tag(i) == tag)
    }
}

pub(super) struct Children<'d> {
    dom: &'d Dom<'d>,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.nodes[id as usize].next;
        Some(id)
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
            | "image"
    )
}

/// Elements whose start tag closes an open `<p>`.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "li"
            | "dd"
            | "dt"
            | "listing"
            | "plaintext"
            | "xmp"
    )
}

/// Elements whose content is raw text up to the matching end tag.
fn raw_text(name: &str) -> Option<bool /* decode entities */> {
    match name {
        // `noscript` is read as markup, as a browser without scripts reads it: some
        // pages hold their whole content there (`extract.rs` decides when to show it).
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "plaintext" => Some(false),
        "title" | "textarea" => Some(true),
        _ => None,
    }
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

struct Builder<'a> {
    dom: Dom<'a>,
    stack: Vec<u32>,
    /// `html`, `head`, `body` already opened.
    seen: [bool; 3],
}

impl<'a> Builder<'a> {
    fn current(&self) -> u32 {
        self.stack.last().copied().unwrap_or(0)
    }

    /// Index in the stack of the nearest open `target`, not looking past `stop`.
    fn find_open(&self, target: &[&str], stop: &[&str]) -> Option<usize> {
        // Only the innermost levels: real targets are near the top, and a bound keeps
        // adversarial nesting linear.
        let lowest = self.stack.len().saturating_sub(SCOPE_LIMIT).max(1);
        for k in (lowest..self.stack.len()).rev() {
            let t = self.dom.tag(self.stack[k]);
            if target.contains(&t) {
                return Some(k);
            }
            if stop.contains(&t) {
                return None;
            }
        }
        None
    }

    fn close_at(&mut self, k: Option<usize>) {
        if let Some(k) = k {
            self.stack.truncate(k);
        }
    }

    fn start_tag(&mut self, name: Cow<'a, str>, attrs: Attrs<'a>, self_closing: bool) {
        const TABLE_STOP: &[&str] = &["table", "html", "template"];
        let n: &str = &name;
        if self.dom.tag(self.current()) == "head"
            && !matches!(
                n,
                "meta"
                    | "link"
                    | "script"
                    | "style"
                    | "title"
                    | "base"
                    | "noscript"
                    | "template"
                    | "head"
            )
        {
            self.stack.pop();
        }
        if closes_p(n) {
            let k = self.find_open(
                &["p"],
                &[
                    "button", "table", "td", "th", "caption", "html", "object", "template",
                ],
            );
            self.close_at(k);
        }
        match n {
            "li" => {
                let k = self.find_open(&["li"], &["ul", "ol", "menu", "table", "td", "th", "html"]);
                self.close_at(k);
            }
            "dt" | "dd" => {
                let k = self.find_open(&["dt", "dd"], &["dl", "table", "td", "th", "html"]);
                self.close_at(k);
            }
            "tr" => {
                let k = self.find_open(&["tr"], &["table", "thead", "tbody", "tfoot", "html"]);
                self.close_at(k);
            }
            "td" | "th" => {
                let k = self.find_open(&["td", "th"], &["tr", "table", "html"]);
                self.close_at(k);
            }
            "thead" | "tbody" | "tfoot" => {
                let k = self.find_open(&["thead", "tbody", "tfoot"], TABLE_STOP);
                self.close_at(k);
            }
            "option" | "optgroup" => {
                let k = self.find_open(&["option"], &["select", "datalist", "optgroup", "html"]);
                self.close_at(k);
            }
            "a" => {
                let k = self.find_open(&["a"], &["table", "td", "th", "html", "button"]);
                self.close_at(k);
            }
            "body" | "html" | "head" => {
                // A repeated document-level tag adds nothing; its content goes on where it is.
                let k = match n {
                    "html" => 0,
                    "head" => 1,
                    _ => 2,
                };
                if self.seen[k] {
                    return;
                }
                self.seen[k] = true;
                if n == "body" {
                    let k = self.find_open(&["head"], &[]);
                    self.close_at(k);
                }
            }
            _ => {
                if is_heading(n) && is_heading(self.dom.tag(self.current())) {
                    self.stack.pop();
                }
            }
        }
        let void = is_void(n) || self_closing;
        let parent = self.current();
        let id = self.dom.append(parent, Data::Element { name, attrs });
        if !void && self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
        }
    }

    fn end_tag(&mut self, name: &str) {
        match name {
            "br" => {
                let parent = self.current();
                self.dom.append(
                    parent,
                    Data::Element {
                        name: Cow::Borrowed("br"),
                        attrs: Vec::new(),
                    },
                );
                return;
            }
            "body" | "html" => return,
            _ => {}
        }
        let stop: &[&str] = match name {
            "td" | "th" => &["table", "html"],
            "tr" | "thead" | "tbody" | "tfoot" | "caption" => &["table", "html"],
            "table" => &["html"],
            "li" => &["ul", "ol", "table", "td", "th", "html"],
            "p" => &["button", "table", "td", "th", "html"],
            "head" => &[],
            _ => &["table", "td", "th", "caption", "html", "template"],
        };
        let k = self.find_open(&[name], stop);
        self.close_at(k);
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Finds `</name` (ASCII case-insensitive) from `from`; returns its start.
fn find_end_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let nb = name.as_bytes();
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + p;
        if b.get(lt + 1) == Some(&b'/') {
            let s = lt + 2;
            if s + nb.len() <= b.len() && b[s..s + nb.len()].eq_ignore_ascii_case(nb) {
                let after = b.get(s + nb.len()).copied().unwrap_or(b'>');
                if after == b'>' || after == b'/' || is_space(after) {
                    return Some(lt);
                }
            }
        }
        i = lt + 1;
    }
    None
}

/// Parses an HTML document. Never fails; anything malformed is read the way a
/// forgiving browser would, or skipped.
pub(super) fn parse(html: &str) -> Dom<'_> {
    let b = html.as_bytes();
    let mut bld = Builder {
        dom: Dom::new(),
        stack: vec![0],
        seen: [false; 3],
    };
    let mut text_start = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        let Some(p) = memchr::memchr(b'<', &b[i..]) else {
            break;
        };
        let lt = i + p;
        let next = b.get(lt + 1).copied().unwrap_or(0);
        if next.is_ascii_alphabetic() {
            flush_text(&mut bld, html, text_start, lt);
            let (end, name, attrs, self_closing) = read_tag(html, lt + 1);
            i = end;
            let raw = raw_text(&name);
            let name_s = name.clone();
            // JSON-LD is data the page declares about itself (`structured.rs`), kept
            // verbatim; other scripts are dropped unread.
            let keep_raw = matches!(&*name_s, "title" | "textarea")
                || (&*name_s == "script"
                    && attrs.iter().any(|(k, v)| &**k == "type" && is_json_ld(v)));
            bld.start_tag(name, attrs, self_closing);
            if let (Some(decode), false) = (raw, self_closing) {
                let close = find_end_tag(b, i, &name_s).unwrap_or(b.len());
                if keep_raw {
                    let cur = bld.current();
                    bld.dom.append_text(cur, &html[i..close], decode);
                }
                bld.end_tag(&name_s);
                i = match memchr::memchr(b'>', &b[close..]) {
                    Some(q) => close + q + 1,
                    None => b.len(),
                };
            }
            text_start = i;
        } else if next == b'/' && b.get(lt + 2).is_some_and(|c| c.is_ascii_alphabetic()) {
            flush_text(&mut bld, html, text_start, lt);
            let (end, name, _, _) = read_tag(html, lt + 2);
            bld.end_tag(&name);
            i = end;
            text_start = i;
        } else if next == b'!' || next == b'?' || next == b'/' {
            flush_text(&mut bld, html, text_start, lt);
            i = if b[lt + 1..].starts_with(b"!--") {
                // `<!-->` and `<!--->` are (empty) comments too.
                let body = lt + 4;
                if b.get(body) == Some(&b'>') {
                    body + 1
                } else if b.get(body..body + 2) == Some(b"->") {
                    body + 2
                } else {
                    match memchr::memmem::find(&b[body.min(b.len())..], b"-->") {
                        Some(q) => body + q + 3,
                        None => b.len(),
                    }
                }
            } else if b[lt + 1..].starts_with(b"![CDATA[") {
                match memchr::memmem::find(&b[lt..], b"]]>") {
                    Some(q) => lt + q + 3,
                    None => b.len(),
                }
            } else {
                match memchr::memchr(b'>', &b[lt..]) {
                    Some(q) => lt + q + 1,
                    None => b.len(),
                }
            };
            text_start = i;
        } else {
            // A literal '<' in text.
            i = lt + 1;
        }
    }
    flush_text(&mut bld, html, text_start, b.len());
    bld.dom
}

/// Whether a `<script type>` holds JSON-LD.
pub(super) fn is_json_ld(type_attr: &str) -> bool {
    let t = type_attr.trim();
    t.len() <= 64 && t.to_ascii_lowercase().starts_with("application/ld+json")
}

fn flush_text<'a>(bld: &mut Builder<'a>, html: &'a str, start: usize, end: usize) {
    if start < end {
        if let Some(raw) = html.get(start..end) {
            let cur = bld.current();
            bld.dom.append_text(cur, raw, true);
        }
    }
}

type Attrs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// Reads a tag from the name at `start` to its `>`. Returns (index after `>`, lowercase
/// name, attributes, self-closing).
fn read_tag(html: &str, start: usize) -> (usize, Cow<'_, str>, Attrs<'_>, bool) {
    let b = html.as_bytes();
    let mut i = start;
    while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = lower(&html[start..i]);
    let mut attrs: Attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        if i >= b.len() {
            return (b.len(), name, attrs, self_closing);
        }
        if b[i] == b'>' {
            return (i + 1, name, attrs, self_closing);
        }
        self_closing = false;
        let ns = i;
        i += 1; // an attribute name may start with '=' (ignored by browsers too)
        while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' && b[i] != b'=' {
            i += 1;
        }
        let aname = &html[ns..i];
        let mut j = i;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        let mut value = Cow::Borrowed("");
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let vs = j + 1;
                let ve = memchr::memchr(q, &b[vs..]).map_or(b.len(), |p| vs + p);
                value = decode_attr(&html[vs..ve]);
                i = (ve + 1).min(b.len());
            } else {
                let vs = j;
                while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                    j += 1;
                }
                value = decode_attr(&html[vs..j]);
                i = j;
            }
        }
        if !attrs.iter().any(|(k, _)| k.eq_ignore_ascii_case(aname)) && attrs.len() < 64 {
            attrs.push((lower(aname), value));
        }
    }
}

fn decode_attr(v: &str) -> Cow<'_, str> {
    if v.contains('&') {
        Cow::Owned(entities::decode(v))
    } else {
        Cow::Borrowed(v)
    }
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(dom: &Dom, id: u32, out: &mut String) {
        match &dom.nodes[id as usize].data {
            Data::Text(t) => out.push_str(t),
            Data::Element { name, .. } => {
                out.push('<');
                out.push_str(name);
                out.push('>');
                for c in dom.children(id) {
                    outline(dom, c, out);
                }
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Data::Document => {
                for c in dom.children(id) {
                    outline(dom, c, out);
                }
            }
        }
    }

    fn tree(html: &str) -> String {
        let dom = parse(html);
        let mut s = String::new();
        outline(&dom, 0, &mut s);
        s
    }

    #[test]
    fn implied_end_tags() {
        assert_eq!(tree("<p>a<p>b<div>c</div>"), "<p>a</p><p>b</p><div>c</div>");
        assert_eq!(tree("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
        assert_eq!(
            tree("<table><tr><td>a<td>b<tr><td>c</table>"),
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        );
        assert_eq!(
            tree("<ul><li>a<ul><li>b</ul><li>c</ul>"),
            "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"
        );
    }

    #[test]
    fn raw_text_comments_attrs() {
        assert_eq!(
            tree("<script>if (a<b) {'</div>'}</script>x"),
            "<script></script>x"
        );
        assert_eq!(tree("a<!-- <p>no</p> -->b<!---->c"), "abc");
        assert_eq!(tree("<title>A &amp; B</title>"), "<title>A & B</title>");
        let dom = parse("<A HREF='/x?a=1&amp;b=2' data-x=y checked>t</a>");
        let a = dom.find_tag("a").unwrap_or(0);
        assert_eq!(dom.attr(a, "href"), Some("/x?a=1&b=2"));
        assert_eq!(dom.attr(a, "data-x"), Some("y"));
        assert_eq!(dom.attr(a, "checked"), Some(""));
        assert_eq!(tree("1 < 2 <3 x</p>"), "1 < 2 <3 x");
        assert_eq!(
            tree("<br/><img src=a>x</br>"),
            "<br></br><img></img>x<br></br>"
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "<",
            "<a",
            "</",
            "<!--",
            "<a b='",
            "<<<>>>",
            "&#x110000;",
            "<script>",
            "<div \u{e9}=\"\u{e9}\">\u{e9}",
            "</p></p><p",
            "<a/b/c/>",
            "<!",
        ] {
            let _ = tree(s);
        }
        let deep = "<div>".repeat(100_000);
        let dom = parse(&deep);
        assert!(dom.len() > 1000);
    }
}
