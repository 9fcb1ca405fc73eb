// `node bench/async-pool.mjs [baseline.node]`: where the *Async work runs
// matters when libuv's thread pool is busy.
//
// The addon runs `verifyAsync` and friends on its own tokio threads; until
// this change they were napi `AsyncTask`s on libuv's pool, which has 4
// threads by default and is shared with file system, DNS and zlib work. This
// measures async verify throughput (and the latency of one call) with the
// pool idle and with it saturated by file reads, by zlib, and by both, for
// this build and, if given, a baseline build of the same addon whose async
// exports are AsyncTasks (e.g. main before the change):
//
//   git archive 14d026a | tar -x -C /tmp/base
//   (cd /tmp/base && CARGO_TARGET_DIR=/tmp/base-target cargo build --release --locked)
//   cp /tmp/base-target/release/libcojson_native.so /tmp/cojson-native-libuv.node
//   node bench/async-pool.mjs /tmp/cojson-native-libuv.node
//
// Both builds are loaded into one process and measured in alternating
// rounds (the order rotates), under the same background load. Columns:
//   verify/s      async verifies completed per second, 64 kept in flight
//   one call ms   median time from calling verifyAsync to its result, one in
//                 flight at a time
//   background/s  pool jobs (file reads + gzips) completed per second
//                 meanwhile: what the crypto took from the other work
// Every verify result is checked. Set BENCH_ASYNC_SECONDS to change the
// length of one measurement (default 2 s).

import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync, promises as fsp } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { gzip } from 'node:zlib'
import { base58 } from '@scure/base'
import { table } from './harness.mjs'

const require = createRequire(import.meta.url)
const SECONDS = Number(process.env.BENCH_ASYNC_SECONDS ?? 2)
const ROUNDS = 3
const IN_FLIGHT = 64
const utf8 = (text) => new TextEncoder().encode(text)

const builds = { 'tokio (this build)': require('../index.js') }
const baselinePath = process.argv[2] ?? process.env.ASYNC_BASELINE
if (baselinePath) {
  const baseline = { exports: {} }
  process.dlopen(baseline, baselinePath)
  builds['AsyncTask on libuv (baseline)'] = baseline.exports
}

// Inputs, checked against the reference.
const ref = require('cojson-core-napi')
const secret = utf8(`signerSecret_z${base58.encode(randomBytes(32))}`)
const message = utf8(`hash_z${base58.encode(randomBytes(32))}`)
const signature = utf8(ref.sign(message, secret))
const signerId = utf8(ref.getSignerId(secret))
if (!ref.verify(signature, message, signerId)) throw new Error('bad fixture')

// Background load: file reads (a 4 MiB file, read whole, from the page
// cache) and gzip of 1 MiB, each from 4 loops that start a new job as soon
// as one ends, so the pool's queue is never empty.
const dir = mkdtempSync(join(os.tmpdir(), 'cojson-native-bench-'))
const file = join(dir, 'load.bin')
writeFileSync(file, randomBytes(4 << 20))
const zipInput = Buffer.from(randomBytes(1 << 19).toString('hex'))
const LOADS = {
  'pool idle': [],
  'file reads': ['read'],
  'zlib': ['zip'],
  'file reads + zlib': ['read', 'zip'],
}

/** Starts the background loops of `kinds`; returns `stop()`, which resolves to the jobs completed. */
function startLoad(kinds) {
  let running = true
  let done = 0
  const job = { read: () => fsp.readFile(file), zip: () => new Promise((resolve, reject) => gzip(zipInput, (e, out) => (e ? reject(e) : resolve(out)))) }
  const loops = kinds.flatMap((kind) =>
    Array.from({ length: 4 }, async () => {
      while (running) {
        await job[kind]()
        done++
      }
    }),
  )
  return async () => {
    running = false
    await Promise.all(loops)
    return done
  }
}

/** Verifies per second with IN_FLIGHT calls outstanding, for SECONDS. */
async function throughput(lib) {
  let completed = 0
  const until = performance.now() + SECONDS * 1e3
  const worker = async () => {
    while (performance.now() < until) {
      if ((await lib.verifyAsync(signature, message, signerId)) !== true) throw new Error('verifyAsync returned false')
      completed++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return completed / ((performance.now() - started) / 1e3)
}

/** Median ms of one verifyAsync at a time, over about SECONDS / 2 (at most 200 calls). */
async function latency(lib) {
  const times = []
  const until = performance.now() + (SECONDS * 1e3) / 2
  while (performance.now() < until && times.length < 200) {
    const t = performance.now()
    if ((await lib.verifyAsync(signature, message, signerId)) !== true) throw new Error('verifyAsync returned false')
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return times[times.length >> 1]
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]

console.log(`# Async verify with libuv's pool idle and saturated`)
const tokioThreads = process.env.TOKIO_WORKER_THREADS ?? `${os.availableParallelism()} (one per CPU)`
console.log(`\nNode ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, tokio ${tokioThreads} threads, libuv pool ${process.env.UV_THREADPOOL_SIZE ?? 4} threads, ${SECONDS} s per measurement, median of ${ROUNDS} rounds, load average ${os.loadavg()[0].toFixed(1)} at the start\n`)
const rows = []
const names = Object.keys(builds)
for (const [load, kinds] of Object.entries(LOADS)) {
  const results = Object.fromEntries(names.map((name) => [name, { rate: [], one: [], background: [] }]))
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]
      const stop = startLoad(kinds)
      const t = performance.now()
      results[name].rate.push(await throughput(builds[name]))
      results[name].one.push(await latency(builds[name]))
      const jobs = await stop()
      results[name].background.push(jobs / ((performance.now() - t) / 1e3))
    }
  }
  for (const name of names) {
    const r = results[name]
    rows.push([load, name, Math.round(median(r.rate)).toLocaleString('en'), median(r.one).toFixed(3), kinds.length ? median(r.background).toFixed(1) : '—'])
  }
}
table(['pool load', 'build', 'verify/s', 'one call ms', 'background/s'], rows)
rmSync(dir, { recursive: true, force: true })
