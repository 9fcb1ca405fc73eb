// Misuse that must never crash the process: a SessionMap called again from
// JS that runs inside one of its own calls (setters on Array.prototype while
// a result array is filled; known-state objects run no JS at all), methods on
// the wrong receiver, and calls after errors. Our binding keeps the log in a
// RefCell, so a reentrant change throws "SessionMap is busy" and a reentrant
// read works.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { base58 } from '@scure/base'

const require = createRequire(import.meta.url)
const native = require('../index.js')
const ref = require('cojson-core-napi')

const headerJson = JSON.stringify({ meta: null, ruleset: { type: 'unsafeAllowAll' }, type: 'comap', uniqueness: 'reentrancy' })
const coId = `co_z${ref.shortHash(headerJson).slice('shortHash_z'.length)}`
const signerSecret = `signerSecret_z${base58.encode(new Uint8Array(32).fill(3))}`
const session = 'co_zreentrant_session_zA'
const madeAt = 1_700_000_000_000

function mapWithOneTransaction() {
  const map = new native.SessionMap(coId, headerJson)
  map.makeNewTrustingTransaction(session, signerSecret, '[{"op":"set"}]', null, madeAt)
  return map
}

/** Runs `body` with a setter named `key` on `proto`, always removed after. */
function withSetter(proto, key, setter, body) {
  Object.defineProperty(proto, key, { set: setter, configurable: true })
  try {
    return body()
  } finally {
    delete proto[key]
  }
}

test('getKnownState and getKnownStateWithStreaming run no JS: setters on Object.prototype are never called', () => {
  // Known-state objects get own data properties (as JSON.parse makes them),
  // so a setter on Object.prototype named like a session, or like `id`,
  // `header` or `sessions`, is not called and cannot reenter the map.
  const map = mapWithOneTransaction()
  map.setStreamingKnownState(JSON.stringify({ [session]: 5 }))
  const called = []
  const keys = [session, 'id', 'header', 'sessions']
  for (const key of keys) {
    Object.defineProperty(Object.prototype, key, {
      set() {
        called.push(key)
        map.markAsDeleted()
      },
      configurable: true,
    })
  }
  let states
  try {
    states = [map.getKnownState(), map.getKnownStateWithStreaming()]
  } finally {
    for (const key of keys) delete Object.prototype[key]
  }
  assert.deepEqual(called, [])
  assert.equal(map.isDeleted(), false)
  const [state, streaming] = states
  for (const s of states) {
    for (const key of ['id', 'header', 'sessions']) assert.ok(Object.hasOwn(s, key), key)
    assert.ok(Object.hasOwn(s.sessions, session))
    assert.equal(s.id, coId)
  }
  assert.equal(state.sessions[session], 1)
  assert.equal(streaming.sessions[session], 5)
  // The map still works.
  map.makeNewTrustingTransaction(session, signerSecret, '[3]', null, madeAt + 2)
  assert.equal(map.getTransactionCount(session), 2)
})

test('a change from an Array.prototype setter run by getSessionTransactions throws busy', () => {
  const map = mapWithOneTransaction()
  const before = map.getTransaction(session, 0)
  let inner = null
  let seen = null
  withSetter(Array.prototype, '0', function () {
    seen = map.getTransaction(session, 0)
    try {
      map.addTransactions(session, undefined, '[]', 'signature_zbad', true)
    } catch (e) {
      inner = e
    }
  }, () => map.getSessionTransactions(session, 0))
  assert.match(inner?.message ?? '', /SessionMap is busy/)
  assert.equal(seen, before)
  assert.equal(map.getTransaction(session, 0), before)
})

test('methods on the wrong receiver throw instead of reading foreign memory', () => {
  const map = mapWithOneTransaction()
  const receivers = [{}, Object.create(native.SessionMap.prototype), new native.Blake3Hasher(), null, undefined, 7]
  for (const receiver of receivers) {
    assert.throws(() => native.SessionMap.prototype.isDeleted.call(receiver))
    assert.throws(() => native.SessionMap.prototype.getTransaction.call(receiver, session, 0))
    assert.throws(() => native.SessionMap.prototype.markAsDeleted.call(receiver))
    assert.throws(() => native.SessionMap.prototype.getKnownState.call(receiver))
  }
  assert.throws(() => native.Blake3Hasher.prototype.update.call(map, new Uint8Array(64)))
  assert.equal(map.getTransactionCount(session), 1)
})

test('calls after errors keep working', () => {
  const map = mapWithOneTransaction()
  for (let i = 0; i < 50; i++) {
    assert.throws(() => map.getTransaction(session, -1), RangeError)
    assert.throws(() => map.addTransactions(session, undefined, '[{', 'signature_zx', true))
    assert.throws(() => map.decryptTransaction(session, 99, 'keySecret_z1'))
    assert.throws(() => map.makeNewTrustingTransaction(session, 'signerSecret_zbad', '[]', null, madeAt))
  }
  assert.equal(map.getTransactionCount(session), 1)
  assert.equal(JSON.parse(map.getTransaction(session, 0)).changes, '[{"op":"set"}]')
})
