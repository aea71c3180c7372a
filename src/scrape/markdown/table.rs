//! Tables: a data table as a markdown table (its caption above, a header row, cells
//! with their column spans); a table used for layout, or of one column, as its cells'
//! blocks one after the other.

use super::{Out, Renderer};

/// A table's rows and caption, as the page gives them.
struct Parts {
    rows: Vec<u32>,
    caption: Option<u32>,
    /// Marked as layout (`role=presentation`) or holding blocks in its cells.
    layout: bool,
}

impl Renderer<'_> {
    pub(super) fn table(&self, id: u32, out: &mut Out) {
        let Parts {
            rows,
            caption,
            mut layout,
        } = self.table_parts(id);
        let (grid, width, blocks) = self.grid(&rows);
        layout |= blocks;
        if grid.is_empty() {
            return;
        }
        out.flush();
        if layout || width < 2 {
            if let Some(c) = caption {
                self.node(c, out);
            }
            for &r in &rows {
                for c in self.dom.children(r) {
                    out.flush();
                    self.node(c, out);
                    out.flush();
                }
            }
            return;
        }
        let mut s = String::new();
        if let Some(c) = caption {
            let t = self.flat_text(c);
            if !t.is_empty() {
                s.push_str(&t);
                s.push_str("\n\n");
            }
        }
        s.push_str(&markdown_table(&grid, width, rows.len() == 1));
        out.block(s);
    }

    fn table_parts(&self, id: u32) -> Parts {
        let mut rows: Vec<u32> = Vec::new();
        let mut caption = None;
        let layout = matches!(
            self.dom.attr(id, "role"),
            Some("presentation") | Some("none")
        );
        for c in self.dom.children(id) {
            if self.skip[c as usize] {
                continue;
            }
            match self.dom.tag(c) {
                "tr" => rows.push(c),
                "thead" | "tbody" | "tfoot" => rows.extend(
                    self.dom
                        .children(c)
                        .filter(|&r| self.dom.tag(r) == "tr" && !self.skip[r as usize]),
                ),
                "caption" => caption = Some(c),
                _ => {}
            }
        }
        Parts {
            rows,
            caption,
            layout,
        }
    }

    /// Each row's cell texts (a spanned cell followed by empty ones) and whether they are
    /// all headers; the widest row; whether a cell holds blocks (a layout table).
    #[allow(clippy::type_complexity)]
    fn grid(&self, rows: &[u32]) -> (Vec<(Vec<String>, bool)>, usize, bool) {
        let mut grid: Vec<(Vec<String>, bool)> = Vec::new();
        let mut width = 0;
        let mut blocks = false;
        for &r in rows {
            let mut cells = Vec::new();
            let mut all_th = true;
            for c in self.dom.children(r) {
                let t = self.dom.tag(c);
                if !(t == "td" || t == "th") || self.skip[c as usize] {
                    continue;
                }
                if self.has_desc(
                    c,
                    &["table", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3"],
                ) || self.count_desc(c, "p") > 1
                {
                    blocks = true;
                }
                all_th &= t == "th";
                let text = self.flat_text(c).replace('|', "\\|");
                let span: usize = self
                    .dom
                    .attr(c, "colspan")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 50);
                cells.push(text);
                for _ in 1..span {
                    cells.push(String::new());
                }
            }
            width = width.max(cells.len());
            grid.push((cells, all_th));
        }
        (grid, width, blocks)
    }

    fn has_desc(&self, id: u32, tags: &[&str]) -> bool {
        self.dom
            .children(id)
            .any(|c| tags.contains(&self.dom.tag(c)) || self.has_desc(c, tags))
    }

    fn count_desc(&self, id: u32, tag: &str) -> usize {
        self.dom
            .children(id)
            .map(|c| usize::from(self.dom.tag(c) == tag) + self.count_desc(c, tag))
            .sum()
    }
}

/// The markdown table of `grid`: its first row is the header when it is all headers (or
/// the only row), else the header is empty; rows of empty cells are left out.
fn markdown_table(grid: &[(Vec<String>, bool)], width: usize, single_row: bool) -> String {
    let row_line = |cells: &[String]| {
        let mut l = String::from("|");
        for k in 0..width {
            l.push(' ');
            l.push_str(cells.get(k).map(String::as_str).unwrap_or(""));
            l.push_str(" |");
        }
        l.replace("  |", " |")
    };
    let (first, rest) = grid.split_at(1);
    let (header, body) = if first[0].1 || single_row {
        (first[0].0.clone(), rest)
    } else {
        (vec![String::new(); width], grid)
    };
    let mut s = row_line(&header);
    s.push('\n');
    s.push('|');
    for _ in 0..width {
        s.push_str(" --- |");
    }
    for (cells, _) in body {
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        s.push('\n');
        s.push_str(&row_line(cells));
    }
    s
}
