// JazzRPC: 400 requests to the worker's HTTP endpoint (jazz-tools'
// experimental_defineRequest), 16 in flight. Each is a real signed request
// made by a WasmCrypto client's `route.send`, captured on its way out before
// the clock starts (the client's own work would otherwise be the bottleneck
// in this one process, not the worker; requests stay valid for 60 s). At `go`
// the parent POSTs them; the worker verifies each, counts it in a counter it
// owns and answers with a CoValue shared with the caller, once the sync
// server has everything it wrote. The clock runs until every answer is in.
// After the clock the client checks every answer's signature (the worker's)
// and content. Every run has a new worker account.
import { createServer } from 'node:http'
import { co, importContentPieces } from 'jazz-tools'
import { readBody } from '../../../demo/ticket-endpoint.mjs'
import { withTimeout } from '../../../demo/util.mjs'
import { canonicalJson, coreReport, sha256 } from '../digest.mjs'
import { defineEcho, Ledger } from '../schema.mjs'
import { clientView, closeFreshServer, freshServer, inFlight, sameAsClient } from './client-side.mjs'
import { createPublic } from './worker-side.mjs'

const RECORDED = 599
const SYNC_TIMEOUT_MS = 60_000

/** An HTTP server on 127.0.0.1 answering every POST with `respond(body)` ({ status, headers, text }). */
async function serve(respond) {
  const server = createServer(async (req, res) => {
    try {
      const { status, headers, text } = await respond(await readBody(req))
      res.writeHead(status, headers).end(text)
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: error?.message ?? String(error) }))
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) }
}

/** Makes `count` requests with `route.send` against a recorder and returns their bodies. */
async function captureRequests({ count, inFlightLimit, workerID, client }) {
  const bodies = []
  const recorder = await serve((body) => {
    bodies.push(body)
    const error = { message: 'recorded', code: RECORDED }
    return { status: RECORDED, headers: { 'content-type': 'application/json', 'X-Jazz-Request-Error': 'true' }, text: JSON.stringify(error) }
  })
  try {
    const route = defineEcho({ url: recorder.url, workerId: workerID })
    await inFlight(count, inFlightLimit, async (n) => {
      const outcome = await route.send({ n }, { owner: client }).then(
        () => new Error('rpc: the recorder was answered as if it were the worker'),
        (error) => (error?.code === RECORDED ? undefined : error),
      )
      if (outcome) throw outcome
    })
  } finally {
    await recorder.close()
  }
  return bodies
}

/** Checks one answer as `route.send` would (signature, then content) and returns its fields. */
async function openAnswer(text, client, workerSignerID) {
  const { type, payload } = JSON.parse(text)
  if (type !== 'success') throw new Error(`rpc: an answer of type ${type}`)
  const crypto = client.$jazz.localNode.crypto
  const { contentPieces, id, createdAt, signerID, authToken } = payload
  if (signerID !== workerSignerID) throw new Error('rpc: an answer is not signed by the worker')
  if (!crypto.verify(authToken, crypto.secureHash({ contentPieces, id, createdAt, signerID }), signerID)) {
    throw new Error('rpc: an answer has a bad signature')
  }
  importContentPieces(contentPieces, client)
  const answer = await defineEcho({ url: 'http://127.0.0.1/', workerId: 'unused' }).responseSchema.load(id, { loadAs: client })
  if (!answer.$isLoaded) throw new Error(`rpc: answer ${id} does not load`)
  return { n: answer.n, doubled: answer.doubled, ticket: answer.ticket }
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
    const { server, credentials, client } = await freshServer()
    return { syncServer: server.url, credentials, params: {}, run: { server, client, workerID: credentials.accountID, bodies: [], answers: [] } }
  },

  // With the worker up and waiting: the requests, made as late as possible so none expires.
  async beforeGo(ctx, fixture, run) {
    const client = run.client.account
    run.bodies = await captureRequests({ count: ctx.sizes.rpcRequests, inFlightLimit: ctx.sizes.rpcInFlight, workerID: run.workerID, client })
    await withTimeout(client.$jazz.waitForAllCoValuesSync(), SYNC_TIMEOUT_MS, 'the requests to reach the sync server')
  },

  async drive(ctx, fixture, run, ready) {
    await inFlight(run.bodies.length, ctx.sizes.rpcInFlight, async (i) => {
      const response = await fetch(ready.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: run.bodies[i] })
      const text = await response.text()
      if (!response.ok) throw new Error(`rpc: request ${i} answered ${response.status}: ${text.slice(0, 300)}`)
      run.answers.push(text)
    })
  },

  async verify(ctx, fixture, run, report) {
    const count = ctx.sizes.rpcRequests
    const client = run.client.account
    const worker = await co.account().load(run.workerID, { loadAs: client })
    const workerSignerID = client.$jazz.localNode.crypto.getAgentSignerID(worker.$jazz.raw.currentAgentID())
    const answers = []
    for (const text of run.answers) answers.push(await openAnswer(text, client, workerSignerID))
    answers.sort((a, b) => a.n - b.n)
    if (answers.length !== count || answers.some((a, i) => a.n !== i || a.doubled !== 2 * i)) throw new Error('rpc: the answers are not n → 2n for every request')
    const tickets = answers.map((a) => a.ticket).sort((a, b) => a - b)
    if (tickets.some((ticket, i) => ticket !== i + 1)) throw new Error('rpc: tickets are not 1…n, each once')
    if (report.requests !== sha256(canonicalJson(answers.map((a) => a.n)))) throw new Error('rpc: the worker read different requests than were sent')
    const view = await clientView(Ledger, report.counterID, client, report.counter.sessions, 'the counter')
    if (view.content.count !== count) throw new Error(`rpc: the counter says ${view.content.count}, expected ${count}`)
    sameAsClient('rpc counter', report.counter, view)
  },

  afterRun: closeFreshServer,

  worker: {
    async prepare({ worker }) {
      const counter = await createPublic(Ledger, { total: 0, count: 0 }, worker)
      const state = { counter, count: 0, received: [] }
      let route
      const endpoint = await serve(async (body) => {
        const request = new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        const response = await route.handle(request, worker, (req) => {
          state.received.push(req.n)
          state.count += 1
          counter.$jazz.set('count', state.count)
          return { n: req.n, doubled: 2 * req.n, ticket: state.count }
        })
        return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() }
      })
      route = defineEcho({ url: endpoint.url, workerId: worker.$jazz.id })
      state.info = { url: endpoint.url }
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
