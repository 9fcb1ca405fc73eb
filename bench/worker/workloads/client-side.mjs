// Parent-side helpers of the workloads in which the worker writes: a sync
// server of the run's own, requests with a bounded number in flight, and a
// client's own view of what the worker wrote.
import { createClient, createWorkerAccount } from '../../../demo/accounts.mjs'
import { startSyncServer } from '../../../demo/sync-server.mjs'
import { coreReport } from '../digest.mjs'

/**
 * The bench's client connections: on a shared 2-core machine this process
 * can go longer than cojson-transport-ws's 10 s without handling the
 * server's ping, which would drop the connection mid-run.
 */
export const CONNECTION = { pingTimeoutMs: 120_000 }
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
  return { content: core.getCurrentContent().toJSON(), ...coreReport(core) }
}

/** Throws unless the worker's report of a CoValue (digest.mjs `coreReport`) matches the client's view. */
export function sameAsClient(what, worker, client) {
  if (worker.contentDigest !== client.contentDigest) throw new Error(`${what}: the worker and the client see different content`)
  if (worker.history.transactions !== client.history.transactions || worker.history.sha256 !== client.history.sha256) {
    throw new Error(`${what}: history differs (worker ${worker.history.transactions} tx, client ${client.history.transactions} tx)`)
  }
}

/**
 * A new sync server with a new worker account and a client on it. Each run
 * that writes gets its own, so no run inherits the CoValues of the runs
 * before it: a server holding tens of thousands makes this process's GC
 * (driven by the external memory of their WasmCrypto session maps) slower
 * and slower, and with it every later run.
 * @returns {Promise<{ server, credentials, client }>}
 */
export async function freshServer() {
  const server = await startSyncServer()
  try {
    const credentials = await createWorkerAccount(server.url, 'bench worker', CONNECTION)
    const client = await createClient(server.url, 'bench client', CONNECTION)
    return { server, credentials, client }
  } catch (error) {
    await server.close()
    throw error
  }
}

/** Closes whatever of `freshServer()`'s a run got as far as making. */
export async function closeFreshServer(run) {
  run?.client?.shutdown()
  await run?.server?.close()
}
