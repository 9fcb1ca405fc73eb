// An in-memory Jazz sync server: a cojson LocalNode that accepts WebSocket
// clients as peers, the way Jazz's own sync server does (one
// `createWebSocketPeer` per connection, role "client", plus a ping so clients
// know the connection is live). Listens on 127.0.0.1 only.
import { createServer } from 'node:http'
import { LocalNode } from 'cojson'
import { WasmCrypto } from 'cojson/crypto/WasmCrypto'
import { createWebSocketPeer } from 'cojson-transport-ws'
import { WebSocketServer } from 'ws'

const PING_INTERVAL_MS = 1500

/**
 * Starts the server on a free port (or `port`).
 * @returns {Promise<{ url: string, port: number, localNode: LocalNode, close(): Promise<void> }>}
 */
export async function startSyncServer({ port = 0, host = '127.0.0.1' } = {}) {
  const crypto = await WasmCrypto.create()
  const agentSecret = crypto.newRandomAgentSecret()
  const localNode = new LocalNode(agentSecret, crypto.newRandomSessionID(crypto.getAgentID(agentSecret)), crypto)

  const server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404)
    res.end(req.url === '/health' ? 'ok' : '')
  })
  const wss = new WebSocketServer({ noServer: true })
  const sockets = new Set()
  let clients = 0

  wss.on('connection', (ws) => {
    sockets.add(ws)
    const ping = () => ws.send(JSON.stringify({ type: 'ping', time: Date.now(), dc: 'local' }))
    const pinging = setInterval(ping, PING_INTERVAL_MS)
    ping()
    ws.on('close', () => {
      clearInterval(pinging)
      sockets.delete(ws)
    })
    ws.on('error', () => {})
    clients += 1
    localNode.syncManager.addPeer(
      createWebSocketPeer({
        id: `client-${clients}`,
        role: 'client',
        websocket: ws,
        expectPings: false,
        batchingByDefault: false,
        deletePeerStateOnClose: true,
      }),
    )
  })
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const actual = server.address().port
  return {
    url: `ws://${host}:${actual}`,
    port: actual,
    localNode,
    async close() {
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise((resolve) => server.close(resolve))
      localNode.gracefulShutdown()
    },
  }
}
