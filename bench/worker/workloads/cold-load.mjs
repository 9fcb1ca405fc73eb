// Cold load: a fresh worker process loads one private CoMap whose history is
// a long run of `set`s (48k transactions), written once by a client before the
// rounds. The clock runs from `go` until the worker holds every transaction
// and has read the map's content.
import { canonicalJson, historyDigest, sha256 } from '../digest.mjs'
import { History } from '../schema.mjs'
import { covers, waitForSessions, yieldToLoop } from '../sync-wait.mjs'
import { groupReadableBy } from './fixture-group.mjs'

const KEYS = 1_000
const CHUNK = 1_000

function verifyReport(expected, report) {
  if (report.contentDigest !== expected.contentDigest) throw new Error('cold-load: the worker sees different content')
  if (report.history.transactions !== expected.history.transactions || report.history.sha256 !== expected.history.sha256) {
    throw new Error(`cold-load: history differs (worker ${report.history.transactions} tx, expected ${expected.history.transactions})`)
  }
}

export default {
  name: 'cold-load',
  selfTimed: true,
  throughput: () => undefined,
  describe: (sizes) => `cold load of a ${sizes.coldLoadTransactions / 1000}k-transaction history`,

  async fixture(ctx) {
    const group = await groupReadableBy(ctx.author, ctx.loader.accountID)
    const history = History.create({}, group)
    for (let i = 0; i < ctx.sizes.coldLoadTransactions; i++) {
      history.$jazz.set(`k${i % KEYS}`, i)
      if ((i + 1) % CHUNK === 0) await yieldToLoop()
    }
    await history.$jazz.waitForSync({ timeout: 120_000 })
    const core = history.$jazz.raw.core
    return {
      id: history.$jazz.id,
      sessions: core.knownState().sessions,
      contentDigest: sha256(canonicalJson(core.getCurrentContent().toJSON())),
      history: historyDigest(core),
    }
  },

  async beforeRun(ctx, fixture) {
    return { credentials: ctx.loader, params: { id: fixture.id, sessions: fixture.sessions }, run: {} }
  },

  verify(ctx, fixture, run, report) {
    verifyReport(fixture, report)
  },

  afterRun() {},

  worker: {
    prepare({ worker, params }) {
      return { worker, params }
    },

    async run(state) {
      const map = await History.load(state.params.id, { loadAs: state.worker })
      if (!map.$isLoaded) throw new Error(`cold-load: ${state.params.id} did not load`)
      const core = map.$jazz.raw.core
      if (!covers(core, state.params.sessions)) await waitForSessions(core, state.params.sessions, 60_000, 'the whole history')
      state.core = core
      state.content = core.getCurrentContent().toJSON()
    },

    report(state) {
      return { contentDigest: sha256(canonicalJson(state.content)), history: historyDigest(state.core) }
    },
  },
}
