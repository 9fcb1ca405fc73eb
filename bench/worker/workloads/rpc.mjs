// JazzRPC: a client sends 400 requests to the worker's HTTP endpoint
// (jazz-tools' experimental_defineRequest), 16 in flight. The worker verifies
// each signed request, counts it in a counter it owns and answers with a
// CoValue shared with the caller. The clock runs from `go` until the client
// has every answer. Every run has a new worker account.
import { createServer } from 'node:http'
import { Group } from 'jazz-tools'
import { canonicalJson, historyDigest, sha256 } from '../digest.mjs'
import { defineEcho, Ledger } from '../schema.mjs'
import { clientView, inFlight, sameHistory } from './client-side.mjs'

const MAX_BODY_BYTES = 1 << 20

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) req.destroy(new Error('request body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The worker's endpoint: POST / handled by `route`, on 127.0.0.1. */
async function serve(handle) {
  const server = createServer(async (req, res) => {
    try {
      const request = new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: await readBody(req) })
      const response = await handle(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(await response.text())
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: error?.message ?? String(error) }))
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return `http://127.0.0.1:${server.address().port}/`
}

export default {
  name: 'rpc',
  selfTimed: false,
  throughput: (sizes) => ({ count: sizes.rpcRequests, unit: 'req/s' }),
  describe: (sizes) => `JazzRPC, ${sizes.rpcRequests} requests, ${sizes.rpcInFlight} in flight`,

  fixture() {
    return {}
  },

  async beforeRun(ctx) {
    const credentials = await ctx.newWorkerAccount()
    const client = await ctx.newClient()
    return { credentials, params: {}, run: { client, workerID: credentials.accountID, tickets: [] } }
  },

  async drive(ctx, fixture, run, ready) {
    const route = defineEcho({ url: ready.url, workerId: run.workerID })
    await inFlight(ctx.sizes.rpcRequests, ctx.sizes.rpcInFlight, async (n) => {
      const answer = await route.send({ n }, { owner: run.client.account })
      if (answer.n !== n || answer.doubled !== 2 * n) throw new Error(`rpc: request ${n} answered ${answer.n}, ${answer.doubled}`)
      run.tickets.push(answer.ticket)
    })
  },

  async verify(ctx, fixture, run, report) {
    const count = ctx.sizes.rpcRequests
    const tickets = [...run.tickets].sort((a, b) => a - b)
    if (tickets.some((ticket, i) => ticket !== i + 1)) throw new Error('rpc: tickets are not 1…n, each once')
    const sent = Array.from({ length: count }, (_, n) => n)
    if (report.requests !== sha256(canonicalJson(sent))) throw new Error('rpc: the worker read different requests than were sent')
    const view = await clientView(Ledger, report.counterID, run.client.account, report.sessions, 'the counter')
    if (view.content.count !== count) throw new Error(`rpc: the counter says ${view.content.count}, expected ${count}`)
    if (view.contentDigest !== report.content) throw new Error('rpc: the worker and the client see different counters')
    sameHistory('rpc counter', report.history, view.history)
  },

  afterRun(run) {
    run.client?.shutdown()
  },

  worker: {
    async prepare({ worker }) {
      const group = Group.create({ owner: worker })
      group.makePublic()
      const counter = Ledger.create({ total: 0, count: 0 }, group)
      await counter.$jazz.waitForSync()
      const state = { counter, count: 0, received: [] }
      let route
      const url = await serve((request) =>
        route.handle(request, worker, (req) => {
          state.received.push(req.n)
          state.count += 1
          counter.$jazz.set('count', state.count)
          return { n: req.n, doubled: 2 * req.n, ticket: state.count }
        }),
      )
      route = defineEcho({ url, workerId: worker.$jazz.id })
      state.info = { url }
      return state
    },

    run() {},

    report(state) {
      const core = state.counter.$jazz.raw.core
      return {
        counterID: state.counter.$jazz.id,
        sessions: core.knownState().sessions,
        requests: sha256(canonicalJson([...state.received].sort((a, b) => a - b))),
        content: sha256(canonicalJson(core.getCurrentContent().toJSON())),
        history: historyDigest(core),
      }
    },
  },
}
