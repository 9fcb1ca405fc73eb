//! The staging area of a [`super::StagedLog`]: received transactions that
//! were checked but not yet committed, their canonical texts back to back in
//! one string, as in a session log's own storage.

use crate::core::transaction::{Kind, TransactionSink};

/// Where one staged transaction's text ends, its payloads and its size.
#[derive(Clone, Copy)]
struct Entry {
    end: usize,
    kind: Kind,
    size: usize,
}

/// Checked transactions waiting for their signature.
#[derive(Clone, Default)]
pub(super) struct Staging {
    text: String,
    entries: Vec<Entry>,
}

impl Staging {
    /// Number of staged transactions.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Length of all staged texts together, in bytes.
    pub(super) fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Keeps the first `count` transactions.
    pub(super) fn truncate(&mut self, count: usize) {
        self.entries.truncate(count);
        let end = self.entries.last().map_or(0, |entry| entry.end);
        self.text.truncate(end);
    }

    /// The text of the last staged transaction (empty when none is).
    pub(super) fn last_text(&self) -> &str {
        let count = self.entries.len();
        let end = self.entries.last().map_or(0, |entry| entry.end);
        let start = match count.checked_sub(2) {
            Some(previous) => self.entries.get(previous).map_or(0, |entry| entry.end),
            None => 0,
        };
        self.text.get(start..end).unwrap_or_default()
    }

    /// Calls `f` with each staged transaction's text, payload layout and
    /// size, in order.
    pub(super) fn for_each(&self, mut f: impl FnMut(&str, Kind, usize)) {
        let mut start = 0;
        for entry in &self.entries {
            f(
                self.text.get(start..entry.end).unwrap_or_default(),
                entry.kind,
                entry.size,
            );
            start = entry.end;
        }
    }

    /// A sink that appends parsed transactions here; its `discard` takes out
    /// only what was appended through it.
    pub(super) fn sink(&mut self) -> StagingSink<'_> {
        StagingSink {
            entries_before: self.entries.len(),
            staging: self,
        }
    }
}

/// Appends parsed transactions to a [`Staging`].
pub(super) struct StagingSink<'s> {
    staging: &'s mut Staging,
    entries_before: usize,
}

impl TransactionSink for StagingSink<'_> {
    fn text(&mut self) -> &mut String {
        &mut self.staging.text
    }

    fn finish(&mut self, kind: Kind, size: usize) {
        let end = self.staging.text.len();
        self.staging.entries.push(Entry { end, kind, size });
    }

    fn discard(&mut self) {
        self.staging.truncate(self.entries_before);
    }
}
