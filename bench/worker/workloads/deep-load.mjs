// Deep load: a fresh worker process loads a private CoList of 1,000 CoMaps
// with `resolve: { $each: true }`, written once by a client before the
// rounds. The clock runs from `go` until the load resolves and the worker has
// read every map.
import { canonicalJson, combinedDigest, sha256 } from '../digest.mjs'
import { Item, ItemList } from '../schema.mjs'
import { groupReadableBy } from './fixture-group.mjs'

const fields = (item) => ({ name: item.name, index: item.index, tags: [...item.tags] })
const cores = (list) => [list.$jazz.raw.core, ...list.map((item) => item.$jazz.raw.core)]

export default {
  name: 'deep-load',
  selfTimed: true,
  throughput: () => undefined,
  describe: (sizes) => `deep load, ${sizes.deepLoadMaps.toLocaleString('en')} CoMaps`,

  async fixture(ctx) {
    const group = await groupReadableBy(ctx.author, ctx.loader.accountID)
    const items = []
    for (let i = 0; i < ctx.sizes.deepLoadMaps; i++) {
      items.push(Item.create({ name: `item ${i}`, index: i, tags: [`t${i % 7}`, `u${i % 13}`] }, group))
    }
    const list = ItemList.create(items, group)
    await ctx.author.$jazz.waitForAllCoValuesSync({ timeout: 120_000 })
    return {
      id: list.$jazz.id,
      contentDigest: sha256(canonicalJson(list.map(fields))),
      history: combinedDigest(cores(list)),
    }
  },

  async beforeRun(ctx, fixture) {
    return { credentials: ctx.loader, params: { id: fixture.id }, run: {} }
  },

  verify(ctx, fixture, run, report) {
    if (report.contentDigest !== fixture.contentDigest) throw new Error('deep-load: the worker sees different content')
    if (report.history.transactions !== fixture.history.transactions || report.history.sha256 !== fixture.history.sha256) {
      throw new Error(`deep-load: history differs (worker ${report.history.transactions} tx, expected ${fixture.history.transactions})`)
    }
  },

  afterRun() {},

  worker: {
    prepare({ worker, params }) {
      return { worker, params }
    },

    async run(state) {
      const list = await ItemList.load(state.params.id, { loadAs: state.worker, resolve: { $each: true } })
      if (!list.$isLoaded) throw new Error(`deep-load: ${state.params.id} did not load`)
      state.list = list
      state.items = list.map(fields)
    },

    report(state) {
      return { contentDigest: sha256(canonicalJson(state.items)), history: combinedDigest(cores(state.list)) }
    },
  },
}
