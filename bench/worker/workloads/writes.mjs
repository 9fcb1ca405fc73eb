// Worker writes: the worker makes 30k `set`s on a CoMap it owns (encrypted,
// in a group everyone can read; in chunks of 1,000, yielding to the event
// loop between them so syncing runs alongside). The clock runs from `go`
// until the sync server holds all of them. Every run has a new worker account.
import { canonicalJson, coreReport, sha256 } from '../digest.mjs'
import { History } from '../schema.mjs'
import { waitForSessions, yieldToLoop } from '../sync-wait.mjs'
import { clientView, closeFreshServer, freshServer, sameAsClient } from './client-side.mjs'
import { createPublic } from './worker-side.mjs'

const KEYS = 1_000
const CHUNK = 1_000

/** The map's content after `count` sets of `k${i % KEYS}` = i. */
function expectedContent(count) {
  const content = {}
  for (let i = Math.max(0, count - KEYS); i < count; i++) content[`k${i % KEYS}`] = i
  return content
}

export default {
  name: 'writes',
  selfTimed: false,
  throughput: (sizes) => ({ count: sizes.writes, unit: 'sets/s' }),
  describe: (sizes) => `worker writes, ${sizes.writes / 1000}k sets`,

  fixture() {
    return {}
  },

  async beforeRun(ctx) {
    const { server, credentials, client } = await freshServer()
    return { syncServer: server.url, credentials, params: { count: ctx.sizes.writes }, run: { server, client } }
  },

  // Until the sync server's copy of the map holds every set.
  async drive(ctx, fixture, run, ready) {
    const core = run.server.localNode.getCoValue(ready.mapID)
    await waitForSessions(core, { [ready.sessionID]: ready.finalCount }, 120_000, 'the sync server to hold every write')
  },

  async verify(ctx, fixture, run, report) {
    const expected = sha256(canonicalJson(expectedContent(ctx.sizes.writes)))
    if (report.map.contentDigest !== expected) throw new Error("writes: the worker's map has unexpected content")
    const view = await clientView(History, report.mapID, run.client.account, report.map.sessions, 'the written map')
    sameAsClient('writes', report.map, view)
  },

  afterRun: closeFreshServer,

  worker: {
    async prepare({ worker, params }) {
      const map = await createPublic(History, {}, worker)
      const sessionID = worker.$jazz.localNode.currentSessionID
      const initial = map.$jazz.raw.core.knownState().sessions[sessionID] ?? 0
      return { map, count: params.count, info: { mapID: map.$jazz.id, sessionID, finalCount: initial + params.count } }
    },

    async run(state) {
      for (let i = 0; i < state.count; i++) {
        state.map.$jazz.set(`k${i % KEYS}`, i)
        if ((i + 1) % CHUNK === 0) await yieldToLoop()
      }
    },

    report(state) {
      return { mapID: state.map.$jazz.id, map: coreReport(state.map.$jazz.raw.core) }
    },
  },
}
