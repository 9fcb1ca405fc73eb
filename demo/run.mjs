// The whole demo as one function, used by `npm start` (demo/main.mjs) and the
// tests: a sync server (embedded unless given), a worker account, a worker on
// cojson-native, a client on cojson's WasmCrypto, and both server-worker
// patterns between them.
import { startWorker } from 'jazz-tools/worker'
import { WebSocket } from 'ws'
import { WorkerHandle, workerOptions } from '../crypto/index.mjs'
import { createClient, createWorkerAccount } from './accounts.mjs'
import { runInboxFlow, serveBalances } from './inbox-balance.mjs'
import { Balance } from './schema.mjs'
import { startSyncServer } from './sync-server.mjs'
import { runTicketFlow, startTicketServer } from './ticket-endpoint.mjs'
import { withTimeout } from './util.mjs'

export const DEFAULT_ITEMS = [
  { name: 'coffee', price: 30 },
  { name: 'book', price: 45 },
  { name: 'laptop', price: 999 },
  { name: 'tea', price: 5 },
]

/**
 * @param {object} options
 * @param {string} [options.syncServer] an external sync server; default: start one on 127.0.0.1
 * @param {{ accountID: string, accountSecret: string } | 'env'} [options.credentials]
 *   the worker's; default: a new account on the sync server. 'env' reads
 *   JAZZ_WORKER_ACCOUNT / JAZZ_WORKER_SECRET.
 * @param {'native' | 'napi'} [options.crypto] the worker's provider: NativeCrypto
 *   (default) or cojson's NapiCrypto on whatever `cojson-core-napi` resolves to
 * @param {number} [options.capacity] seats of the ticketed event
 * @param {number} [options.timeoutMs] bound on the whole run
 * @param {(line: string) => void} [options.log]
 */
export async function runDemo(options = {}) {
  const { crypto = 'native', capacity = 3, timeoutMs = 60_000, log = () => {} } = options
  const cleanups = []
  const run = async () => {
    let syncServer = options.syncServer
    if (!syncServer) {
      const server = await startSyncServer()
      cleanups.push(() => server.close())
      syncServer = server.url
      log(`sync server: ${syncServer} (in memory)`)
    } else {
      log(`sync server: ${syncServer}`)
    }

    let credentials = options.credentials
    if (!credentials) {
      credentials = await createWorkerAccount(syncServer)
      log(`worker account: ${credentials.accountID} (new)`)
    }
    const handle = credentials === 'env' ? new WorkerHandle() : new WorkerHandle(credentials)
    cleanups.push(() => handle.close())
    log(`worker handle: account ${handle.accountID}, agent ${handle.agentID}`)

    const workerOpts = await workerOptions(handle, { syncServer, WebSocket, asActiveAccount: false })
    if (crypto === 'napi') {
      const { NapiCrypto } = await import('cojson/crypto/NapiCrypto')
      workerOpts.crypto = await NapiCrypto.create()
    }
    log(`worker crypto: ${workerOpts.crypto.constructor.name}`)
    const started = await startWorker(workerOpts)
    cleanups.push(() => started.shutdownWorker())
    const { worker } = started
    const stopServing = serveBalances({ worker, inbox: started.experimental.inbox })
    cleanups.push(() => stopServing())

    const ticketServer = await startTicketServer({ worker, capacity })
    cleanups.push(() => ticketServer.close())
    log(`ticket endpoint: POST ${ticketServer.url}`)

    const client = await createClient(syncServer)
    cleanups.push(() => client.shutdown())
    log(`client account: ${client.account.$jazz.id} (WasmCrypto)`)

    log('inbox balance service:')
    const inbox = await runInboxFlow({ client: client.account, workerID: worker.$jazz.id, items: DEFAULT_ITEMS, log })
    const workerView = await Balance.load(inbox.balanceID, { loadAs: worker })
    inbox.workerSeesAmount = workerView.amount

    log(`http endpoint (event with ${capacity} seats):`)
    const tickets = await runTicketFlow({
      client: client.account,
      ticketServer,
      workerID: worker.$jazz.id,
      bookings: capacity + 1,
      log,
    })
    tickets.booked = ticketServer.event.booked

    return {
      crypto: workerOpts.crypto.constructor.name,
      workerID: worker.$jazz.id,
      inbox,
      tickets,
      stats: handle.stats().filter((s) => s.calls > 0),
      cache: workerOpts.crypto.engine?.cacheStats(),
    }
  }
  try {
    return await withTimeout(run(), timeoutMs, 'the demo')
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await withTimeout(Promise.resolve(cleanup()), 5_000, 'a cleanup step')
      } catch (error) {
        log(`cleanup: ${error.message}`)
      }
    }
  }
}
