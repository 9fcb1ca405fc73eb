// `npm run test:nextjs`: cojson-native in a Next.js app-router route handler,
// installed the way users get it. Packs the root package and the
// linux-x64-gnu platform package (with the addon built at the root) with
// `npm pack`, installs both and the pinned Next.js into examples/nextjs, then:
//   1. `next build` and `next start` on 127.0.0.1, a free port;
//   2. `NEXT_OUTPUT=standalone next build` and `node .next/standalone/server.js`;
// each time calls /api/sign and checks the answer against RFC 8032 and
// @noble/curves. Every server is killed at the end; the whole run is bounded.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ed25519 } from '@noble/curves/ed25519.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const example = join(root, 'examples', 'nextjs')
const packs = join(root, 'artifacts', 'nextjs')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const PLATFORM = 'linux-x64-gnu'
const STEP_TIMEOUT_MS = 8 * 60_000
const SERVER_READY_MS = 60_000
const RFC8032_KEY = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'
const RFC8032_EMPTY_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'

const servers = new Set()
const timings = []

function step(title, command, args, options = {}) {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit', timeout: STEP_TIMEOUT_MS, ...options })
  const seconds = (Date.now() - started) / 1000
  timings.push([title, seconds])
  if (result.status !== 0) throw new Error(`${title} failed (exit ${result.status ?? result.signal})`)
  return result
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Starts a server in its own process group so that all of it can be killed. */
function startServer(command, args, env) {
  const child = spawn(command, args, { cwd: example, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  servers.add(child)
  return { child, output: () => output }
}

function stopServer(child) {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  servers.delete(child)
}

async function fetchWhenReady(url, server) {
  const deadline = Date.now() + SERVER_READY_MS
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
      return { status: response.status, body: await response.text() }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no answer from ${url} in ${SERVER_READY_MS} ms: ${error}\n${server.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
  }
}

function checkAnswer(label, { status, body }, message) {
  if (status !== 200) throw new Error(`${label}: HTTP ${status}: ${body.slice(0, 2000)}`)
  const answer = JSON.parse(body)
  const key = Buffer.from(RFC8032_KEY, 'hex')
  const publicKey = Buffer.from(ed25519.getPublicKey(key)).toString('hex')
  const expected = Buffer.from(ed25519.sign(Buffer.from(message), key)).toString('hex')
  const problems = []
  if (answer.message !== message) problems.push(`message ${answer.message}`)
  if (answer.publicKey !== publicKey) problems.push(`publicKey ${answer.publicKey}`)
  if (answer.signature !== expected) problems.push(`signature ${answer.signature}`)
  if (message === '' && answer.signature !== RFC8032_EMPTY_SIGNATURE) problems.push('not the RFC 8032 signature')
  if (answer.verified !== true || answer.tamperedVerified !== false || answer.textVerified !== true) {
    problems.push(`verified ${answer.verified}, tampered ${answer.tamperedVerified}, text ${answer.textVerified}`)
  }
  if (!/^signer_z\w+$/.test(answer.signerId) || !/^signature_z\w+$/.test(answer.signatureText)) problems.push('text forms')
  if (problems.length > 0) throw new Error(`${label}: ${problems.join('; ')}\n${body}`)
  console.log(`ok   ${label}: signature and verification as expected`)
}

async function serveAndCheck(label, command, args, env = {}) {
  const port = await freePort()
  const started = Date.now()
  const server = startServer(command, args(port), { ...env, PORT: String(port), HOSTNAME: '127.0.0.1' })
  try {
    for (const message of ['', 'hello from next.js']) {
      const url = `http://127.0.0.1:${port}/api/sign?message=${encodeURIComponent(message)}`
      checkAnswer(`${label} /api/sign?message=${JSON.stringify(message)}`, await fetchWhenReady(url, server), message)
    }
  } finally {
    stopServer(server.child)
    timings.push([`${label}: start and answer`, (Date.now() - started) / 1000])
  }
}

function packTarballs() {
  const binary = join(root, `${pkg.napi.binaryName}.${PLATFORM}.node`)
  if (!existsSync(binary)) throw new Error(`no ${binary}: run \`npm run build\` first`)
  rmSync(packs, { recursive: true, force: true })
  mkdirSync(packs, { recursive: true })
  step('pack cojson-native', 'npm', ['pack', '--ignore-scripts', '--pack-destination', packs], { cwd: root })
  const platformDir = mkdtempSync(join(tmpdir(), 'cojson-native-platform-'))
  try {
    cpSync(join(root, 'npm', PLATFORM), platformDir, { recursive: true })
    cpSync(binary, join(platformDir, `${pkg.napi.binaryName}.${PLATFORM}.node`))
    step(`pack ${pkg.name}-${PLATFORM}`, 'npm', ['pack', '--ignore-scripts', '--pack-destination', packs], { cwd: platformDir })
  } finally {
    rmSync(platformDir, { recursive: true, force: true })
  }
  return [join(packs, `${pkg.name}-${pkg.version}.tgz`), join(packs, `${pkg.name}-${PLATFORM}-${pkg.version}.tgz`)]
}

async function main() {
  const started = Date.now()
  const tarballs = packTarballs()
  // Both tarballs are listed explicitly: at release `napi prepublish` makes the
  // platform package an optionalDependency of the root, which npm then picks.
  step('install next.js and the packed cojson-native', 'flock', [
    '/tmp/cojson-native-npm.lock', 'npm', 'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', ...tarballs,
  ], { cwd: example })
  const next = join(example, 'node_modules', 'next', 'dist', 'bin', 'next')

  rmSync(join(example, '.next'), { recursive: true, force: true })
  step('next build', process.execPath, [next, 'build'], { cwd: example, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })
  await serveAndCheck('next start', process.execPath, (port) => [next, 'start', '-H', '127.0.0.1', '-p', String(port)])

  rmSync(join(example, '.next'), { recursive: true, force: true })
  step('next build (standalone)', process.execPath, [next, 'build'], {
    cwd: example,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_OUTPUT: 'standalone' },
  })
  const traced = join(example, '.next', 'standalone', 'node_modules', `${pkg.name}-${PLATFORM}`, `${pkg.napi.binaryName}.${PLATFORM}.node`)
  if (!existsSync(traced)) throw new Error(`standalone output lacks ${traced}`)
  console.log(`ok   standalone output carries ${traced.slice(example.length + 1)}`)
  await serveAndCheck('standalone server.js', process.execPath, () => [join(example, '.next', 'standalone', 'server.js')])

  console.log('\n== timings')
  for (const [title, seconds] of timings) console.log(`${seconds.toFixed(1).padStart(7)}s  ${title}`)
  console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(7)}s  in all`)
}

const watchdog = setTimeout(() => {
  console.error('test-nextjs: overall time limit reached')
  for (const child of servers) stopServer(child)
  process.exit(1)
}, 25 * 60_000)
watchdog.unref()

main().then(
  () => {
    for (const child of servers) stopServer(child)
    console.log('4 passed, 0 failed')
  },
  (error) => {
    for (const child of servers) stopServer(child)
    console.error(`\ntest-nextjs failed: ${error.message}`)
    process.exitCode = 1
  },
)
