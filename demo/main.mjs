// `npm start`: runs the worker demo end to end and exits.
//
//   node demo/main.mjs [--sync-server ws://host:port] [--crypto native|napi]
//
// With JAZZ_WORKER_ACCOUNT and JAZZ_WORKER_SECRET set, the worker uses those
// credentials (on the embedded server unless --sync-server is given: then it
// must be the server the account lives on).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { register } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const { values } = parseArgs({
  options: {
    'sync-server': { type: 'string' },
    crypto: { type: 'string', default: 'native' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  console.log('usage: node demo/main.mjs [--sync-server URL] [--crypto native|napi]')
  process.exit(0)
}
if (!['native', 'napi'].includes(values.crypto)) {
  console.error(`--crypto must be native or napi, not ${values.crypto}`)
  process.exit(2)
}

if (!readdirSync(root).some((name) => /^cojson-native\..*\.node$/.test(name))) {
  console.log('building the addon first (npm run build)…')
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status || 1)
}
// --crypto napi: cojson's NapiCrypto, its `cojson-core-napi` mapped to us.
if (values.crypto === 'napi') register('./drop-in-hook.mjs', import.meta.url)

const { runDemo } = await import('./run.mjs')
const { assertFlows } = await import('./check-report.mjs')
const fromEnv = process.env.JAZZ_WORKER_ACCOUNT || process.env.JAZZ_WORKER_SECRET

try {
  const report = await runDemo({
    syncServer: values['sync-server'],
    credentials: fromEnv ? 'env' : undefined,
    crypto: values.crypto,
    log: (line) => console.log(line),
  })
  console.log(`\nworker crypto work (${report.crypto}):`)
  for (const { operation, calls, totalMs } of report.stats) {
    console.log(`  ${operation.padEnd(20)} ${String(calls).padStart(6)} calls  ${totalMs.toFixed(2).padStart(9)} ms`)
  }
  assertFlows(report)
  console.log('\nall outcomes as expected')
  if (report.cache) {
    console.log(`  key cache: ${report.cache.entries} keys, ${report.cache.hits} hits, ${report.cache.misses} misses`)
  }
  process.exit(0)
} catch (error) {
  console.error(`demo failed: ${error.message}`)
  process.exit(1)
}
