// The timing machinery of `npm run bench`.
//
// Every case is run by every provider in the same process. A sample is one
// timed batch of calls per provider; providers take turns sample by sample
// (the order rotates every sample), so drift in CPU frequency, other load on
// the machine and GC pressure hit all providers alike. The reported figure
// for a provider is the median over samples of the time per call.
//
// Before timing, `check(outputs)` of the case compares the providers' outputs
// (deterministic operations must return identical bytes); a case whose
// providers disagree aborts the run.

import { performance } from 'node:perf_hooks'

/** Quick mode for CI: fewer and shorter samples. */
export const QUICK = process.env.BENCH_QUICK === '1'
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? (QUICK ? 9 : 31))
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? (QUICK ? 1.5 : 5))

let sink = 0
function consume(value) {
  // Keeps results observable so no call is optimised away.
  if (value === undefined || value === null) sink ^= 1
  else if (typeof value === 'boolean') sink ^= value ? 2 : 4
  else if (typeof value === 'string') sink ^= value.length
  else if (typeof value.length === 'number') sink ^= value.length
  else sink ^= 8
}

function timeBatch(fn, n) {
  const start = performance.now()
  for (let i = 0; i < n; i++) consume(fn(i))
  return ((performance.now() - start) * 1e3) / n // µs per call
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Calls per batch so that the slowest provider's batch takes about BATCH_MS. */
function calibrate(fns) {
  let n = 1
  for (;;) {
    const slowest = Math.max(...fns.map((fn) => timeBatch(fn, n) * n))
    if (slowest * 1e-3 >= BATCH_MS / 4 || n >= 1 << 22) {
      const perCall = slowest / n
      return Math.max(1, Math.round((BATCH_MS * 1e3) / perCall))
    }
    n *= 4
  }
}

/**
 * Times one case. `providers` maps provider name to a function `(i) => result`.
 * Returns `{ [provider]: medianMicroseconds }`.
 */
export function measure(providers) {
  const names = Object.keys(providers)
  const fns = names.map((name) => providers[name])
  // Warm-up: JIT, caches and lazily initialised state on every side.
  for (const fn of fns) timeBatch(fn, 64)
  const n = calibrate(fns)
  const samples = names.map(() => [])
  for (let s = 0; s < SAMPLES; s++) {
    for (let k = 0; k < names.length; k++) {
      const p = (k + s) % names.length
      samples[p].push(timeBatch(fns[p], n))
    }
  }
  return Object.fromEntries(names.map((name, p) => [name, median(samples[p])]))
}

/** Geometric mean of positive numbers. */
export function geomean(values) {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length)
}

/** Formats microseconds with three significant digits. */
export function fmtUs(us) {
  if (us === undefined) return '—'
  if (us >= 100) return us.toFixed(0)
  if (us >= 10) return us.toFixed(1)
  if (us >= 1) return us.toFixed(2)
  return us.toFixed(3)
}

/** Formats a ratio as `1.23×`. */
export function fmtRatio(r) {
  return r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`
}

/** Prints a Markdown table. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  console.log(line(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}

/** Hex of bytes-like values, for comparing outputs. */
export const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/** Throws unless every entry of `outputs` equals the first. */
export function assertSame(name, outputs) {
  const entries = Object.entries(outputs).map(([k, v]) => [k, normalise(v)])
  const [firstName, first] = entries[0]
  for (const [k, v] of entries.slice(1)) {
    if (v !== first) throw new Error(`${name}: ${k} returned ${v.slice(0, 80)}…, ${firstName} returned ${first.slice(0, 80)}…`)
  }
}

function normalise(value) {
  if (value instanceof Uint8Array) return `bytes:${hex(value)}`
  if (Array.isArray(value)) return `[${value.map(normalise).join(',')}]`
  return JSON.stringify(value)
}

export { sink }
