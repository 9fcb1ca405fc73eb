// `npm run bench:worker`: Jazz workers measured end to end. Not part of `npm test`.
//
// In-memory sync servers (demo/sync-server.mjs: one holding the load
// fixtures, and one of its own for every run in which the worker writes) and
// WasmCrypto clients run in this process; each run forks a fresh worker
// process (`startWorker` from jazz-tools/worker) on one of four crypto setups
// (setups.mjs) plus the reference a second time for the A/A check. Every
// round runs every setup once per workload, in an order rotated round by
// round; each run checks its result (content and a digest of the whole
// decrypted history, against what a client computes on its own) before its
// time counts. Before the rounds, one profiled run per setup and workload
// records where the worker's CPU goes (and warms this process up). Settings:
// see config.mjs.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { createClient, createWorkerAccount } from '../../demo/accounts.mjs'
import { startSyncServer } from '../../demo/sync-server.mjs'
import { withTimeout } from '../../demo/util.mjs'
import { readConfig } from './config.mjs'
import { printReport, summariseAll } from './report.mjs'
import { runWorker } from './run-worker.mjs'
import { SETUPS, TIMED_SETUPS } from './setups.mjs'
import { CONNECTION } from './workloads/client-side.mjs'
import { loadWorkload } from './workloads/index.mjs'

const ROOT = new URL('../../', import.meta.url)
const RESULTS = new URL('./results.json', import.meta.url)
const FIXTURE_TIMEOUT_MS = 300_000
const progress = (line) => process.stderr.write(`${line}\n`)

/** `list` rotated left by `by`. */
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length])

async function main(config) {
  if (!readdirSync(ROOT).some((name) => /^cojson-native\..*\.node$/.test(name))) {
    throw new Error('no addon built in this checkout: run `npm run build` first')
  }
  // Bound on the whole invocation, whatever hangs.
  const limitMs = config.runTimeoutMs * (config.rounds + 2) * TIMED_SETUPS.length * config.workloads.length + 2 * FIXTURE_TIMEOUT_MS
  setTimeout(() => {
    console.error(`bench:worker: still running after ${Math.round(limitMs / 1000)} s, giving up`)
    process.exit(2)
  }, limitMs).unref()

  const started = Date.now()
  console.log(`# cojson-native worker benchmark${config.quick ? ' (quick mode)' : ''}`)
  const loadAtStart = os.loadavg()[0]
  console.log(`\nNode ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, ${os.platform()} ${os.arch()}; ${config.rounds} rounds`)

  const server = await startSyncServer()
  const cleanups = [() => server.close()]
  try {
    const author = await createClient(server.url, 'bench author', CONNECTION)
    cleanups.push(() => author.shutdown())
    const ctx = {
      syncServer: server.url,
      sizes: config.sizes,
      author: author.account,
      loader: await createWorkerAccount(server.url, 'bench loader', CONNECTION),
    }
    if (config.profileDir) mkdirSync(config.profileDir, { recursive: true })
    const workloads = await Promise.all(config.workloads.map(loadWorkload))
    const fixtures = {}
    for (const workload of workloads) {
      progress(`preparing ${workload.describe(config.sizes)}…`)
      fixtures[workload.name] = await withTimeout(Promise.resolve(workload.fixture(ctx)), FIXTURE_TIMEOUT_MS, `the ${workload.name} fixture`)
    }

    const results = Object.fromEntries(workloads.map((w) => [w.name, Object.fromEntries(TIMED_SETUPS.map((s) => [s.name, { runs: [] }]))]))
    const once = (workload, setup, profile) =>
      runWorker({ ctx, workload, fixture: fixtures[workload.name], setup, profile, profileDir: config.profileDir, timeoutMs: config.runTimeoutMs })

    for (const workload of workloads) {
      for (const setup of config.profile ? SETUPS : [SETUPS[1]]) {
        const run = await once(workload, setup, config.profile)
        progress(`${config.profile ? 'profiled' : 'warm-up'} ${workload.name} ${setup.name}: ${run.ms.toFixed(0)} ms`)
        if (config.profile) results[workload.name][setup.name].profile = { ...run.profile, runMs: run.ms, cpuMs: run.cpuMs }
        results[workload.name][setup.name].addons = run.addons
      }
    }
    for (let round = 0; round < config.rounds; round++) {
      for (const workload of workloads) {
        for (const setup of rotate(TIMED_SETUPS, round % TIMED_SETUPS.length)) {
          const { ms, cpuMs, elu, driverCpuMs } = await once(workload, setup, false)
          results[workload.name][setup.name].runs.push({ ms, cpuMs, elu, driverCpuMs })
          progress(`round ${round + 1}/${config.rounds} ${workload.name} ${setup.name}: ${ms.toFixed(0)} ms, worker CPU ${cpuMs.toFixed(0)} ms, ELU ${(elu * 100).toFixed(0)} %, driver CPU ${driverCpuMs.toFixed(0)} ms`)
        }
      }
    }

    const summaries = summariseAll(workloads, results)
    printReport({ sizes: config.sizes, summaries, results })
    const seconds = (Date.now() - started) / 1000
    const load = { start: loadAtStart, end: os.loadavg()[0] }
    console.log(`\nfull run: ${seconds.toFixed(0)} s; load average (1 min) ${load.start.toFixed(1)} at the start, ${load.end.toFixed(1)} at the end`)
    if (config.writeResults) {
      const raw = {
        node: process.version,
        cpu: os.cpus()[0]?.model,
        cpus: os.cpus().length,
        config,
        seconds,
        load,
        results,
        summaries: summaries.map(({ workload, medians, ratios }) => ({ workload: workload.name, medians, ratios })),
      }
      writeFileSync(RESULTS, `${JSON.stringify(raw, null, 2)}\n`)
      console.log(`raw results: ${fileURLToPath(RESULTS)}`)
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await withTimeout(Promise.resolve().then(cleanup), 5_000, 'a cleanup step').catch((error) => progress(`cleanup: ${error.message}`))
    }
  }
}

try {
  await main(readConfig())
  process.exit(0)
} catch (error) {
  console.error(`bench:worker failed: ${error?.stack ?? error}`)
  process.exit(1)
}
