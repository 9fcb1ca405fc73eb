// JazzRPC: a client sends 400 requests to the worker's HTTP endpoint
// (jazz-tools' experimental_defineRequest), 16 in flight. The worker verifies
// each signed request, counts it in a counter it owns and answers with a
// CoValue shared with the caller. The clock runs from `go` until the client
// has every answer. Every run has a new worker account.
import { createServer } from 'node:http'
import { readBody } from '../../../demo/ticket-endpoint.mjs'
import { canonicalJson, coreReport, sha256 } from '../digest.mjs'
import { defineEcho, Ledger } from '../schema.mjs'
import { clientView, inFlight, sameAsClient, shutdownClient } from './client-side.mjs'
import { createPublic } from './worker-side.mjs'

/** The worker's endpoint on 127.0.0.1: every POST goes to `handle` (a Request → Response). */
async function serve(handle) {
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req)
      const response = await handle(new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
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
    const view = await clientView(Ledger, report.counterID, run.client.account, report.counter.sessions, 'the counter')
    if (view.content.count !== count) throw new Error(`rpc: the counter says ${view.content.count}, expected ${count}`)
    sameAsClient('rpc counter', report.counter, view)
  },

  afterRun: shutdownClient,

  worker: {
    async prepare({ worker }) {
      const counter = await createPublic(Ledger, { total: 0, count: 0 }, worker)
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
      return {
        counterID: state.counter.$jazz.id,
        counter: coreReport(state.counter.$jazz.raw.core),
        requests: sha256(canonicalJson([...state.received].sort((a, b) => a - b))),
      }
    },
  },
}
