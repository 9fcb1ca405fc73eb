// The SessionMap round of threads.test.mjs, run by the main thread on the
// reference (for the expected result) and by every worker on our addon. No
// imports, so a worker loads nothing but what it is given.

/** Known state with sessions sorted (the reference's order is a hash map's). */
function sortedKnownState({ id, header, sessions }) {
  return JSON.stringify({ id, header, sessions: Object.entries(sessions).sort() })
}

/**
 * With `impl` (the reference or our addon): receives a signed batch, decrypts
 * it, makes a trusting transaction; returns everything observed, joined by '|'.
 */
export function sessionRound(impl, args) {
  const map = new impl.SessionMap(args.coId, args.headerJson)
  map.addTransactions(args.sessionId, args.signerId, args.transactionsJson, args.signature, false)
  const made = map.makeNewTrustingTransaction(`${args.sessionId}x`, args.signerSecret, args.changes, null, args.madeAt)
  return [
    map.getTransactionCount(args.sessionId),
    map.decryptTransaction(args.sessionId, 1, args.keySecret),
    map.decryptTransactionMeta(args.sessionId, 1, args.keySecret),
    made,
    sortedKnownState(map.getKnownState()),
  ].join('|')
}
