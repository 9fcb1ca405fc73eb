// Digests that let the worker and a client compare what they each see,
// computed with node:crypto (not the provider under test) after the clock
// has stopped.
import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level, so equal content gives equal text. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

/** SHA-256 hex of `text`. */
export function sha256(text) {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * A digest of the whole decrypted history of a raw CoValueCore: every valid
 * transaction's session, index, time, changes and meta, in session and index
 * order (not cojson's sort, so it does not depend on tie-breaking).
 * @returns {{ transactions: number, sha256: string }}
 */
export function historyDigest(core) {
  const transactions = core.getValidTransactions({ ignorePrivateTransactions: false })
  const ordered = transactions
    .map((tx) => ({ session: tx.txID.sessionID, index: tx.txID.txIndex, tx }))
    .sort((a, b) => (a.session < b.session ? -1 : a.session > b.session ? 1 : a.index - b.index))
  const hash = createHash('sha256')
  for (const { session, index, tx } of ordered) {
    hash.update(`${session}/${index}@${tx.madeAt}:${canonicalJson(tx.changes)}|${canonicalJson(tx.meta)}\n`)
  }
  return { transactions: ordered.length, sha256: hash.digest('hex') }
}

/**
 * What one side reports of a CoValue: its sessions' transaction counts (for
 * the other side to wait on), and digests of its content and history.
 */
export function coreReport(core) {
  return {
    sessions: core.knownState().sessions,
    contentDigest: sha256(canonicalJson(core.getCurrentContent().toJSON())),
    history: historyDigest(core),
  }
}

/** Digests of several cores combined into one, in the order given. */
export function combinedDigest(cores) {
  const parts = cores.map(historyDigest)
  return {
    transactions: parts.reduce((sum, part) => sum + part.transactions, 0),
    sha256: sha256(parts.map((part) => part.sha256).join('\n')),
  }
}
