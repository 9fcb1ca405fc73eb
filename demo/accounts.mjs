// Accounts for the demo: a new worker account (the way `npx jazz-run account
// create` makes one: created with creationProps, so it gets a profile and an
// inbox) and client accounts, each on its own WebSocket to the sync server.
import { createWebSocketPeer } from 'cojson-transport-ws'
import { WasmCrypto } from 'cojson/crypto/WasmCrypto'
import { Account } from 'jazz-tools'
import { WebSocket } from 'ws'

const SYNC_TIMEOUT_MS = 10_000

// `pingTimeoutMs`: how long without the server's ping before the connection
// counts as dead (cojson-transport-ws's default, 10 s, when undefined).
function upstream(syncServer, id, pingTimeoutMs) {
  return createWebSocketPeer({ id, websocket: new WebSocket(syncServer), role: 'server', pingTimeout: pingTimeoutMs })
}

async function newAccount(syncServer, name, crypto, pingTimeoutMs) {
  const peer = upstream(syncServer, `upstream-${name}`, pingTimeoutMs)
  const account = await Account.create({ creationProps: { name }, peers: [peer], crypto })
  await account.$jazz.waitForAllCoValuesSync({ timeout: SYNC_TIMEOUT_MS })
  return account
}

/**
 * Creates a worker account on `syncServer` and returns its credentials
 * (the values of JAZZ_WORKER_ACCOUNT and JAZZ_WORKER_SECRET).
 * `pingTimeoutMs`: see `createClient`.
 */
export async function createWorkerAccount(syncServer, name = 'cojson-native demo worker', { pingTimeoutMs } = {}) {
  const account = await newAccount(syncServer, name, await WasmCrypto.create(), pingTimeoutMs)
  const node = account.$jazz.localNode
  await Promise.all(
    [account.$jazz.raw.core, account.profile.$jazz.raw.core].map((core) =>
      node.syncManager.waitForSyncWithPeer(`upstream-${name}`, core.id, SYNC_TIMEOUT_MS),
    ),
  )
  const credentials = { accountID: account.$jazz.id, accountSecret: node.getCurrentAgent().agentSecret }
  node.gracefulShutdown()
  return credentials
}

/**
 * A client account on cojson's WasmCrypto; `shutdown()` closes its node.
 * `pingTimeoutMs` (default 10 s): how long the connection may go without the
 * server's ping before it is dropped; a busy benchmark process needs longer.
 */
export async function createClient(syncServer, name = 'demo client', { pingTimeoutMs } = {}) {
  const account = await newAccount(syncServer, name, await WasmCrypto.create(), pingTimeoutMs)
  return { account, shutdown: () => account.$jazz.localNode.gracefulShutdown() }
}
