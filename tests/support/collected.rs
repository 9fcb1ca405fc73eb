//! A [`TransactionSink`] that keeps parsed transactions in memory, and the
//! three ways into it: the whole parse, the general parser alone and the
//! canonical fast path alone. Used by the tests, the bench and the fuzz
//! targets of received batches.

use cojson_native::core::transaction::{
    self, canonical, wire, Kind, Transaction, TransactionSink, TxError,
};

/// Text, payload layout and size of each transaction, for comparisons.
pub type Summary = Vec<(String, Kind, usize)>;

/// The transactions a parser wrote, in order.
#[derive(Debug, Default)]
pub struct Collected {
    pub text: String,
    /// Per transaction: where its text ends, its payloads and its size.
    pub items: Vec<(usize, Kind, usize)>,
}

impl TransactionSink for Collected {
    fn text(&mut self) -> &mut String {
        &mut self.text
    }

    fn finish(&mut self, kind: Kind, size: usize) {
        self.items.push((self.text.len(), kind, size));
    }

    fn discard(&mut self) {
        self.text.clear();
        self.items.clear();
    }
}

impl Collected {
    /// Text, payload layout and size of each transaction collected.
    pub fn summary(&self) -> Summary {
        let mut start = 0;
        self.items
            .iter()
            .map(|&(end, kind, size)| {
                let text = self.text[start..end].to_owned();
                start = end;
                (text, kind, size)
            })
            .collect()
    }
}

/// Text, payload layout and size of each built transaction.
pub fn summarise(batch: &[Transaction<'_>]) -> Summary {
    batch
        .iter()
        .map(|t| (t.json().to_owned(), t.kind(), t.size()))
        .collect()
}

/// The batch of `transactions` as cojson sends it: their canonical texts in
/// a JSON array, without whitespace.
pub fn batch_text(transactions: &[Transaction<'_>]) -> String {
    let texts: Vec<&str> = transactions.iter().map(Transaction::json).collect();
    format!("[{}]", texts.join(","))
}

/// `transaction::parse_batch_into` into a fresh [`Collected`].
pub fn parse_batch(json: &str) -> Result<Collected, TxError> {
    let mut out = Collected::default();
    transaction::parse_batch_into(json, &mut out).map(|()| out)
}

/// The general parser alone, into a fresh [`Collected`].
pub fn parse_general(json: &str) -> Result<Collected, TxError> {
    let mut out = Collected::default();
    wire::parse_into(json, &mut out).map(|()| out)
}

/// The canonical fast path alone, into a fresh [`Collected`].
pub fn scan(json: &str) -> Option<Collected> {
    let mut out = Collected::default();
    canonical::scan_into(json, &mut out).map(|()| out)
}
