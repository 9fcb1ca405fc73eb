// SessionMap workloads: the transaction log of one CoValue, both directly on
// the addons (our `SessionMap` against cojson-core-napi's and
// cojson-core-wasm's) and through the CryptoProvider (`createSessionMap` of
// cojson's NapiCrypto on each addon, WasmCrypto, and our NativeCrypto).
//
// Every case builds its own maps from the same inputs on every provider, so
// outputs (transaction JSON with signatures, known states, decrypted changes)
// can be compared before timing. Signing is deterministic (Ed25519), so the
// first call on a fresh map must return the same bytes everywhere.

import { randomBytes } from 'node:crypto'
import { base58 } from '@scure/base'
import { stableStringify } from 'cojson/dist/jsonStringify.js'
import { assertSame } from './harness.mjs'

const utf8 = (text) => new TextEncoder().encode(text)

/** Inputs shared by every provider (made with the reference addon). */
export function sessionMapFixture(ref) {
  const header = {
    type: 'comap',
    ruleset: { type: 'ownedByGroup', group: `co_z${base58.encode(randomBytes(16))}` },
    meta: null,
    uniqueness: base58.encode(randomBytes(12)),
  }
  const headerJson = stableStringify(header)
  const coId = `co_z${ref.shortHash(headerJson).slice('shortHash_z'.length)}`
  const signerSecret = `signerSecret_z${base58.encode(randomBytes(32))}`
  const signerId = ref.getSignerId(utf8(signerSecret))
  const accountId = `co_z${base58.encode(randomBytes(16))}`
  const session = (tag) => `${accountId}_session_z${tag}`
  const keyId = `key_z${base58.encode(randomBytes(8))}`
  const keySecret = `keySecret_z${base58.encode(randomBytes(32))}`
  const changes = JSON.stringify([{ op: 'set', key: 'title', value: 'Buy milk and eggs' }])
  const meta = JSON.stringify({ source: 'bench' })
  const madeAt = 1_700_000_000_000
  return { headerJson, coId, signerSecret, signerId, session, keyId, keySecret, changes, meta, madeAt }
}

const BATCH = 1000
const SESSIONS = 20

/**
 * The SessionMap cases. `api` adapts one provider: `api.create(m, coId,
 * headerJson, maxTxSize, skipVerify)` makes a map (on the addon or via the
 * CryptoProvider). Returned functions `(i) => result` as the harness wants.
 */
