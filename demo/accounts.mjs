// Accounts for the demo: a new worker account (the way `npx jazz-run account
// create` makes one: created with creationProps, so it gets a profile and an
// inbox) and client accounts, each on its own WebSocket to the sync server.
import { createWebSocketPeer } from 'cojson-transport-ws'
import { WasmCrypto } from 'cojson/crypto/WasmCrypto'
import { Account } from 'jazz-tools'
import { WebSocket } from 'ws'

const SYNC_TIMEOUT_MS = 10_000

function upstream(syncServer, id) {
  return createWebSocketPeer({ id, websocket: new WebSocket(syncServer), role: 'server' })
}

async function newAccount(syncServer, name, crypto) {
  const peer = upstream(syncServer, `upstream-${name}`)
  const account = await Account.create({ creationProps: { name }, peers: [peer], crypto })
  await account.$jazz.waitForAllCoValuesSync({ timeout: SYNC_TIMEOUT_MS })
  return account
}

/**
 * Creates a worker account on `syncServer` and returns its credentials
 * (the values of JAZZ_WORKER_ACCOUNT and JAZZ_WORKER_SECRET).
 */
export async function createWorkerAccount(syncServer, name = 'cojson-native demo worker') {
  const account = await newAccount(syncServer, name, await WasmCrypto.create())
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

/** A client account on cojson's WasmCrypto; `shutdown()` closes its node. */
export async function createClient(syncServer, name = 'demo client') {
  const account = await newAccount(syncServer, name, await WasmCrypto.create())
  return { account, shutdown: () => account.$jazz.localNode.gracefulShutdown() }
}
