import { createRequire } from 'node:module'
import { measure, fmtUs } from './harness.mjs'
const require = createRequire(import.meta.url)
const ours = require('../index.js'), ref = require('cojson-core-napi')
const { sessionMapFixture } = await import('./session-map.mjs')
const fx = sessionMapFixture(ref)
const maps = {}
for (const [n, m] of Object.entries({ ours, ref })) {
  const map = new m.SessionMap(fx.coId, fx.headerJson, null, false)
  for (let k = 0; k < 10; k++) map.makeNewTrustingTransaction(fx.session('a'), fx.signerSecret, fx.changes, null, fx.madeAt)
  maps[n] = map
}
const s = fx.session('a')
const probes = {
  isDeleted: (m) => () => m.isDeleted(),
  getTransactionCount: (m) => () => m.getTransactionCount(s),
  getTransaction: (m) => () => m.getTransaction(s, 3),
  getLastSignature: (m) => () => m.getLastSignature(s),
  getHeader: (m) => () => m.getHeader(),
  newHasher: (m) => () => new (m === maps.ours ? ours : ref).Blake3Hasher(),
  newMapSkip: (m) => () => new (m === maps.ours ? ours : ref).SessionMap(fx.coId, fx.headerJson, null, true),
}
for (const [name, p] of Object.entries(probes)) {
  const t = measure({ ours: p(maps.ours), ref: p(maps.ref) })
  console.log(name.padEnd(22), fmtUs(t.ours), fmtUs(t.ref), (t.ref / t.ours).toFixed(2))
}