export function sessionMapCases(fx, refMap) {
  const { headerJson, coId, signerSecret, signerId, session, keyId, keySecret, changes, meta, madeAt } = fx

  // Batches received from another node: made once by each implementation,
  // which must agree byte for byte (checked in `sessionMapSection`).
  const makeBatch = (map, privacy) => {
    const txs = []
    let signature
    for (let k = 0; k < BATCH; k++) {
      const out = JSON.parse(
        privacy === 'private'
          ? map.makeNewPrivateTransaction(session('batch'), signerSecret, changes, keyId, keySecret, null, madeAt + k)
          : map.makeNewTrustingTransaction(session('batch'), signerSecret, changes, null, madeAt + k),
      )
      txs.push(stableStringify(out.transaction))
      signature = out.signature
    }
    return { json: `[${txs.join(',')}]`, signature }
  }

  const same = 'same'
  // The reference lists known-state sessions in Rust `HashMap` order (random);
  // ours in creation order (docs/session-map.md). Compared with sorted sessions.
  // The reference lists known-state sessions in Rust `HashMap` order (random);
  // ours in creation order (docs/session-map.md), so sessions are compared
  // sorted. The top-level key order must match cojson-core-napi's exactly
  // (the wasm build orders them differently and is compared by value).
  const sameKnownState = (outputs) => {
    const order = (k) => JSON.stringify(Object.keys(k))
    if (order(outputs.ours) !== order(outputs.ref)) throw new Error(`known state keys ${order(outputs.ours)}, reference ${order(outputs.ref)}`)
    const normal = (k) => ({ id: k.id, header: k.header, sessions: Object.fromEntries(Object.entries(k.sessions).sort()) })
    assertSame('known state', Object.fromEntries(Object.entries(outputs).map(([name, k]) => [name, normal(k)])))
  }
  const fresh = (create) => create(coId, headerJson, null, false)
  const trustingSession = session('trusting')

  // A map holding a 100-transaction session (half private) and 20 sessions.
  const populated = (create) => {
    const map = fresh(create)
    for (let k = 0; k < 100; k++) {
      if (k % 2) map.makeNewPrivateTransaction(trustingSession, signerSecret, changes, keyId, keySecret, meta, madeAt + k)
      else map.makeNewTrustingTransaction(trustingSession, signerSecret, changes, meta, madeAt + k)
    }
    for (let s = 1; s < SESSIONS; s++) map.makeNewTrustingTransaction(session(`s${s}`), signerSecret, changes, null, madeAt + s)
    return map
  }

  return {
    makeBatch,
    cases: [
      {
        name: 'new SessionMap (header check)',
        make: (create) => () => {
          create(coId, headerJson, null, false)
          return coId
        },
        check: same,
      },
      {
        name: 'makeNewTrustingTransaction',
        make: (create) => {
          const map = fresh(create)
          return (i) => map.makeNewTrustingTransaction(trustingSession, signerSecret, changes, null, madeAt + i)
        },
        check: same,
      },
      {
        name: 'makeNewPrivateTransaction',
        make: (create) => {
          const map = fresh(create)
          return (i) => map.makeNewPrivateTransaction(trustingSession, signerSecret, changes, keyId, keySecret, meta, madeAt + i)
        },
        check: same,
      },
      ...['trusting', 'private'].map((privacy) => ({
        name: `addTransactions (1,000 ${privacy}, verified)`,
        batch: privacy,
        make: (create, batches) => {
          const { json, signature } = batches[privacy]
          // A fresh map per call: a batch signs the session's hash from its start.
          return () => {
            const map = create(coId, headerJson, null, true)
            map.addTransactions(session('batch'), signerId, json, signature, false)
            return map.getTransactionCount(session('batch'))
          }
        },
        check: same,
      })),
      {
        name: `getKnownState (${SESSIONS} sessions)`,
        make: (create) => {
          const map = populated(create)
          return () => map.getKnownState()
        },
        check: sameKnownState,
      },
      {
        name: `getKnownStateWithStreaming (${SESSIONS} sessions)`,
        make: (create) => {
          const map = populated(create)
          const ahead = Object.fromEntries(Array.from({ length: SESSIONS }, (_, s) => [session(`s${s}`), 5]))
          map.setStreamingKnownState(JSON.stringify(ahead))
          return () => map.getKnownStateWithStreaming()
        },
        check: sameKnownState,
      },
      {
        name: 'getSessionTransactions (100 tx)',
        make: (create) => {
          const map = populated(create)
          return () => map.getSessionTransactions(trustingSession, 0)
        },
        check: same,
      },
      {
        name: 'getTransaction',
        make: (create) => {
          const map = populated(create)
          return (i) => map.getTransaction(trustingSession, i % 100)
        },
        check: same,
      },
      {
        name: 'decryptTransaction (private)',
        make: (create) => {
          const map = populated(create)
          return (i) => map.decryptTransaction(trustingSession, 1 + 2 * (i % 50), keySecret)
        },
        check: same,
      },
      {
        name: 'decryptTransaction (trusting)',
        make: (create) => {
          const map = populated(create)
          return (i) => map.decryptTransaction(trustingSession, 2 * (i % 50), keySecret)
        },
        check: same,
      },
      // The cheap queries and flags: mostly the cost of crossing into the addon.
      ...[
        ['getHeader', (map) => () => map.getHeader()],
        [`getSessionIds (${SESSIONS} sessions)`, (map) => () => map.getSessionIds()],
        ['getTransactionCount', (map) => () => map.getTransactionCount(trustingSession)],
        ['getLastSignature', (map) => () => map.getLastSignature(trustingSession)],
        ['getLastSignatureCheckpoint', (map) => () => map.getLastSignatureCheckpoint(trustingSession)],
        ['isStreaming', (map) => () => map.isStreaming()],
        ['isDeleted', (map) => () => map.isDeleted()],
        ['markAsDeleted (again)', (map) => () => (map.markAsDeleted(), map.isDeleted())],
        [
          'setStreamingKnownState',
          (map) => {
            const ahead = JSON.stringify({ [trustingSession]: 200 })
            return () => (map.setStreamingKnownState(ahead), map.isStreaming())
          },
        ],
      ].map(([name, query]) => ({ name, make: (create) => query(populated(create)), check: same })),
      {
        name: 'getSignatureAfter (a checkpoint)',
        make: (create) => {
          // maxTxSize 200: an in-between signature every few transactions.
          const map = create(coId, headerJson, 200, false)
          for (let k = 0; k < 20; k++) map.makeNewTrustingTransaction(trustingSession, signerSecret, changes, meta, madeAt + k)
          const checkpoint = map.getLastSignatureCheckpoint(trustingSession)
          if (!(checkpoint >= 0)) throw new Error('no in-between signature to read')
          return () => map.getSignatureAfter(trustingSession, checkpoint)
        },
        check: same,
      },
      {
        name: 'decryptTransactionMeta (private)',
        make: (create) => {
          const map = populated(create)
          return (i) => map.decryptTransactionMeta(trustingSession, 1 + 2 * (i % 50), keySecret)
        },
        check: same,
      },
    ],
  }
}

/**
 * Runs both SessionMap sections. `addons` maps provider name to an addon
 * module (with `SessionMap`), `providers` to a CryptoProvider instance.
 */
export async function sessionMapSection(runSection, addons, providers) {
  const fx = sessionMapFixture(addons.ref)
  const addonCreate = (m) => (...args) => new m.SessionMap(...args)
  const providerCreate = (p) => (...args) => p.createSessionMap(...args)
  const { makeBatch, cases } = sessionMapCases(fx)

  // Batches made by the reference and by ours must be identical.
  const batches = {}
  for (const privacy of ['trusting', 'private']) {
    const made = Object.fromEntries(
      Object.entries(addons).map(([name, m]) => [name, makeBatch(addonCreate(m)(fx.coId, fx.headerJson, null, false), privacy)]),
    )
    for (const [name, b] of Object.entries(made)) {
      if (b.json !== made.ref.json || b.signature !== made.ref.signature) throw new Error(`${privacy} batch made by ${name} differs from the reference's`)
    }
    batches[privacy] = made.ref
  }

  const wrap = (createOf) =>
    cases.map((c) => ({ ...c, make: (m) => c.make(createOf(m), batches) }))
  const summaries = {}
  summaries.sessionMap = runSection('SessionMap (directly on each addon)', wrap(addonCreate), addons)
  summaries.sessionMapProvider = runSection(
    'SessionMap through the CryptoProvider (cojson NapiCrypto on each addon; WasmCrypto; NativeCrypto as `native`)',
    wrap(providerCreate),
    providers,
  )
  return summaries
}
