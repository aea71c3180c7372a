//! What changed between two observations of one page: the actions added, those no longer
//! listed, and those whose description (name, state, value) or parameter changed, and the
//! markdown an agent reads instead of the whole list.
//!
//! Owns: comparing two [`ActionSpace`]s by their ids, which stay put within a document
//! (`ids.rs`), and wording the changes. Does not own: which observation is the previous
//! one (the session keeps it), nor deciding to answer with a diff (the caller asks).
use super::types::{Action, ActionSpace};

/// The changes from one observation of a page to the next.
#[derive(Debug, Clone)]
pub struct SpaceDiff {
    /// Listed now and not before, in the order of the list.
    pub added: Vec<Action>,
    /// Listed before and not now (gone from the page, or past `max_nb_actions`).
    pub removed: Vec<Action>,
    /// Listed in both with another description or parameter: (before, now).
    pub changed: Vec<(Action, Action)>,
    /// Listed in both as they were.
    pub unchanged: usize,
    /// Usable actions left out because of `max_nb_actions`, before and now.
    pub omitted: (usize, usize),
}

/// What changed from `previous` to `current`, when both observed the same page (the same
/// document at the same URL, a `#fragment` aside, so that an id names the same element in
/// both); `None` when the page changed, and the agent needs the whole list.
pub fn diff(previous: &ActionSpace, current: &ActionSpace) -> Option<SpaceDiff> {
    let page = |url: &str| url.split('#').next().unwrap_or_default().to_owned();
    if !previous.ids.same_document(&current.ids) || page(&previous.url) != page(&current.url) {
        return None;
    }
    let before: std::collections::HashMap<_, &Action> =
        previous.actions.iter().map(|a| (a.id, a)).collect();
    let now: std::collections::HashSet<_> = current.actions.iter().map(|a| a.id).collect();
    let mut diff = SpaceDiff {
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
        omitted: (previous.omitted, current.omitted),
    };
    for action in &current.actions {
        match before.get(&action.id) {
            None => diff.added.push(action.clone()),
            Some(old) if old.description != action.description || old.param != action.param => {
                diff.changed.push(((*old).clone(), action.clone()))
            }
            Some(_) => diff.unchanged += 1,
        }
    }
    diff.removed = previous
        .actions
        .iter()
        .filter(|a| !now.contains(&a.id))
        .cloned()
        .collect();
    Some(diff)
}

impl SpaceDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.omitted.0 == self.omitted.1
    }

    /// The markdown an agent reads in place of the whole list: a line saying this is a diff
    /// of the same page, then the changed actions (now, and what they were), the added
    /// ones under their groups, and the ids no longer listed; the ids of the previous
    /// observation that are not named stay as they were.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        if self.is_empty() {
            md.push_str(&format!(
                "Nothing changed since the last observation of this page ({} actions as they were).\n",
                self.unchanged
            ));
            return md;
        }
        md.push_str(&format!(
            "Changes since the last observation of this page (the {} actions not named here are as they were):\n",
            self.unchanged
        ));
        if !self.changed.is_empty() {
            md.push_str("## Changed\n");
            for (before, now) in &self.changed {
                md.push_str(&format!("{} {}", now.id, now.description));
                if before.description != now.description {
                    md.push_str(&format!(" (was: {})", before.description));
                } else if let Some(param) = &now.param {
                    md.push_str(&format!(" (choices now: {})", param.values.join(", ")));
                }
                md.push('\n');
            }
        }
        if !self.added.is_empty() {
            md.push_str("## Added\n");
            super::render_groups(&mut md, &self.added);
        }
        if !self.removed.is_empty() {
            md.push_str("## Removed (no longer listed)\n");
            for action in &self.removed {
                md.push_str(&format!("{} {}\n", action.id, action.description));
            }
        }
        if self.omitted.0 != self.omitted.1 {
            md.push_str(&format!(
                "({} more actions not listed now, {} before)\n",
                self.omitted.1, self.omitted.0
            ));
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::super::{perceive, perceive_after, ElementSnapshot, PageSnapshot, SPECIAL_LINE};
    use super::*;

    fn element(handle: u32, role: &str, name: &str) -> ElementSnapshot {
        ElementSnapshot {
            handle,
            tag: if role == "textbox" { "input" } else { "button" }.into(),
            role: role.into(),
            name: Some(name.into()),
            w: 50.0,
            h: 10.0,
            ..Default::default()
        }
    }

    fn page(doc: &str, url: &str, elements: Vec<ElementSnapshot>) -> PageSnapshot {
        PageSnapshot {
            doc: doc.into(),
            url: url.into(),
            elements,
            ..Default::default()
        }
    }

    #[test]
    fn added_removed_and_changed_actions_are_told_by_their_ids() {
        let url = "https://example.org/";
        let first = perceive(
            &page(
                "d1",
                url,
                vec![
                    element(1, "button", "Save"),
                    element(2, "button", "Delete"),
                    element(3, "textbox", "Email"),
                    element(4, "button", "Help"),
                ],
            ),
            100,
        );
        let mut filled = element(3, "textbox", "Email");
        filled.value = Some("ann@example.org".into());
        let second = perceive_after(
            &page(
                "d1",
                url,
                vec![
                    element(1, "button", "Save"),
                    filled,
                    element(4, "button", "Help"),
                    element(5, "button", "Undo"),
                ],
            ),
            100,
            Some(&first),
        );
        let diff = diff(&first, &second).expect("the same page");
        let ids = |actions: &[Action]| -> Vec<String> {
            actions.iter().map(|a| a.id.to_string()).collect()
        };
        assert_eq!(ids(&diff.added), ["B4"]);
        assert_eq!(ids(&diff.removed), ["B2"]);
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(diff.changed[0].1.id.to_string(), "I1");
        assert_eq!(diff.unchanged, 2);
        let md = diff.markdown();
        assert!(md.contains("B4 Undo"), "{md}");
        assert!(md.contains("B2 Delete"), "{md}");
        assert!(md.contains("ann@example.org"), "{md}");
        assert!(md.contains("(was: "), "{md}");
        assert!(!md.contains("B1 Save"), "{md}");
        assert!(!md.contains(SPECIAL_LINE), "{md}");
    }

    #[test]
    fn nothing_changed_is_said_in_one_line() {
        let snapshot = page(
            "d1",
            "https://example.org/",
            vec![element(1, "button", "Go")],
        );
        let first = perceive(&snapshot, 100);
        let again = perceive_after(&snapshot, 100, Some(&first));
        let diff = diff(&first, &again).expect("the same page");
        assert!(diff.is_empty());
        assert_eq!(diff.markdown().lines().count(), 1);
    }

    #[test]
    fn another_document_or_url_is_no_diff() {
        let go = |document: &str, url: &str| page(document, url, vec![element(1, "button", "Go")]);
        let first = perceive(&go("d1", "https://example.org/"), 100);
        let after =
            |document: &str, url: &str| perceive_after(&go(document, url), 100, Some(&first));
        assert!(diff(&first, &after("d2", "https://example.org/")).is_none());
        assert!(
            diff(&first, &after("d1", "https://example.org/#top")).is_some(),
            "a fragment moves within the page"
        );
        assert!(diff(&first, &after("d1", "https://example.org/next")).is_none());
    }
}
