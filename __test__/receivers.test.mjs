// Wrong receivers: every method and accessor of every class, called with a
// `this` that is not an instance of that class, throws before native code
// reads the object. The check is native (napi-rs's Node-API 8 type tags, see
// Cargo.toml), so it holds however the binary is loaded: through index.js,
// as the raw `.node` file, a second `process.dlopen` of it, or a copy of the
// file at another path. Bun and Deno run the same matrix in
// scripts/test-runtimes.mjs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACCOUNT, HEADER, METHOD_ARGS, SECRET, genuineInstancesWork, instancesOf, wrongReceiverCalls } from './helpers/receivers.mjs'

const require = createRequire(import.meta.url)
const ours = require('../index.js')
const reference = require('cojson-core-napi')
const nodeFile = fileURLToPath(new URL(`../cojson-native.${process.platform}-${process.arch}-gnu.node`, import.meta.url))

/** The binary loaded by `process.dlopen`, without index.js. */
function dlopen(path) {
  const module = { exports: {} }
  process.dlopen(module, path)
  return module.exports
}

/** Instances of another addon's classes: the reference's. */
function foreignReceivers() {
  const hasher = new reference.Blake3Hasher()
  const map = new reference.SessionMap('co_zx', HEADER, null, true)
  return [
    ["cojson-core-napi's Blake3Hasher", hasher],
    ["cojson-core-napi's SessionMap", map],
  ]
}

/** Instances made by another load of our binary, of classes other than `name` (filtered by the matrix). */
function receiversFrom(binding, label) {
  return Object.entries(instancesOf(binding)).map(([name, value]) => [`${label} ${name}`, value])
}

function assertRefusedEverywhere(binding, extra) {
  const { calls, failures } = wrongReceiverCalls(binding, extra)
  assert.deepEqual(failures, [])
  assert.ok(calls > 300, `${calls} calls`)
}

test('every declared class is covered', () => {
  const declared = [...readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8').matchAll(/export declare class (\w+)/g)]
    .map((m) => m[1])
    .sort()
  assert.deepEqual(Object.keys(instancesOf(ours)).sort(), declared)
})

test('index.js exports the native classes themselves (no JS layer is the safety boundary)', () => {
  const raw = require(nodeFile)
  for (const name of Object.keys(instancesOf(ours))) assert.equal(ours[name], raw[name], name)
})

test('through index.js: every member refuses every wrong receiver, another addon\'s objects included', () => {
  assertRefusedEverywhere(ours, foreignReceivers())
})

test('the raw binary (process.dlopen): every member refuses every wrong receiver', () => {
  const raw = dlopen(nodeFile)
  assertRefusedEverywhere(raw, [...foreignReceivers(), ...receiversFrom(ours, 'index.js')])
  assert.deepEqual(genuineInstancesWork(raw), [])
})

test('a copy of the binary at another path (a second library in the process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cojson-native-copy-'))
  try {
    const copyPath = join(dir, 'copy.node')
    copyFileSync(nodeFile, copyPath)
    const copy = dlopen(copyPath)
    assertRefusedEverywhere(copy, [...foreignReceivers(), ...receiversFrom(ours, 'index.js')])
    assertRefusedEverywhere(ours, receiversFrom(copy, 'the copy'))
    assert.deepEqual(genuineInstancesWork(copy), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an instance of the same class from another load of the same binary reads as itself', () => {
  const raw = dlopen(nodeFile)
  const handle = new ours.WorkerHandle({ accountID: ACCOUNT, accountSecret: SECRET })
  const getter = Reflect.getOwnPropertyDescriptor(raw.WorkerHandle.prototype, 'accountID').get
  assert.equal(getter.call(handle), ACCOUNT)
  handle.close()
})

test('genuine instances work: constructed, subclassed, returned by a method', () => {
  assert.deepEqual(genuineInstancesWork(ours), [])
})

test('loading does not depend on patchable globals (WeakMap, Proxy, Reflect)', () => {
  const script = `
    WeakMap.prototype.get = () => { throw new Error('patched') }
    WeakMap.prototype.set = () => { throw new Error('patched') }
    globalThis.Proxy = function () { throw new Error('patched') }
    const native = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
    const map = new native.SessionMap('co_zx', ${JSON.stringify('{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":null}')}, null, true)
    let refused = false
    try { Reflect.getOwnPropertyDescriptor(native.WorkerHandle.prototype, 'accountID').get.call(map) } catch (e) { refused = true }
    console.log(refused && map.getHeader().length > 0 ? 'ok' : 'bad')
  `
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 })
  assert.equal(result.status, 0, result.stderr)
  assert.equal(result.stdout.trim(), 'ok')
})

test('the matrix calls every method with arguments of the declared types', () => {
  // Every method that declares parameters in index.d.ts has an entry in
  // METHOD_ARGS with as many arguments, so argument conversion never refuses
  // the call before the receiver check does.
  const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
  for (const [, name, body] of dts.matchAll(/export declare class (\w+) \{([\s\S]*?)\n\}/g)) {
    for (const [, method, params] of body.matchAll(/^  (\w+)\(([^)]*)\): /gm)) {
      const arity = params.trim() === '' ? 0 : params.split(',').length
      const make = METHOD_ARGS[`${name}.${method}`]
      assert.equal(make ? make().length : 0, arity, `${name}.${method}`)
    }
  }
})
