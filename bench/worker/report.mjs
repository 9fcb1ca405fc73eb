// Turns the collected runs into the Markdown tables `npm run bench:worker`
// prints. Ratios are reference / setup on the median figures of this same
// invocation: above 1.00× the setup is faster than NapiCrypto on
// cojson-core-napi. The A/A column is the reference against its own second
// measurement, the noise floor of every ratio.
import { fmtRatio, table } from '../harness.mjs'
import { CATEGORIES, shares } from './profile.mjs'
import { REFERENCE, REFERENCE_AGAIN, SETUPS } from './setups.mjs'

/** Median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const percent = (share) => `${(share * 100).toFixed(0)} %`
const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const fmtRate = (perSecond) => (perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(1)}k` : perSecond.toFixed(0))

/** Median wall time, CPU and ELU of one setup's runs of one workload. */
function summarise(runs) {
  const of = (key) => median(runs.map((run) => run[key]))
  return { ms: of('ms'), cpuMs: of('cpuMs'), elu: of('elu'), driverCpuMs: of('driverCpuMs') }
}

/** The figure a user reads: median ms, or items per second. */
function figure(workload, sizes, ms) {
  const throughput = workload.throughput(sizes)
  return throughput ? `${fmtRate((throughput.count * 1000) / ms)} ${throughput.unit}` : `${fmtMs(ms)} ms`
}

/** Addon share of the worker's sampled CPU and the speedup an infinitely fast addon would give. */
export function ceiling(profile) {
  if (!profile || profile.totalMs === 0) return undefined
  const share = profile.ms.addon / profile.totalMs
  return { share, speedup: 1 / (1 - share) }
}

/** Per workload, per setup: the medians and ratios (also what results.json holds). */
export function summariseAll(workloads, results) {
  return workloads.map((workload) => {
    const bySetup = results[workload.name]
    const medians = Object.fromEntries(Object.entries(bySetup).map(([name, entry]) => [name, summarise(entry.runs)]))
    const ref = medians[REFERENCE].ms
    const ratios = Object.fromEntries(Object.entries(medians).map(([name, m]) => [name, ref / m.ms]))
    return { workload, medians, ratios }
  })
}

/** Prints every table. */
export function printReport({ sizes, summaries, results }) {
  console.log('\n## Worker-level results (medians; ratio = reference / setup)\n')
  table(
    ['workload', ...SETUPS.map((s) => s.label), 'A/A', ...SETUPS.filter((s) => s.name !== REFERENCE).map((s) => `${s.label} / ref`)],
    summaries.map(({ workload, medians, ratios }) => [
      workload.describe(sizes),
      ...SETUPS.map((s) => figure(workload, sizes, medians[s.name].ms)),
      fmtRatio(medians[REFERENCE].ms / medians[REFERENCE_AGAIN].ms),
      ...SETUPS.filter((s) => s.name !== REFERENCE).map((s) => fmtRatio(ratios[s.name])),
    ]),
  )

  console.log('\n## Worker CPU time against the reference (reference CPU / setup CPU; steadier than wall time on a shared machine)\n')
  table(
    ['workload', 'A/A', ...SETUPS.filter((s) => s.name !== REFERENCE).map((s) => `${s.label} / ref`)],
    summaries.map(({ workload, medians }) => [
      workload.describe(sizes),
      fmtRatio(medians[REFERENCE].cpuMs / medians[REFERENCE_AGAIN].cpuMs),
      ...SETUPS.filter((s) => s.name !== REFERENCE).map((s) => fmtRatio(medians[REFERENCE].cpuMs / medians[s.name].cpuMs)),
    ]),
  )

  console.log('\n## Worker process: CPU time (user + system, all threads) and event-loop utilisation, medians\n')
  table(
    ['workload', ...SETUPS.flatMap((s) => [`${s.label} CPU ms`, 'ELU'])],
    summaries.map(({ workload, medians }) => [
      workload.describe(sizes),
      ...SETUPS.flatMap((s) => [fmtMs(medians[s.name].cpuMs), percent(medians[s.name].elu)]),
    ]),
  )

  console.log('\n## Driver process (sync server and clients, WasmCrypto) CPU over the same span, medians\n')
  console.log('Close to the wall time: the driver, not the worker, set the pace.\n')
  table(
    ['workload', ...SETUPS.map((s) => `${s.label}: driver CPU ms / wall ms`)],
    summaries.map(({ workload, medians }) => [
      workload.describe(sizes),
      ...SETUPS.map((s) => `${fmtMs(medians[s.name].driverCpuMs)} / ${fmtMs(medians[s.name].ms)}`),
    ]),
  )

  const profiled = summaries.filter(({ workload }) => SETUPS.some((s) => results[workload.name][s.name].profile))
  if (profiled.length === 0) return
  console.log('\n## Where the worker\'s CPU goes (one profiled run per setup; share of sampled main-thread time)\n')
  for (const { workload } of profiled) {
    console.log(`\n### ${workload.describe(sizes)}\n`)
    table(
      ['setup', 'sampled ms', ...CATEGORIES, 'ceiling'],
      SETUPS.filter((s) => results[workload.name][s.name].profile).map((s) => {
        const profile = results[workload.name][s.name].profile
        const share = shares(profile)
        return [s.label, fmtMs(profile.totalMs), ...CATEGORIES.map((c) => percent(share[c])), s.addon ? fmtRatio(ceiling(profile)?.speedup) : '—']
      }),
    )
  }

  console.log('\n## Addon share of worker CPU and the ceiling it implies (speedup with an infinitely fast addon)\n')
  table(
    ['workload', ...SETUPS.filter((s) => s.addon).flatMap((s) => [`${s.label} addon`, 'ceiling'])],
    profiled.map(({ workload }) => [
      workload.describe(sizes),
      ...SETUPS.filter((s) => s.addon).flatMap((s) => {
        const c = ceiling(results[workload.name][s.name].profile)
        return c ? [percent(c.share), fmtRatio(c.speedup)] : ['—', '—']
      }),
    ]),
  )
}
