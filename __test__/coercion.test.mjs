// No silent coercion: every numeric argument of every export is an exact
// number in its documented range (RangeError ERR_OUT_OF_RANGE otherwise,
// TypeError ERR_INVALID_ARG_TYPE for a non-number), work totals never wrap,
// classes called without `new` throw V8's TypeError, and objects returned to
// JS have an own property for every key, as JSON.parse makes them (a session
// named `__proto__` included). Each check runs through index.js and through
// the .node file loaded directly (process.dlopen), which must behave the same.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { base58 } from '@scure/base'
import { NativeCrypto } from '../crypto/index.mjs'

const require = createRequire(import.meta.url)
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const ref = require('cojson-core-napi')

/** The addon as users load it, and the same binary loaded directly. */
function loaders() {
  const file = readdirSync(root).find((name) => name.startsWith('cojson-native.') && name.endsWith('.node'))
  assert.ok(file, 'a built .node file next to index.js')
  const raw = { exports: {} }
  process.dlopen(raw, path.join(root, file))
  return [
    ['index.js', require('../index.js')],
    ['raw .node', raw.exports],
  ]
}
const LOADERS = loaders()

const headerJson = JSON.stringify({ meta: null, ruleset: { type: 'unsafeAllowAll' }, type: 'comap', uniqueness: 'coercion' })
const coId = `co_z${ref.shortHash(headerJson).slice('shortHash_z'.length)}`
const signerSecret = `signerSecret_z${base58.encode(new Uint8Array(32).fill(3))}`
const keySecret = `keySecret_z${base58.encode(new Uint8Array(32).fill(7))}`
const keyId = 'key_zCoercionTestKey'
const session = 'co_zcoercion_session_zA'
const madeAt = 1_700_000_000_000
const account = 'co_zbvG6R7HsGURNQcLQSr4ZNQtWRN'
const agentSecret = `sealerSecret_z${base58.encode(new Uint8Array(32).fill(5))}/${signerSecret}`

/** The values every numeric argument is tried with. */
const TRIED = [NaN, Infinity, -Infinity, -1, 1.5, 2 ** 32, 2 ** 53, -0, '1', 1n, undefined, null, {}, true]

const MAX_INDEX = 2 ** 32 - 1
const MAX_SAFE = Number.MAX_SAFE_INTEGER
const MAX_CACHE = 2 ** 20

/**
 * Every numeric argument of every export: its name in messages, what it
 * accepts (`fractions` for durations), whether `undefined` and `null` mean
 * "default" (`optional`), and a call that passes `n` in its place.
 */
function numericArguments(lib) {
  const map = () => {
    const m = new lib.SessionMap(coId, headerJson)
    m.makeNewPrivateTransaction(session, signerSecret, '[{"a":1}]', keyId, keySecret, '{"m":1}', madeAt)
    return m
  }
  const engine = () => new lib.NativeCryptoEngine()
  return [
    { call: 'new SessionMap(…, maxTxSize)', name: 'maxTxSize', max: MAX_INDEX, optional: true, run: (n) => new lib.SessionMap(coId, headerJson, n) },
    { call: 'makeNewTrustingTransaction(…, madeAt)', name: 'madeAt', max: MAX_SAFE, run: (n) => map().makeNewTrustingTransaction(session, signerSecret, '[1]', null, n) },
    { call: 'makeNewPrivateTransaction(…, madeAt)', name: 'madeAt', max: MAX_SAFE, run: (n) => map().makeNewPrivateTransaction(session, signerSecret, '[1]', keyId, keySecret, null, n) },
    { call: 'getTransaction(…, txIndex)', name: 'txIndex', max: MAX_INDEX, run: (n) => map().getTransaction(session, n) },
    { call: 'getSessionTransactions(…, fromIndex)', name: 'fromIndex', max: MAX_INDEX, run: (n) => map().getSessionTransactions(session, n) },
    { call: 'getSignatureAfter(…, txIndex)', name: 'txIndex', max: MAX_INDEX, run: (n) => map().getSignatureAfter(session, n) },
    { call: 'decryptTransaction(…, txIndex, …)', name: 'txIndex', max: MAX_INDEX, run: (n) => map().decryptTransaction(session, n, keySecret) },
    { call: 'decryptTransactionMeta(…, txIndex, …)', name: 'txIndex', max: MAX_INDEX, run: (n) => map().decryptTransactionMeta(session, n, keySecret) },
    { call: 'new NativeCryptoEngine(cacheCapacity)', name: 'cacheCapacity', min: 1, max: MAX_CACHE, optional: true, run: (n) => new lib.NativeCryptoEngine(n) },
    { call: 'record(operation, …)', name: 'operation', max: 12, run: (n) => engine().record(n, 1) },
    { call: 'record(…, nanos)', name: 'nanos', max: MAX_SAFE, fractions: true, run: (n) => engine().record(lib.CryptoOperation.Verify, n) },
    {
      call: 'new WorkerHandle({ keyCacheSize })',
      name: 'keyCacheSize',
      min: 1,
      max: MAX_CACHE,
      // An option left out is the default; `null` is a value of the wrong type (as for accountID).
      optional: 'undefined only',
      run: (n) => new lib.WorkerHandle({ accountID: account, accountSecret: agentSecret, keyCacheSize: n }),
    },
  ]
}

