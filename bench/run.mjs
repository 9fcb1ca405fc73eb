// `npm run bench` (BENCH_QUICK=1 for a short CI run).
//
// One process. Providers are timed sample by sample in rotating order (see
// harness.mjs). Columns:
//   ours, ref, wasm  median µs per call of this addon, cojson-core-napi@0.20.19
//                    and cojson-core-wasm@0.20.19
//   A/A              the reference timed a second time as if it were another
//                    provider: ref / ref-again. Its spread around 1.00× is the
//                    noise floor of the ratios.
//   ref/ours         speedup over the reference (> 1 means we are faster)
//   wasm/ours        speedup over the WebAssembly build

import { createRequire } from 'node:module'
import { register } from 'node:module'
import os from 'node:os'
import { measure, geomean, fmtUs, fmtRatio, table, assertSame, QUICK } from './harness.mjs'
import { rawCases } from './raw.mjs'

const require = createRequire(import.meta.url)
register('./hooks.mjs', import.meta.url)

const ours = require('../index.js')
const ref = require('cojson-core-napi')
const wasm = await import('cojson-core-wasm')
await wasm.initialize()

const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null

/** Runs a list of cases over `impls` ({ name: module }), prints a table. */
function runSection(title, cases, impls) {
  console.log(`\n## ${title}\n`)
  const rows = []
  const ratios = { ref: [], wasm: [], aa: [] }
  let extraNames = []
  for (const c of cases) {
    if (only && !only.test(c.name)) continue
    const fns = Object.fromEntries(Object.entries(impls).map(([name, m]) => [name, c.make(m)]))
    const outputs = Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, fn(0)]))
    if (c.check === 'same') assertSame(c.name, outputs)
    else if (typeof c.check === 'function') c.check(outputs)
    const extra = Object.keys(fns).filter((name) => !['ours', 'ref', 'wasm'].includes(name))
    const t = measure({ ours: fns.ours, ref: fns.ref, 'ref-again': fns.ref, ...(fns.wasm ? { wasm: fns.wasm } : {}), ...Object.fromEntries(extra.map((n) => [n, fns[n]])) })
    const aa = t.ref / t['ref-again']
    const vsRef = t.ref / t.ours
    const vsWasm = t.wasm === undefined ? undefined : t.wasm / t.ours
    ratios.ref.push(vsRef)
    ratios.aa.push(aa)
    if (vsWasm !== undefined) ratios.wasm.push(vsWasm)
    for (const name of extra) (ratios[name] ??= []).push(t.ref / t[name])
    extraNames = extra
    rows.push([c.name, fmtUs(t.ours), fmtUs(t.ref), fmtUs(t.wasm), fmtRatio(aa), fmtRatio(vsRef), fmtRatio(vsWasm), ...extra.flatMap((n) => [fmtUs(t[n]), fmtRatio(t.ref / t[n])])])
  }
  if (rows.length === 0) return null
  const summary = {
    ref: geomean(ratios.ref),
    wasm: ratios.wasm.length ? geomean(ratios.wasm) : undefined,
    aa: geomean(ratios.aa),
    worst: Math.min(...ratios.ref),
  }
  for (const n of extraNames) {
    summary[n] = geomean(ratios[n])
    summary[`${n}Worst`] = Math.min(...ratios[n])
  }
  rows.push(['**geometric mean**', '', '', '', fmtRatio(summary.aa), `**${fmtRatio(summary.ref)}**`, fmtRatio(summary.wasm), ...extraNames.flatMap((n) => ['', `**${fmtRatio(summary[n])}**`])])
  table(['operation', 'ours µs', 'ref µs', 'wasm µs', 'A/A', 'ref/ours', 'wasm/ours', ...extraNames.flatMap((n) => [`${n} µs`, `ref/${n}`])], rows)
  console.log(`\nslowest ratio vs reference: ${fmtRatio(summary.worst)}`)
  for (const n of extraNames) console.log(`${n}: geometric mean ${fmtRatio(summary[n])} over the reference, slowest ${fmtRatio(summary[`${n}Worst`])}`)
  return summary
}

console.log(`# cojson-native benchmark${QUICK ? ' (quick mode)' : ''}`)
console.log(`\nNode ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, ${os.platform()} ${os.arch()}`)
const started = Date.now()
const summaries = {}
summaries.raw = runSection('Raw functions (cojson-core-napi interface)', rawCases(ref), { ours, ref, wasm })

const { providerSection, loadProviders } = await import('./provider.mjs')
const providers = await loadProviders()
summaries.provider = await providerSection(runSection, providers)

const { sessionMapSection } = await import('./session-map.mjs')
Object.assign(summaries, await sessionMapSection(runSection, { ours, ref, wasm }, providers))

if (process.env.BENCH_MEMORY !== '0') {
  const { memorySection } = await import('./memory.mjs')
  memorySection()
  const { receivedMemorySection } = await import('./received-memory.mjs')
  receivedMemorySection(QUICK ? { sizes: [1] } : {})
}

if (process.env.BENCH_EXTRAS !== '0') {
  const { extraSection } = await import('./extras.mjs')
  await extraSection(ours, ref)
}

console.log('\n## Summary\n')
for (const [name, s] of Object.entries(summaries)) {
  if (s) console.log(`${name}: geometric-mean speedup ${fmtRatio(s.ref)} over cojson-core-napi (A/A ${fmtRatio(s.aa)}), ${fmtRatio(s.wasm)} over wasm; slowest ${fmtRatio(s.worst)}`)
}
console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s`)
