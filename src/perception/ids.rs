//! Ids that stay put: within one document, an element keeps the id it was first listed
//! with for as long as it exists, a new element gets a number never given before, and the
//! actions of earlier observations are remembered, so that a step on an older id still
//! reaches its element (or learns it is gone).
//!
//! Owns: the memory from element to id of one document, carried from one observation to
//! the next inside the [`ActionSpace`](super::ActionSpace). Does not own: which elements
//! are listed (`mod.rs`), an element's identity in the page (the page side's handles,
//! `__browserd.ids`), or where the memory is kept between requests (the session's last
//! observation).
use std::collections::HashMap;

use super::snapshot::{ElementSnapshot, PageSnapshot};
use super::types::{Action, ActionId, Prefix};

/// Remembered actions past this many are dropped, oldest ids first (their numbers are
/// still never given again).
const MAX_REMEMBERED: usize = 20_000;

/// The ids given in one document so far.
#[derive(Debug, Clone, Default)]
pub struct IdMemory {
    /// The document's world token (`PageSnapshot::doc`); another one starts afresh.
    doc: String,
    /// Element (its world's token and handle) → the id it was given.
    ids: HashMap<(String, u32), ActionId>,
    /// The last number given, by prefix.
    last: HashMap<Prefix, u32>,
    /// Every id given in this document → its action as last listed.
    listed: HashMap<ActionId, Action>,
}

impl IdMemory {
    /// The memory for `snapshot`'s document: this one when it is the same document, an
    /// empty one when the page changed.
    pub fn for_page(self, snapshot: &PageSnapshot) -> Self {
        if self.doc == snapshot.doc {
            self
        } else {
            IdMemory {
                doc: snapshot.doc.clone(),
                ..IdMemory::default()
            }
        }
    }

    /// Whether `other` remembers the ids of the same document as this one.
    pub fn same_document(&self, other: &IdMemory) -> bool {
        self.doc == other.doc
    }

    /// The id of `el` with `prefix`: the one it had, or the next number never given.
    pub fn id_of(
        &mut self,
        snapshot: &PageSnapshot,
        el: &ElementSnapshot,
        prefix: Prefix,
    ) -> Option<ActionId> {
        let world = el.doc.clone().unwrap_or_else(|| snapshot.doc.clone());
        let key = (world, el.handle);
        if let Some(id) = self.ids.get(&key).filter(|id| id.prefix == prefix) {
            return Some(*id);
        }
        let last = self.last.entry(prefix).or_insert(0);
        *last += 1;
        let id = ActionId::new(prefix, *last)?;
        self.ids.insert(key, id);
        Some(id)
    }

    /// Notes the actions of an observation, for a step on one of them later.
    pub fn remember(&mut self, actions: &[Action]) {
        if self.listed.len() + actions.len() > MAX_REMEMBERED {
            let mut ids: Vec<ActionId> = self.listed.keys().copied().collect();
            ids.sort_by_key(|id| id.number);
            for id in ids.iter().take(actions.len().max(MAX_REMEMBERED / 4)) {
                self.listed.remove(id);
            }
        }
        for action in actions {
            self.listed.insert(action.id, action.clone());
        }
    }

    /// The action an id was last listed as in this document, if it ever was.
    pub fn recall(&self, id: &ActionId) -> Option<&Action> {
        self.listed.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{perceive, perceive_after};
    use super::*;

    fn button(handle: u32, name: &str) -> ElementSnapshot {
        ElementSnapshot {
            handle,
            tag: "button".into(),
            role: "button".into(),
            name: Some(name.into()),
            w: 50.0,
            h: 10.0,
            ..Default::default()
        }
    }

    fn page(doc: &str, elements: Vec<ElementSnapshot>) -> PageSnapshot {
        PageSnapshot {
            doc: doc.into(),
            url: "https://example.org/".into(),
            elements,
            ..Default::default()
        }
    }

    fn ids(space: &crate::perception::ActionSpace) -> Vec<String> {
        space
            .actions
            .iter()
            .map(|a| format!("{} {}", a.id, a.description))
            .collect()
    }

    #[test]
    fn an_element_keeps_its_id_and_a_new_one_gets_a_number_never_given() {
        let first = perceive(
            &page(
                "d1",
                vec![button(1, "Alpha"), button(2, "Beta"), button(3, "Gamma")],
            ),
            100,
        );
        assert_eq!(ids(&first), ["B1 Alpha", "B2 Beta", "B3 Gamma"]);
        // Beta is gone, Delta is new and comes first
        let second = perceive_after(
            &page(
                "d1",
                vec![button(4, "Delta"), button(1, "Alpha"), button(3, "Gamma")],
            ),
            100,
            Some(&first),
        );
        assert_eq!(ids(&second), ["B4 Delta", "B1 Alpha", "B3 Gamma"]);
        // B2 is remembered as Beta, for a step on it to find it gone
        let beta = second.ids.recall(&"B2".parse().unwrap()).unwrap();
        assert_eq!((beta.handle, beta.description.as_str()), (2, "Beta"));
        // an element back after a re-render of its own is a new one: a fresh number
        let third = perceive_after(&page("d1", vec![button(5, "Beta")]), 100, Some(&second));
        assert_eq!(ids(&third), ["B5 Beta"]);
    }

    #[test]
    fn a_new_document_numbers_afresh_and_forgets_the_old_ids() {
        let first = perceive(
            &page("d1", vec![button(1, "Alpha"), button(2, "Beta")]),
            100,
        );
        let next = perceive_after(&page("d2", vec![button(1, "Other")]), 100, Some(&first));
        assert_eq!(ids(&next), ["B1 Other"]);
        assert!(next.ids.recall(&"B2".parse().unwrap()).is_none());
    }

    #[test]
    fn an_element_whose_kind_changes_gets_an_id_of_its_new_kind() {
        let first = perceive(&page("d1", vec![button(1, "Alpha")]), 100);
        let mut link = button(1, "Alpha");
        link.role = "link".into();
        link.tag = "a".into();
        link.href = Some("/a".into());
        let next = perceive_after(&page("d1", vec![link]), 100, Some(&first));
        assert_eq!(ids(&next), ["L1 Alpha"]);
    }

    #[test]
    fn an_empty_grid_cell_is_not_listed() {
        let mut day = button(1, "14");
        day.role = "gridcell".into();
        day.tag = "td".into();
        let mut blank = button(2, "");
        blank.role = "gridcell".into();
        blank.tag = "td".into();
        blank.name = None;
        let space = perceive(&page("d1", vec![blank, day]), 100);
        assert_eq!(ids(&space), ["B1 14"]);
    }

    #[test]
    fn elements_of_two_worlds_with_the_same_handle_are_two_elements() {
        let mut framed = button(1, "Framed");
        framed.doc = Some("frame-world".into());
        framed.frame = Some(1);
        let mut snapshot = page("d1", vec![button(1, "Top"), framed]);
        snapshot.frames = vec![Default::default(), Default::default()];
        let space = perceive(&snapshot, 100);
        assert_eq!(ids(&space), ["B1 Top", "B2 Framed"]);
    }
}