/** What an argument must do with `n`, written from its documented range. */
function expectedOutcome(arg, n) {
  if (arg.optional && (n === undefined || (n === null && arg.optional === true))) return 'accepted'
  if (typeof n !== 'number') return 'TypeError'
  const ok = Number.isFinite(n) && (arg.fractions || Number.isInteger(n)) && n >= (arg.min ?? 0) && n <= arg.max
  return ok ? 'accepted' : 'RangeError'
}

/**
 * Runs `run`; an argument that is accepted may still make the call fail for
 * another reason (no transaction at that index), but never with a number error.
 */
function assertAccepted(run, label) {
  try {
    run()
  } catch (error) {
    assert.ok(!(error instanceof RangeError) && !['ERR_OUT_OF_RANGE', 'ERR_INVALID_ARG_TYPE'].includes(error.code), `${label}: ${error}`)
  }
}

/** `typeof`, with `null` named as such. */
const typeName = (value) => (value === null ? 'null' : typeof value)

for (const [loader, lib] of LOADERS) {
  test(`numbers (${loader}): every numeric argument is an exact number in its range, else RangeError / TypeError`, () => {
    for (const arg of numericArguments(lib)) {
      const accepts = arg.fractions ? 'a finite number' : 'an integer'
      for (const n of TRIED) {
        const label = `${arg.call} with ${typeof n === 'bigint' ? `${n}n` : typeof n === 'string' ? `'${n}'` : String(n)}`
        const expected = expectedOutcome(arg, n)
        if (expected === 'accepted') {
          assertAccepted(() => arg.run(n), label)
        } else if (expected === 'TypeError') {
          assert.throws(() => arg.run(n), (e) => {
            assert.ok(e instanceof TypeError, `${label}: ${e}`)
            assert.equal(e.code, 'ERR_INVALID_ARG_TYPE', label)
            assert.equal(e.message, `${arg.name} must be a number, got ${typeName(n)}`, label)
            return true
          })
        } else {
          assert.throws(() => arg.run(n), (e) => {
            assert.ok(e instanceof RangeError, `${label}: ${e}`)
            assert.equal(e.code, 'ERR_OUT_OF_RANGE', label)
            assert.equal(e.message, `${arg.name} must be ${accepts} from ${arg.min ?? 0} to ${arg.max}, got ${String(n)}`, label)
            return true
          })
        }
      }
      // Both ends of the range are accepted, one past them is not.
      const min = arg.min ?? 0
      assertAccepted(() => arg.run(min), `${arg.call} with ${min}`)
      assertAccepted(() => arg.run(arg.max), `${arg.call} with ${arg.max}`)
      assert.throws(() => arg.run(arg.max + 1), RangeError, `${arg.call} with ${arg.max + 1}`)
      if (min > 0) assert.throws(() => arg.run(min - 1), RangeError, `${arg.call} with ${min - 1}`)
    }
  })

  test(`numbers (${loader}): values read as integers are the values given (no wrap, no truncation)`, () => {
    // A cache of 3 keys per kind holds 3, not a wrapped or clamped size.
    assert.equal(new lib.NativeCryptoEngine(3).cacheStats().capacityPerKind, 3)
    assert.equal(new lib.NativeCryptoEngine(MAX_CACHE).cacheStats().capacityPerKind, MAX_CACHE)
    assert.equal(new lib.NativeCryptoEngine().cacheStats().capacityPerKind, 1024)
    assert.equal(new lib.WorkerHandle({ accountID: account, accountSecret: agentSecret, keyCacheSize: 7 }).cryptoEngine().cacheStats().capacityPerKind, 7)
    // record counts the operation named and the time given (fractions of a nanosecond dropped).
    const engine = new lib.NativeCryptoEngine()
    engine.record(lib.CryptoOperation.DecryptTransaction, 2 ** 32 + 0.75)
    engine.record(lib.CryptoOperation.Sign, -0)
    const rows = Object.fromEntries(engine.stats().map((row) => [row.operation, row]))
    assert.deepEqual(rows.decryptTransaction, { operation: 'decryptTransaction', calls: 1, totalMs: 2 ** 32 / 1e6 })
    assert.deepEqual(rows.sign, { operation: 'sign', calls: 1, totalMs: 0 })
    // A refused record counts nothing.
    for (const bad of [[1.5, 1], [NaN, 1], [2 ** 32, 1], [0, -1], [0, NaN]]) assert.throws(() => engine.record(...bad), RangeError)
    assert.equal(engine.stats().reduce((sum, row) => sum + row.calls, 0), 2)
  })

  test(`numbers (${loader}): work totals saturate instead of wrapping`, () => {
    const engine = new lib.NativeCryptoEngine()
    const records = 5000
    let previous = 0
    for (let i = 0; i < records; i++) {
      engine.record(lib.CryptoOperation.Hash, MAX_SAFE)
      const total = engine.stats().find((row) => row.operation === 'hash').totalMs
      assert.ok(total >= previous, `the total went down after ${i + 1} records`)
      previous = total
    }
    // 5000 × (2^53 − 1) ns is past 2^64 ns: the total stops at 2^64 − 1 ns.
    const hash = engine.stats().find((row) => row.operation === 'hash')
    assert.equal(hash.calls, records)
    assert.equal(hash.totalMs, 2 ** 64 / 1e6)
  })

  test(`numbers (${loader}): NativeCrypto's keyCacheSize option is checked the same way`, async () => {
    for (const bad of [-1, 0, 1.5, NaN, 2 ** 32]) {
      await assert.rejects(NativeCrypto.create({ keyCacheSize: bad }), (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE')
    }
    assert.ok(await NativeCrypto.create({ keyCacheSize: 16 }))
  })
}

/** Constructor arguments that would succeed with `new`. */
const CONSTRUCTIBLE = {
  SessionMap: [coId, headerJson],
  SessionLog: ['co_zx', 'co_zx_session_zy'],
  Blake3Hasher: [],
  NativeCryptoEngine: [16],
  WorkerHandle: [{ accountID: account, accountSecret: agentSecret }],
}

/** V8's own message for a JS class called without `new`. */
function v8Message(name) {
  // A class declared with this name (V8 words the message differently for
  // an anonymous class that is named later).
  assert.match(name, /^[A-Z][A-Za-z0-9]*$/)
  const Class = new Function(`return class ${name} {}`)()
  try {
    Class()
  } catch (error) {
    assert.ok(error instanceof TypeError)
    return error.message
  }
  throw new Error('a JS class called without new did not throw')
}

for (const [loader, lib] of LOADERS) {
  test(`constructors (${loader}): every class called without new throws V8's TypeError`, () => {
    const classes = Object.keys(lib).filter((name) => typeof lib[name] === 'function' && /^[A-Z]/.test(name))
    assert.deepEqual(classes.sort(), Object.keys(CONSTRUCTIBLE).sort(), 'every class is covered')
    const withoutNew = (name) => (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e}`)
      assert.equal(e.message, v8Message(name))
      assert.equal(e.code, 'ERR_CONSTRUCT_CALL_REQUIRED')
      return true
    }
    for (const [name, args] of Object.entries(CONSTRUCTIBLE)) {
      const Class = lib[name]
      const expected = withoutNew(name)
      const instance = new Class(...args)
      const plain = {}
      assert.throws(() => Class(...args), expected)
      assert.throws(() => Class.call(plain, ...args), expected)
      assert.throws(() => Class.apply(instance, args), expected)
      assert.throws(() => Reflect.apply(Class, Object.create(Class.prototype), args), expected)
      // Nothing was wrapped: the plain object is still no instance.
      assert.equal(Object.getPrototypeOf(plain), Object.prototype)
      // With `new` (in every form) it still works.
      assert.ok(new Class(...args) instanceof Class)
      assert.ok(Reflect.construct(Class, args) instanceof Class)
      class Sub extends Class {}
      assert.ok(new Sub(...args) instanceof Class)
    }
  })

  test(`constructors (${loader}): the check comes first, before any argument is read`, () => {
    let read = false
    const options = {
      get accountID() {
        read = true
        return account
      },
    }
    assert.throws(() => lib.WorkerHandle(options), TypeError)
    assert.equal(read, false, 'no getter of the options ran')
    // Arguments that are wrong too: still the constructor error (as V8).
    assert.throws(() => lib.SessionMap(42, {}), (e) => e instanceof TypeError && e.code === 'ERR_CONSTRUCT_CALL_REQUIRED')
    assert.throws(() => lib.NativeCryptoEngine(NaN), (e) => e instanceof TypeError && e.code === 'ERR_CONSTRUCT_CALL_REQUIRED')
  })

  test(`constructors (${loader}): instances that methods return are still made`, () => {
    const hasher = new lib.Blake3Hasher()
    hasher.update(new Uint8Array([1, 2, 3]))
    const copy = hasher.clone()
    // napi-rs makes returned instances with the class of the copy of the
    // addon loaded last in this thread (a known napi-rs limit when one binary
    // is loaded twice; this file loads it twice), so check either.
    const isA = (value, name) => LOADERS.some(([, l]) => value instanceof l[name])
    assert.ok(isA(copy, 'Blake3Hasher'))
    assert.deepEqual(copy.finalize(), hasher.finalize())
    const handle = new lib.WorkerHandle({ accountID: account, accountSecret: agentSecret })
    const engine = handle.cryptoEngine()
    assert.ok(isA(engine, 'NativeCryptoEngine'))
    assert.equal(engine.signerId(signerSecret), handle.signerID)
  })
}

test('constructors: the reference runs a class called without new (it wraps `this`)', () => {
  const target = {}
  assert.doesNotThrow(() => ref.Blake3Hasher.call(target))
})

/** Session ids that are also names JS objects treat specially. */
const SPECIAL_SESSIONS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '10', 'valueOf']

/** A map on `lib` with one trusting transaction in each session. */
function mapWithSessions(lib, sessions) {
  const map = new lib.SessionMap(coId, headerJson)
  for (const [i, id] of sessions.entries()) map.makeNewTrustingTransaction(id, signerSecret, `[${i}]`, null, madeAt + i)
  return map
}

/** The known state as JSON text: `{ id, header: true, sessions }` with these counts, in this order. */
function knownStateJson(counts) {
  const sessions = Object.entries(counts).map(([id, count]) => `${JSON.stringify(id)}:${count}`)
  return `{"id":${JSON.stringify(coId)},"header":true,"sessions":{${sessions.join(',')}}}`
}

for (const [loader, lib] of LOADERS) {
  test(`own properties (${loader}): a session named __proto__ is an ordinary key of getKnownState, as JSON.parse makes it`, () => {
    const sessions = [session, ...SPECIAL_SESSIONS]
    const ours = mapWithSessions(lib, sessions).getKnownState()
    const reference = mapWithSessions(ref, sessions)
    // The expected object: JSON.parse of the known state, with the counts the reference reports.
    const counts = Object.fromEntries(sessions.map((id) => [id, reference.getTransactionCount(id)]))
    assert.equal(counts.__proto__, 1)
    const expected = JSON.parse(knownStateJson(counts))
    assert.ok(Object.hasOwn(expected.sessions, '__proto__'))
    assert.deepStrictEqual(ours, expected)
    assert.deepEqual(Object.keys(ours.sessions), Object.keys(expected.sessions))
    assert.ok(Object.hasOwn(ours.sessions, '__proto__'))
    assert.equal(ours.sessions.__proto__, 1)
    assert.equal(Object.getPrototypeOf(ours.sessions), Object.prototype)
    assert.equal(Object.getPrototypeOf(ours), Object.prototype)
    for (const key of Object.keys(ours.sessions)) {
      assert.deepEqual(Object.getOwnPropertyDescriptor(ours.sessions, key), { value: counts[key], writable: true, enumerable: true, configurable: true })
    }
    for (const key of ['id', 'header', 'sessions']) {
      assert.deepEqual(Object.getOwnPropertyDescriptor(ours, key), Object.getOwnPropertyDescriptor(expected, key))
    }
    // The reference loses it: [[Set]] of __proto__ to a number does nothing.
    const theirs = reference.getKnownState()
    assert.equal(Object.hasOwn(theirs.sessions, '__proto__'), false)
    assert.deepEqual(Object.keys(theirs.sessions).sort(), Object.keys(expected.sessions).filter((key) => key !== '__proto__').sort())
  })

  test(`own properties (${loader}): the same for getKnownStateWithStreaming, sessions announced only included`, () => {
    const map = mapWithSessions(lib, [session, '__proto__'])
    const reference = mapWithSessions(ref, [session, '__proto__'])
    const announced = `{"__proto__":5,${JSON.stringify(session)}:3,"constructor":2}`
    map.setStreamingKnownState(announced)
    reference.setStreamingKnownState(announced)
    const expected = JSON.parse(`{"id":${JSON.stringify(coId)},"header":true,"sessions":{${JSON.stringify(session)}:3,"__proto__":5,"constructor":2}}`)
    const ours = map.getKnownStateWithStreaming()
    assert.deepStrictEqual(ours, expected)
    assert.ok(Object.hasOwn(ours.sessions, '__proto__'))
    assert.equal(ours.sessions.__proto__, 5)
    assert.equal(Object.getPrototypeOf(ours.sessions), Object.prototype)
    const theirs = reference.getKnownStateWithStreaming()
    assert.equal(Object.hasOwn(theirs.sessions, '__proto__'), false)
    assert.deepEqual(theirs.sessions, { [session]: 3, constructor: 2 })
  })

  test(`own properties (${loader}): stats rows and cacheStats ignore setters on Object.prototype`, () => {
    const fields = ['operation', 'calls', 'totalMs', 'entries', 'capacityPerKind', 'hits', 'misses', 'id', 'header', 'sessions']
    const ran = []
    for (const key of fields) Object.defineProperty(Object.prototype, key, { set: () => ran.push(key), configurable: true })
    let results
    try {
      const engine = new lib.NativeCryptoEngine()
      engine.record(lib.CryptoOperation.Seal, 10)
      results = { stats: engine.stats(), cache: engine.cacheStats(), known: mapWithSessions(lib, [session]).getKnownState() }
    } finally {
      for (const key of fields) delete Object.prototype[key]
    }
    assert.deepEqual(ran, [])
    const seal = results.stats.find((row) => row.operation === 'seal')
    assert.deepEqual(Object.keys(seal), ['operation', 'calls', 'totalMs'])
    assert.deepEqual({ ...seal }, { operation: 'seal', calls: 1, totalMs: 10 / 1e6 })
    assert.deepEqual(Object.keys(results.cache), ['entries', 'capacityPerKind', 'hits', 'misses'])
    assert.deepEqual(Object.keys(results.known), ['id', 'header', 'sessions'])
  })
}
