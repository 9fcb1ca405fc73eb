// `npm run test:cojson`: runs cojson@0.20.19's own test suite (vitest, from
// node_modules/cojson/src, unmodified) with cojson's NapiCrypto on the addon at
// the package root, then proves the redirect is real with a canary run.
// `npm run test:compat` does the same for the older releases that have a
// NapiCrypto (0.20.7, 0.19.22, 0.18.38: installed under npm aliases such as
// node_modules/cojson-0-18), each through its own NapiCrypto.
//
//   node scripts/cojson-suite.mjs [version ...]   (default: 0.20.19)
//
// For each version, in turn:
//   1. normal run   every test file; must pass (0 failed, no file errors)
//   2. canary run   same wiring, but `sign` and the native session log class
//                   throw (COJSON_SUITE_CANARY=1); must FAIL: most tests
//                   failing, some with the canary's error
//
// COJSON_SUITE_ADDON=reference runs both against that release's own
// cojson-core-napi instead (to compare). Wiring: __test__/cojson-suite/.
// Needs the addon built first (`npm run build`; `npm test` does it).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suites } from '../__test__/cojson-suite/addon-targets.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const config = join('__test__', 'cojson-suite', 'vitest.config.mts')
const reporter = join('__test__', 'cojson-suite', 'summary-reporter.mjs')
const addon = process.env.COJSON_SUITE_ADDON || 'ours'
const normalLimitSeconds = 480
const canaryLimitSeconds = 360
const versions = process.argv.length > 2 ? process.argv.slice(2) : ['0.20.19']
for (const version of versions) {
  if (!suites[version]) die(`unknown version ${version}; known: ${Object.keys(suites).join(', ')}`)
}

function die(message) {
  console.error(`\ncojson suite: ${message}`)
  process.exit(1)
}

/** Runs vitest once; resolves to { code, summary, seconds, log }. Kills it after `limitSeconds`. */
function runVitest({ label, env, args = [], limitSeconds, quiet }) {
  const work = mkdtempSync(join(tmpdir(), 'cojson-suite-'))
  const summaryFile = join(work, 'summary.json')
  const vitestArgs = ['vitest', 'run', '--config', config, '--reporter', quiet ? 'dot' : 'default', '--reporter', reporter, ...args]
  console.log(`\n== cojson suite, ${label}: npx ${vitestArgs.join(' ')}`)
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn('npx', vitestArgs, {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, COJSON_SUITE_SUMMARY: summaryFile, FORCE_COLOR: '0' },
    })
    let log = ''
    const collect = (stream, sink) =>
      stream.on('data', (chunk) => {
        log += chunk
        if (!quiet) sink.write(chunk)
      })
    collect(child.stdout, process.stdout)
    collect(child.stderr, process.stderr)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    }, limitSeconds * 1000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const seconds = (Date.now() - started) / 1000
      const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined
      rmSync(work, { recursive: true, force: true })
      if (timedOut) die(`${label} did not finish within ${limitSeconds}s`)
      resolve({ code: code ?? signal, summary, seconds, log })
    })
  })
}

function counts(summary) {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`
}

if (addon === 'ours' && !readdirSync(root).some((name) => /^cojson-native\..+\.node$/.test(name))) {
  die('no cojson-native.<platform>.node at the package root; run `npm run build` first')
}

/** Runs cojson@`version`'s suite, normal and canary; exits on failure, returns the normal run's summary. */
async function runSuite(version) {
  const { minimumPassed } = suites[version]
  const env = { COJSON_SUITE_VERSION: version }
  const fail = (message) => die(`cojson@${version}: ${message}`)
  // 1. The normal run must pass.
  const normal = await runVitest({ label: `cojson@${version}, normal run on the ${addon} addon`, env, limitSeconds: normalLimitSeconds })
  const ns = normal.summary
  if (!ns) fail(`normal run wrote no summary (exit ${normal.code})`)
  for (const { name, error } of ns.failures) console.error(`FAILED ${name}\n  ${error.replaceAll('\n', '\n  ')}`)
  for (const { file, error } of ns.moduleErrors) console.error(`FILE ERROR ${file}\n  ${error.replaceAll('\n', '\n  ')}`)
  for (const message of ns.unhandledErrors) console.error(`UNHANDLED ${message}`)
  for (const name of ns.flaky) console.warn(`flaky (passed on retry): ${name}`)
  console.log(`== cojson@${version} suite, normal run: ${counts(ns)}, ${ns.flaky.length} flaky, in ${normal.seconds.toFixed(1)}s`)
  if (normal.code !== 0 || ns.failed > 0 || ns.moduleErrors.length > 0 || ns.unhandledErrors.length > 0) {
    fail(`normal run failed (exit ${normal.code})`)
  }
  if (ns.passed < minimumPassed) fail(`only ${ns.passed} tests passed; expected at least ${minimumPassed}`)

  // 2. The canary run must fail, and fail because of the canary.
  const canary = await runVitest({
    label: `cojson@${version}, canary run (sign and the session log throw; must fail)`,
    env: { ...env, COJSON_SUITE_CANARY: '1' },
    args: ['--retry', '0'],
    limitSeconds: canaryLimitSeconds,
    quiet: true,
  })
  const cs = canary.summary
  if (!cs) fail(`canary run wrote no summary (exit ${canary.code})`)
  const canaryHits = cs.failures.filter(({ error }) => error.includes('cojson-suite canary')).length
  const canaryLogged = canary.log.split('cojson-suite canary').length - 1
  const ran = cs.passed + cs.failed
  console.log(
    `== cojson@${version} suite, canary run: failed as required: ${cs.failed} of ${ran} tests failed ` +
      `(${canaryHits} with the canary's error, ${canaryLogged} canary errors logged), in ${canary.seconds.toFixed(1)}s`,
  )
  if (canary.code === 0 || cs.failed === 0) fail('the canary run PASSED: the suite is not using the aliased cojson-core-napi')
  if (canaryHits === 0) fail("the canary run failed, but no failure carries the canary's error")
  // Nearly every test makes a CoValue, so a session log, so with the canary most must fail.
  if (cs.failed * 2 < ran) fail(`only ${cs.failed} of ${ran} tests failed with the canary; most should`)

  return ns
}

const totals = { passed: 0, failed: 0, skipped: 0 }
const lines = []
for (const version of versions) {
  const started = Date.now()
  const ns = await runSuite(version)
  for (const key of Object.keys(totals)) totals[key] += ns[key]
  lines.push(`cojson@${version}: ${counts(ns)} (normal and canary runs in ${((Date.now() - started) / 1000).toFixed(0)}s)`)
}
for (const line of lines) console.log(`== ${line}`)
// The closing line (the counts of the normal runs, all versions together).
console.log(`cojson-suite: ${counts(totals)}`)
