// Parent-side helpers of the driven workloads: requests with a bounded
// number in flight, and a client's own view of what the worker wrote.
import { canonicalJson, historyDigest, sha256 } from '../digest.mjs'
import { waitForSessions } from '../sync-wait.mjs'

/** Runs `task(i)` for i in [0, count), at most `limit` at a time; rejects on the first failure. */
export async function inFlight(count, limit, task) {
  let next = 0
  const lane = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane))
}

/**
 * Loads `id` (of `Schema`) on `client`, waits until it holds every
 * transaction the worker reported, and digests it independently.
 */
export async function clientView(Schema, id, client, sessions, what) {
  const value = await Schema.load(id, { loadAs: client })
  if (!value.$isLoaded) throw new Error(`${what}: the client cannot load ${id}`)
  const core = value.$jazz.raw.core
  await waitForSessions(core, sessions, 60_000, `the client to receive ${what}`)
  const content = core.getCurrentContent().toJSON()
  return { content, contentDigest: sha256(canonicalJson(content)), history: historyDigest(core) }
}

/** Throws unless the worker's history digest equals the client's. */
export function sameHistory(what, worker, client) {
  if (worker.transactions !== client.transactions || worker.sha256 !== client.sha256) {
    throw new Error(`${what}: history differs (worker ${worker.transactions} tx, client ${client.transactions} tx)`)
  }
}
