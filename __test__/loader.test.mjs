// The load-failure error that scripts/loader.mjs writes into the generated
// index.js: loads a copy of index.js (in an empty directory, so no binary can
// be found) in a child process whose process.platform / process.arch are
// overridden by a preload, and checks the message names the platform, lists
// the supported ones and points to WasmCrypto.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { platformOfTriple, rewriteLoader, supportedPlatforms } from '../scripts/loader.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const supported = supportedPlatforms()
const generated = readFileSync(join(root, 'index.js'), 'utf8')

const dir = mkdtempSync(join(tmpdir(), 'cojson-native-loader-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'index.js'), rewriteLoader(generated, supported))
writeFileSync(
  join(dir, 'fake-platform.cjs'),
  "Object.defineProperty(process, 'platform', { value: process.env.FAKE_PLATFORM })\n" +
    "Object.defineProperty(process, 'arch', { value: process.env.FAKE_ARCH })\n",
)
const probe =
  "try { require('./index.js'); console.log(JSON.stringify({ loaded: true })) } " +
  'catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, platform: e.platform, ' +
  'supported: e.supportedPlatforms, hasCause: e.cause instanceof Error })) }'

function loadAs(platform, arch) {
  const result = spawnSync(process.execPath, ['--require', './fake-platform.cjs', '--eval', probe], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, FAKE_PLATFORM: platform, FAKE_ARCH: arch, NAPI_RS_NATIVE_LIBRARY_PATH: '' },
  })
  assert.equal(result.status, 0, result.stderr)
  return JSON.parse(result.stdout.trim().split('\n').pop())
}

function assertListsSupportedAndFallback(message) {
  assert.match(message, new RegExp(`Prebuilt binaries exist for: ${supported.join(', ')}\\.`))
  assert.match(message, /WasmCrypto/)
  assert.match(message, /import \{ WasmCrypto \} from 'cojson\/crypto\/WasmCrypto'/)
}

test('the supported list is package.json napi.targets in napi-rs platform names', () => {
  assert.deepEqual(supported, [
    'darwin-x64',
    'darwin-arm64',
    'linux-x64-gnu',
    'linux-x64-musl',
    'linux-arm64-gnu',
    'linux-arm64-musl',
    'linux-arm-gnueabihf',
  ])
  assert.equal(pkg.napi.targets.length, supported.length)
  assert.equal(platformOfTriple('x86_64-pc-windows-msvc'), 'win32-x64-msvc')
  assert.throws(() => platformOfTriple('wasm32-wasip1'), /unknown target triple/)
})

for (const [platform, arch, name] of [
  ['freebsd', 'x64', 'freebsd-x64'],
  ['win32', 'x64', 'win32-x64-msvc'],
  ['linux', 'riscv64', 'linux-riscv64-gnu'],
  ['linux', 's390x', 'linux-s390x-gnu'],
  ['darwin', 'ia32', 'darwin-ia32'],
]) {
  test(`${platform}/${arch}: unsupported platform, named as ${name}`, () => {
    const outcome = loadAs(platform, arch)
    assert.equal(outcome.code, 'ERR_COJSON_NATIVE_UNSUPPORTED_PLATFORM')
    assert.equal(outcome.platform, name)
    assert.deepEqual(outcome.supported, supported)
    assert.ok(
      outcome.message.startsWith(
        `cojson-native has no prebuilt binary for ${name} (process.platform ${platform}, process.arch ${arch}).`,
      ),
      outcome.message,
    )
    assertListsSupportedAndFallback(outcome.message)
    assert.equal(outcome.hasCause, true)
  })
}

for (const [platform, arch, name] of [
  ['linux', 'x64', 'linux-x64-gnu'],
  ['linux', 'arm64', 'linux-arm64-gnu'],
  ['linux', 'arm', 'linux-arm-gnueabihf'],
  ['darwin', 'arm64', 'darwin-arm64'],
  ['darwin', 'x64', 'darwin-x64'],
]) {
  test(`${platform}/${arch}: supported but its package is missing`, () => {
    const outcome = loadAs(platform, arch)
    assert.equal(outcome.code, 'ERR_COJSON_NATIVE_BINARY_NOT_LOADED')
    assert.equal(outcome.platform, name)
    assert.match(outcome.message, new RegExp(`the optional dependency cojson-native-${name} is missing`))
    assertListsSupportedAndFallback(outcome.message)
    assert.equal(outcome.hasCause, true, 'the require errors stay reachable as error.cause')
  })
}

test('the rewrite is idempotent and deterministic', () => {
  const once = rewriteLoader(generated, supported)
  assert.equal(rewriteLoader(once, supported), once)
  assert.equal(rewriteLoader(generated, supported), once)
  assert.equal(once.match(/cojson-native: load failure/g).length, 1)
  assert.doesNotMatch(once, /Failed to load native binding/)
})

test('a generated index.js without the expected block fails the build loudly', () => {
  assert.throws(() => rewriteLoader('module.exports = {}\n', supported), /no `if \(!nativeBinding\) \{` block/)
})
