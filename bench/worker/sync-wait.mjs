// Waiting, on any node, until a CoValue holds at least a known set of
// transactions (as given by another node's `knownState().sessions`), and
// yielding so that syncing keeps up with long runs of work.
import { withTimeout } from '../../demo/util.mjs'

/** Yields to the event loop (sync messages, pings) between chunks of synchronous work. */
export const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve))

/** True when `core` has at least the transaction count of every session in `sessions`. */
export function covers(core, sessions) {
  if (!core.isAvailable()) return false
  const have = core.knownState().sessions
  return Object.entries(sessions).every(([session, count]) => (have[session] ?? 0) >= count)
}

/** Resolves when `core` covers `sessions`; rejects after `timeoutMs`. */
export function waitForSessions(core, sessions, timeoutMs, what) {
  return withTimeout(
    core.waitForAsync((current) => covers(current, sessions)),
    timeoutMs,
    `waiting for ${what}`,
  )
}
