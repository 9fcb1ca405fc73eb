// Resident memory per stored SessionMap transaction, ours against the
// reference: one child process per implementation and transaction kind (so
// neither sees the other's heap), each storing 100,000 transactions
// (100 sessions × a verified 1,000-transaction batch) in one map.
//
// Reports the RSS growth and the V8 heap growth per transaction, measured
// after a forced GC, minus the JSON text itself (the bytes any
// implementation must keep), so the "overhead" column is what the
// implementation adds per transaction.
//
//   node bench/memory.mjs            # table for both kinds
//   node --expose-gc bench/memory.mjs child <impl> <kind>   # one measurement

import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { table } from './harness.mjs'

const require = createRequire(import.meta.url)
const SESSIONS = Number(process.env.BENCH_MEMORY_SESSIONS ?? 100)

async function measureChild(impl, kind) {
  const { sessionMapFixture, sessionMapCases } = await import('./session-map.mjs')
  const ref = require('cojson-core-napi')
  const m = impl === 'ours' ? require('../index.js') : ref
  const fx = sessionMapFixture(ref)
  const { makeBatch } = sessionMapCases(fx)
  const batch = makeBatch(new ref.SessionMap(fx.coId, fx.headerJson, null, false), kind)
  const payloadBytes = Buffer.byteLength(batch.json) - 2 - 999 // without `[`, `]` and commas
  const settle = () => {
    for (let k = 0; k < 3; k++) globalThis.gc()
  }
  settle()
  const before = process.memoryUsage()
  const map = new m.SessionMap(fx.coId, fx.headerJson, null, false)
  for (let s = 0; s < SESSIONS; s++) map.addTransactions(fx.session(`m${s}`), fx.signerId, batch.json, batch.signature, false)
  settle()
  const after = process.memoryUsage()
  const count = SESSIONS * 1000
  if (map.getTransactionCount(fx.session('m0')) !== 1000) throw new Error('map not filled')
  const result = {
    rss: (after.rss - before.rss) / count,
    heap: (after.heapUsed - before.heapUsed) / count,
    json: payloadBytes / 1000,
  }
  process.stdout.write(JSON.stringify(result))
}

export function memorySection() {
  console.log(`\n## Memory per stored transaction (${SESSIONS * 1000} transactions in one map, one child process each)\n`)
  const script = fileURLToPath(import.meta.url)
  const rows = []
  for (const kind of ['trusting', 'private']) {
    const runs = {}
    for (const impl of ['ref', 'ours']) {
      const out = execFileSync(process.execPath, ['--expose-gc', script, 'child', impl, kind], { encoding: 'utf8' })
      runs[impl] = JSON.parse(out)
    }
    const { json } = runs.ref
    rows.push([
      kind,
      json.toFixed(0),
      runs.ref.rss.toFixed(0),
      runs.ours.rss.toFixed(0),
      (runs.ref.rss - json).toFixed(0),
      (runs.ours.rss - json).toFixed(0),
      runs.ref.heap.toFixed(1),
      runs.ours.heap.toFixed(1),
      `${(runs.ref.rss / runs.ours.rss).toFixed(2)}×`,
    ])
  }
  table(
    ['transactions', 'JSON B/tx', 'ref RSS B/tx', 'ours RSS B/tx', 'ref overhead', 'ours overhead', 'ref heap B/tx', 'ours heap B/tx', 'ref/ours RSS'],
    rows,
  )
}

if (process.argv[2] === 'child') await measureChild(process.argv[3], process.argv[4])
else if (process.argv[1] === fileURLToPath(import.meta.url)) memorySection()
