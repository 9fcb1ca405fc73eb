// NativeCrypto's session-map adapter keeps the session ids, transaction
// counts and header it was asked for until the next change (crypto/index.mjs).
// Its slow twin is the native map itself: after every step of random
// sequences of changes (new sessions, received batches, failed calls,
// streaming states, deletion) every kept answer must equal what a plain
// SessionMap fed the same calls answers, and what cojson-core-napi answers.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { WasmCrypto } from 'cojson/crypto/WasmCrypto'
import { NativeCrypto } from '../crypto/index.mjs'

const require = createRequire(import.meta.url)
const { SessionMap } = require('../index.js')
const reference = require('cojson-core-napi')
const wasm = await WasmCrypto.create()

const HEADER = '{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":"adapter"}'
const CO_ID = 'co_z' + '7'.repeat(22)
const ACCOUNT = 'co_zbvG6R7HsGURNQcLQSr4ZNQtWRN'

/** A small deterministic generator (xorshift32), so a failure replays. */
function rng(seed) {
  let x = seed >>> 0 || 1
  return (n) => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) % n
  }
}

/** The three maps fed the same calls: the adapter under test, our plain map, the reference's. */
async function maps() {
  const crypto = await NativeCrypto.create()
  return {
    adapter: crypto.createSessionMap(CO_ID, HEADER, undefined, true),
    plain: new SessionMap(CO_ID, HEADER, null, true),
    ref: new reference.SessionMap(CO_ID, HEADER, undefined, true),
  }
}

/** Calls `call` on each map; all must throw, or all return the same. */
function onAll(all, call) {
  const outcomes = Object.entries(all).map(([name, map]) => {
    try {
      return [name, { value: call(map) }]
    } catch {
      return [name, { threw: true }]
    }
  })
  const [first] = outcomes
  for (const [name, outcome] of outcomes) assert.deepEqual(outcome, first[1], `${name} differs from ${first[0]}`)
  return first[1]
}

/** Every query the adapter answers from what it kept, on all three maps. */
function assertSameAnswers(all, sessions, label) {
  // The reference lists sessions in hash-map order; ours in creation order.
  const { ref, ...ours } = all
  const ids = onAll(ours, (map) => map.getSessionIds()).value
  if (ref) assert.deepEqual([...ref.getSessionIds()].sort(), [...ids].sort(), label)
  // The caller may change the array it got; the next answer is unchanged.
  all.adapter.getSessionIds().push('junk')
  assert.deepEqual(all.adapter.getSessionIds(), ids, label)
  for (const session of [...sessions, `${ACCOUNT}_session_zNone`]) {
    onAll(all, (map) => map.getTransactionCount(session))
    onAll(all, (map) => map.getTransactionCount(session))
  }
  onAll(all, (map) => map.getHeader())
}

test('kept answers equal the native map\'s and the reference\'s through random sequences of changes', async () => {
  const agent = wasm.newRandomAgentSecret()
  const signerSecret = wasm.getAgentSignerSecret(agent)
  const signerId = wasm.getSignerID(signerSecret)
  const { id: keyId, secret: keySecret } = wasm.newRandomKeySecret()
  for (let seed = 1; seed <= 12; seed++) {
    const pick = rng(seed * 7919)
    const all = await maps()
    // A source of received batches: another node's map.
    const source = new SessionMap(CO_ID, HEADER, null, true)
    const sessions = Array.from({ length: 4 }, (_, i) => `${ACCOUNT}_session_zS${seed}x${i}`)
    const remote = `${ACCOUNT}_session_zRemote${seed}`
    let remoteSent = 0
    let madeAt = 1_700_000_000_000
    assertSameAnswers(all, sessions, `seed ${seed}, empty`)
    for (let step = 0; step < 40; step++) {
      const session = sessions[pick(sessions.length)]
      const changes = JSON.stringify([{ op: 'set', key: `k${step}`, value: pick(1000) }])
      const action = pick(7)
      madeAt++
      if (action === 0 || action === 1) {
        onAll(all, (map) => map.makeNewTrustingTransaction(session, signerSecret, changes, undefined, madeAt))
      } else if (action === 2) {
        onAll(all, (map) => map.makeNewPrivateTransaction(session, signerSecret, changes, keyId, keySecret, undefined, madeAt))
      } else if (action === 3 || action === 4) {
        // A batch from the remote session, verified; sometimes with a wrong signature.
        const made = [1, 2, 3].slice(0, 1 + pick(3)).map(() =>
          JSON.parse(source.makeNewTrustingTransaction(remote, signerSecret, changes, undefined, ++madeAt)),
        )
        const good = made.at(-1).signature
        const bad = pick(3) === 0
        // A wrong signature: the last digit changed.
        const signature = bad ? good.replace(/.$/, (c) => (c === '2' ? '3' : '2')) : good
        const json = `[${source.getSessionTransactions(remote, remoteSent).join(',')}]`
        const outcome = onAll(all, (map) => map.addTransactions(remote, signerId, json, signature, false))
        // After a refused batch the next good one resends from remoteSent.
        if (!outcome.threw) remoteSent = source.getTransactionCount(remote)
        else {
          assert.ok(bad, 'only a wrong signature may fail')
          // The reference keeps a refused batch pending (README, "Differences
          // from cojson-core-napi"), so from here it is no longer a twin.
          delete all.ref
        }
      } else if (action === 5) {
        // A call that fails on every map; ours change nothing, the reference
        // keeps a phantom session (README, "Differences from cojson-core-napi").
        assert.ok(onAll(all, (map) => map.makeNewTrustingTransaction(session, 'signerSecret_zbad', changes, undefined, madeAt)).threw)
        delete all.ref
      } else {
        const counts = Object.fromEntries(sessions.map((s) => [s, 100]))
        onAll(all, (map) => map.setStreamingKnownState(JSON.stringify(counts)))
      }
      assertSameAnswers(all, [...sessions, remote], `seed ${seed}, step ${step}, action ${action}`)
    }
    onAll(all, (map) => map.markAsDeleted())
    assertSameAnswers(all, [...sessions, remote], `seed ${seed}, deleted`)
  }
})

test('a change made by JS that runs inside getSessionIds is not hidden by a kept answer', async () => {
  const agent = wasm.newRandomAgentSecret()
  const signerSecret = wasm.getAgentSignerSecret(agent)
  const { adapter, plain } = await maps()
  const first = `${ACCOUNT}_session_zFirst`
  const second = `${ACCOUNT}_session_zSecond`
  for (const map of [adapter, plain]) map.makeNewTrustingTransaction(first, signerSecret, '[]', undefined, 1)
  // Filling the result array runs a setter on Array.prototype (it is [[Set]]);
  // this one adds a session through the adapter while getSessionIds runs.
  let fired = false
  Object.defineProperty(Array.prototype, '0', {
    configurable: true,
    set(value) {
      Object.defineProperty(this, '0', { value, writable: true, enumerable: true, configurable: true })
      if (!fired) {
        fired = true
        adapter.makeNewTrustingTransaction(second, signerSecret, '[]', undefined, 2)
      }
    },
  })
  let during
  try {
    during = adapter.getSessionIds()
  } finally {
    delete Array.prototype[0]
  }
  assert.ok(fired, 'the setter ran inside getSessionIds')
  plain.makeNewTrustingTransaction(second, signerSecret, '[]', undefined, 2)
  assert.deepEqual(during, [first])
  assert.deepEqual(adapter.getSessionIds(), plain.getSessionIds())
  assert.deepEqual(adapter.getSessionIds(), [first, second])
  assert.equal(adapter.getTransactionCount(second), 1)
})
