// Differential tests of SessionMap against cojson-core-napi@0.20.19: seeded
// random operation sequences over every header shape, transactions made by
// one implementation and received by the other, streaming, deletion, and
// malformed input. Expected values always come from the reference.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { generator } from './helpers/common.mjs'
import { ALPHABET as B58, base58 } from './helpers/base58.mjs'

const require = createRequire(import.meta.url)
const reference = require('cojson-core-napi')
const ours = require('../index.js')
const { stableStringify } = await import('cojson/dist/jsonStringify.js')

// ---------- seeded randomness and ids ----------

function makeRng(seed) {
  const rnd = generator(seed).next
  const r = {
    next: rnd,
    int: (n) => Math.floor(rnd() * n),
    pick: (xs) => xs[Math.floor(rnd() * xs.length)],
    chance: (p) => rnd() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256)),
    word: (n) => Array.from({ length: n }, () => B58[Math.floor(rnd() * 58)]).join(''),
  }
  return r
}

const te = new TextEncoder()
const coIdFor = (header) => 'co_z' + reference.shortHash(stableStringify(header)).slice('shortHash_z'.length)

function agent(rng) {
  const signerSecret = 'signerSecret_z' + base58(rng.bytes(32))
  const signerId = reference.getSignerId(te.encode(signerSecret))
  const sealer = 'sealer_z' + base58(rng.bytes(32))
  return { signerSecret, signerId, accountId: rng.chance(0.5) ? `${sealer}/${signerId}` : `co_z${rng.word(26)}` }
}

const sessionId = (rng, agentInfo, del = false) =>
  del ? `${agentInfo.accountId}_session_d${rng.word(11)}$` : `${agentInfo.accountId}_session_z${rng.word(11)}`

function randomHeader(rng) {
  const type = rng.pick(['comap', 'colist', 'costream', 'coplaintext', 'BinaryCoStream', 'account', 'group'])
  const ruleset = rng.pick([
    () => ({ type: 'group', initialAdmin: rng.chance(0.5) ? `co_z${rng.word(26)}` : `sealer_z${rng.word(44)}/signer_z${rng.word(44)}` }),
    () => ({ type: 'ownedByGroup', group: `co_z${rng.word(26)}` }),
    () => ({ type: 'ownedByGroup', group: `co_z${rng.word(26)}`, restrictDeletion: rng.chance(0.5) }),
    () => ({ type: 'unsafeAllowAll' }),
  ])()
  const meta = rng.pick([
    null,
    { type: 'account' },
    { source: `co_z${rng.word(26)}`, branch: 'main' },
    { nested: { b: [1, 'two', true, null, { z: 0.5, a: -7 }], a: 'é\n"\\' } },
    { type: 'binary', mimeType: 'image/png', totalSizeBytes: rng.int(1e9) },
  ])
  const uniqueness = rng.pick([rng.word(12), true, false, null, rng.int(1e9) - 5e8, { a: rng.word(4), b: 'x' }, ''])
  const header = { type, ruleset, meta, uniqueness }
  if (rng.chance(0.6)) header.createdAt = rng.chance(0.9) ? new Date(1.7e12 + rng.int(1e10)).toISOString() : null
  return header
}

// ---------- state dumps ----------

function sorted(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function attempt(f) {
  try {
    return { ok: f() }
  } catch (e) {
    return { threw: true }
  }
}

/** Everything a caller can observe, with known-state order normalised. */
function dump(map, keySecrets = []) {
  const ids = map.getSessionIds()
  const sessions = {}
  for (const id of ids) {
    const count = map.getTransactionCount(id)
    const signatureAfter = []
    for (let i = 0; i < count; i++) signatureAfter.push(map.getSignatureAfter(id, i))
    const decrypted = []
    for (let i = 0; i < count; i++) {
      for (const key of keySecrets) {
        decrypted.push(attempt(() => map.decryptTransaction(id, i, key)))
        decrypted.push(attempt(() => map.decryptTransactionMeta(id, i, key)))
      }
    }
    sessions[id] = {
      count,
      transactions: map.getSessionTransactions(id, 0),
      last: map.getTransaction(id, count - 1 < 0 ? 0 : count - 1),
      lastSignature: map.getLastSignature(id),
      checkpoint: map.getLastSignatureCheckpoint(id),
      signatureAfter,
      decrypted,
    }
  }
  const known = map.getKnownState()
  const withStreaming = map.getKnownStateWithStreaming()
  return {
    header: map.getHeader(),
    ids,
    sessions,
    known: { ...known, sessions: sorted(known.sessions) },
    withStreaming: withStreaming && { ...withStreaming, sessions: sorted(withStreaming.sessions) },
    streaming: map.isStreaming(),
    deleted: map.isDeleted(),
    missing: [map.getTransactionCount('nope'), map.getTransaction('nope', 0), map.getSessionTransactions('nope', 0), map.getLastSignature('nope'), map.getLastSignatureCheckpoint('nope')],
  }
}

/** deepEqual with a short message: the first differing path and both values. */
function firstDifference(a, b, path = '') {
  if (Object.is(a, b)) return null
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return { path, a, b }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  if (Array.isArray(a) !== Array.isArray(b)) return { path, a: 'array?', b: 'array?' }
  if (JSON.stringify(Object.keys(a)) !== JSON.stringify(Object.keys(b))) return { path: path + ' (keys)', a: Object.keys(a), b: Object.keys(b) }
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], `${path}.${k}`)
    if (d) return d
  }
  return null
}

function assertSame(actual, expected, message) {
  const d = firstDifference(actual, expected)
  if (d) {
    const short = (v) => (typeof v === 'string' && v.length > 200 ? v.slice(0, 200) + '…' : JSON.stringify(v)?.slice(0, 300))
    assert.fail(`${message}: differs at ${d.path}: ours ${short(d.a)}, reference ${short(d.b)}`)
  }
}

function throwsBoth(f, what) {
  let refError, ourError
  try {
    f(reference)
  } catch (e) {
    refError = e
  }
  try {
    f(ours)
  } catch (e) {
    ourError = e
  }
  assert.ok(refError, `reference should throw: ${what}`)
  assert.ok(ourError instanceof Error, `ours should throw: ${what}`)
  return { refError, ourError }
}

// ---------- the random differential run ----------

const stats = { mirrored: 0, batches: 0, checkpoints: 0, deleted: 0, streaming: 0, private: 0 }

function runSequence(seed) {
  const rng = makeRng(seed)
  const header = randomHeader(rng)
  const coId = coIdFor(header)
  const headerJson = JSON.stringify(header)
  const maxTxSize = rng.pick([undefined, 2000, 5000, 100])
  const pair = { ref: new reference.SessionMap(coId, headerJson, maxTxSize), our: new ours.SessionMap(coId, headerJson, maxTxSize) }
  const keys = [0, 1].map(() => ({ id: `key_z${rng.word(20)}`, secret: 'keySecret_z' + base58(rng.bytes(32)) }))
  const keySecrets = keys.map((k) => k.secret)
  const agents = [0, 1, 2].map(() => agent(rng))
  // Each session: who authors it, who receives it, and what is in flight.
  const sessions = []
  const newSession = (del = false) => {
    const a = rng.pick(agents)
    const s = { id: sessionId(rng, a, del), agent: a, mode: rng.pick(['mirror', 'ourToRef', 'refToOur', 'skip']), pending: [], started: false }
    sessions.push(s)
    return s
  }

  const makeArgs = () => {
    const big = rng.chance(0.15)
    const changes = JSON.stringify(
      Array.from({ length: 1 + rng.int(3) }, () => ({ op: 'set', key: rng.word(3), value: big ? 'x'.repeat(500 + rng.int(3000)) : rng.pick([1, 'é', null, { a: [true] }, 'quote"back\\slash\nnew']) })),
    )
    const meta = rng.chance(0.3) ? JSON.stringify({ ts: rng.int(1e6), note: rng.word(5) }) : undefined
    const madeAt = 1.7e12 + rng.int(1e9)
    const isPrivate = rng.chance(0.5)
    if (isPrivate) stats.private++
    return { changes, meta, madeAt, private: isPrivate, key: rng.pick(keys) }
  }
  const makeOn = (lib, map, s, a) =>
    a.private
      ? map.makeNewPrivateTransaction(s.id, s.agent.signerSecret, a.changes, a.key.id, a.key.secret, a.meta, a.madeAt)
      : map.makeNewTrustingTransaction(s.id, s.agent.signerSecret, a.changes, a.meta, a.madeAt)

  // Both sides of the pair receive exactly the same batches (in-between
  // signatures depend on how transactions are batched).
  const isDelete = (id) => id.includes('_session_d') && id.endsWith('$')
  const deliver = (s) => {
    if (pair.our.isDeleted() && !isDelete(s.id)) s.pending.length = 0
    if (s.pending.length === 0) return
    const n = 1 + rng.int(s.pending.length)
    const batch = s.pending.splice(0, n)
    const signer = s.mode === 'skip' ? undefined : s.agent.signerId
    const json = JSON.stringify(batch.map((b) => b.transaction))
    stats.batches++
    for (const map of [pair.ref, pair.our]) {
      map.addTransactions(s.id, signer, json, batch[batch.length - 1].signature, s.mode === 'skip')
    }
  }

  const steps = 25 + rng.int(25)
  for (let step = 0; step < steps; step++) {
    const roll = rng.next()
    const deleted = pair.our.isDeleted()
    if (roll < 0.55) {
      // Once deleted, only delete sessions made elsewhere can still grow.
      const candidates = sessions.filter((x) => !deleted || (isDelete(x.id) && x.mode !== 'mirror'))
      const s = candidates.length && rng.chance(0.7) ? rng.pick(candidates) : newSession(deleted || rng.chance(0.1))
      if (deleted && s.mode === 'mirror') s.mode = rng.pick(['ourToRef', 'refToOur', 'skip'])
      const a = makeArgs()
      if (s.mode === 'mirror') {
        const r = makeOn(reference, pair.ref, s, a)
        const o = makeOn(ours, pair.our, s, a)
        assert.equal(o, r, `seed ${seed} step ${step}: makeNew output`)
        stats.mirrored++
      } else if (s.mode === 'ourToRef' || s.mode === 'refToOur' || s.mode === 'skip') {
        // The author is a third map (ours or the reference); what it makes
        // is received by both sides of the pair, so each implementation
        // verifies signatures made by the other.
        s.author ??= s.mode === 'ourToRef' ? new ours.SessionMap(coId, headerJson, maxTxSize) : new reference.SessionMap(coId, headerJson, maxTxSize)
        s.pending.push(JSON.parse(makeOn(null, s.author, s, a)))
        if (rng.chance(0.6)) deliver(s)
      }
    } else if (roll < 0.75) {
      for (const s of sessions) if (rng.chance(0.7)) deliver(s)
    } else if (roll < 0.88) {
      const entries = {}
      for (const s of sessions) if (rng.chance(0.5)) entries[s.id] = rng.int(6)
      if (rng.chance(0.3)) entries[`unknown_session_z${rng.word(5)}`] = rng.int(4)
      const json = JSON.stringify(entries)
      pair.ref.setStreamingKnownState(json)
      pair.our.setStreamingKnownState(json)
    } else if (roll < 0.9 && !deleted && step > steps / 2) {
      pair.ref.markAsDeleted()
      pair.our.markAsDeleted()
    }
    if (rng.chance(0.3) || step === steps - 1) {
      for (const s of sessions) if (s.mode !== 'mirror' && !deleted) deliver(s)
      const d = dump(pair.our, keySecrets)
      assertSame(d, dump(pair.ref, keySecrets), `seed ${seed} step ${step}`)
      stats.checkpoints += Object.values(d.sessions).filter((x) => x.checkpoint >= 0).length
      stats.deleted += d.deleted ? 1 : 0
      stats.streaming += d.streaming ? 1 : 0
    }
  }
  // Our known state lists sessions in creation order.
  const known = Object.keys(pair.our.getKnownState().sessions)
  const expectedOrder = pair.our.getSessionIds().filter((id) => !pair.our.isDeleted() || (id.includes('_session_d') && id.endsWith('$')))
  assert.deepEqual(known, expectedOrder.filter((id) => known.includes(id)))
  return sessions.length
}

test('random operation sequences: every query answered identically', { timeout: 120_000 }, () => {
  let sessions = 0
  for (let seed = 1; seed <= 120; seed++) sessions += runSequence(seed)
  // The run really covers what it claims to.
  assert.ok(sessions > 300)
  for (const [what, n] of Object.entries(stats)) assert.ok(n > 20, `${what}: ${n}`)
})

// ---------- fixed scenarios ----------

function fixture(seed = 7) {
  const rng = makeRng(seed)
  const header = { type: 'comap', ruleset: { type: 'unsafeAllowAll' }, meta: null, uniqueness: rng.word(10) }
  const coId = coIdFor(header)
  const a = agent(rng)
  const s = sessionId(rng, a)
  const key = { id: `key_z${rng.word(20)}`, secret: 'keySecret_z' + base58(rng.bytes(32)) }
  const author = new reference.SessionMap(coId, JSON.stringify(header))
  const txs = []
  for (let i = 0; i < 4; i++) {
    const out =
      i % 2
        ? author.makeNewPrivateTransaction(s, a.signerSecret, `[${i}]`, key.id, key.secret, i === 3 ? '{"m":1}' : undefined, 1000 + i)
        : author.makeNewTrustingTransaction(s, a.signerSecret, `[${i}]`, undefined, 1000 + i)
    txs.push(JSON.parse(out))
  }
  return { rng, header, coId, headerJson: JSON.stringify(header), a, s, key, txs }
}

test('header check: same acceptance and canonical header as the reference', () => {
  const rng = makeRng(99)
  for (let i = 0; i < 200; i++) {
    const header = randomHeader(rng)
    const json = JSON.stringify(header)
    const id = coIdFor(header)
    const r = new reference.SessionMap(id, json)
    const o = new ours.SessionMap(id, json)
    assert.equal(o.getHeader(), r.getHeader())
    // The reference hashes its own re-serialisation: for honest headers that
    // is cojson's stable JSON.
    assert.equal(o.getHeader(), stableStringify(header))
    throwsBoth((lib) => new lib.SessionMap(`co_z${rng.word(26)}`, json), 'id mismatch')
    assert.equal(new ours.SessionMap('co_zwhatever', json, null, true).getHeader(), r.getHeader())
  }
  const bad = [
    '{',
    '[]',
    '{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null}',
    '{"type":"comap","ruleset":{"type":"other"},"meta":null,"uniqueness":null}',
    '{"type":5,"ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":null}',
    '{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":1.5}',
    '{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":{"a":1}}',
    '{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":9223372036854775808}',
    '{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":null,"createdAt":5}',
    '{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":null} x',
  ]
  for (const json of bad) {
    throwsBoth((lib) => new lib.SessionMap('co_zx', json, null, true), json)
    throwsBoth((lib) => new lib.SessionMap('co_zx', json), json)
  }
  const emptyKey = { type: 'comap', ruleset: { type: 'unsafeAllowAll' }, meta: null, uniqueness: { '': 'x' } }
  const { ourError } = throwsBoth((lib) => new lib.SessionMap(coIdFor(emptyKey), JSON.stringify(emptyKey)), 'empty uniqueness key')
  assert.equal(ourError.message, 'Invalid uniqueness: Object keys cannot be empty')
  const { ourError: mismatch } = throwsBoth((lib) => new lib.SessionMap('co_zabc', JSON.stringify(emptyKey), null, false), 'mismatch')
  assert.ok(mismatch.message.startsWith('Invalid uniqueness') || mismatch.message.startsWith('CoValue ID mismatch'))
  // A header field the reference silently drops before hashing is rejected
  // when verifying (the id was computed without it).
  const extra = { type: 'comap', ruleset: { type: 'unsafeAllowAll' }, meta: null, uniqueness: 'x' }
  assert.throws(() => new ours.SessionMap(coIdFor(extra), JSON.stringify({ ...extra, extra: 1 })), /unknown field/)
})

test('error texts cojson relies on', () => {
  const f = fixture()
  const big = 'x'.repeat(1024 * 1024 + 100)
  const changes = JSON.stringify([{ data: big }])
  for (const lib of [reference, ours]) {
    const m = new lib.SessionMap(f.coId, f.headerJson)
    assert.throws(
      () => m.makeNewTrustingTransaction(f.s, f.a.signerSecret, changes, undefined, 1),
      /Transaction too large to be synced: 1048689 bytes > 1048576 bytes limit/,
    )
  }
  const m = new ours.SessionMap(f.coId, f.headerJson)
  m.markAsDeleted()
  const { refError, ourError } = throwsBoth((lib) => {
    const x = new lib.SessionMap(f.coId, f.headerJson)
    x.markAsDeleted()
    x.makeNewTrustingTransaction(f.s, f.a.signerSecret, '[]', undefined, 1)
  }, 'deleted')
  assert.equal(ourError.message, refError.message)
  const wrong = throwsBoth((lib) => {
    const x = new lib.SessionMap(f.coId, f.headerJson)
    x.addTransactions(f.s, f.a.signerId, JSON.stringify([f.txs[0].transaction]), f.txs[1].signature, false)
  }, 'wrong signature')
  assert.equal(wrong.ourError.message, wrong.refError.message)
  const notFound = throwsBoth((lib) => {
    const x = new lib.SessionMap(f.coId, f.headerJson)
    x.addTransactions(f.s, f.a.signerId, JSON.stringify([f.txs[0].transaction]), f.txs[0].signature, false)
    x.decryptTransaction(f.s, 5, f.key.secret)
  }, 'not found')
  assert.equal(notFound.ourError.message, notFound.refError.message)
})

test('malformed transactions: both throw, ours changes nothing', () => {
  const f = fixture()
  const good = f.txs[0]
  const cases = [
    '[{',
    '{}',
    '[{"madeAt":1,"changes":"[1]"}]',
    '[{"privacy":"trusting","madeAt":1.5,"changes":"[1]"}]',
    '[{"privacy":"trusting","madeAt":-1,"changes":"[1]"}]',
    '[{"privacy":"trusting","madeAt":"1","changes":"[1]"}]',
    '[{"privacy":"trusting","madeAt":1,"changes":[1]}]',
  ]
  for (const json of cases) {
    const maps = {}
    throwsBoth((lib) => {
      const m = new lib.SessionMap(f.coId, f.headerJson)
      maps[lib === ours ? 'our' : 'ref'] = m
      m.addTransactions(f.s, f.a.signerId, JSON.stringify([good.transaction]), good.signature, false)
      m.addTransactions(f.s, f.a.signerId, json, good.signature, true)
    }, json)
  }
  // Non-canonical content the reference silently rewrites: ours rejects it.
  const nonCanonical = [
    '[{"privacy":"trusting","madeAt":1,"changes":"[1]","x":5}]',
    '[{"privacy":"private","madeAt":1,"changes":"[1]"}]',
    '[{"privacy":"trusting","madeAt":1,"changes":"[1]","meta":null}]',
    '[{"privacy":"trusting","madeAt":18446744073709551615,"changes":"[1]"}]',
    '[{"privacy":"private","madeAt":1,"encryptedChanges":"foo","keyUsed":"k"}]',
    '[{"privacy":"trusting","madeAt":1,"encryptedChanges":"encrypted_U","keyUsed":"k","changes":"x"}]',
  ]
  for (const json of nonCanonical) {
    const m = new ours.SessionMap(f.coId, f.headerJson)
    m.addTransactions(f.s, f.a.signerId, JSON.stringify([good.transaction]), good.signature, false)
    const before = dump(m, [f.key.secret])
    assert.throws(() => m.addTransactions(f.s, undefined, json, good.signature, true), /Invalid transaction|Serialization error/, json)
    assertSame(dump(m, [f.key.secret]), before)
  }
  // Key order alone is not a difference.
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(good.transaction).reverse()))
  const r = new reference.SessionMap(f.coId, f.headerJson)
  const o = new ours.SessionMap(f.coId, f.headerJson)
  r.addTransactions(f.s, f.a.signerId, `[${reordered}]`, good.signature, false)
  o.addTransactions(f.s, f.a.signerId, `[${reordered}]`, good.signature, false)
  assertSame(dump(o, [f.key.secret]), dump(r, [f.key.secret]))
})

test('atomicity: a failed call leaves the map exactly as it was', () => {
  const f = fixture()
  const m = new ours.SessionMap(f.coId, f.headerJson)
  const other = sessionId(f.rng, f.a)
  m.makeNewTrustingTransaction(other, f.a.signerSecret, '[0]', undefined, 1)
  const failing = [
    // Wrong signature on a new session: no phantom session, nothing pending.
    () => m.addTransactions(f.s, f.a.signerId, JSON.stringify([f.txs[0].transaction]), f.txs[1].signature, false),
    // No signer known for a new session.
    () => m.addTransactions(f.s, undefined, JSON.stringify([f.txs[0].transaction]), f.txs[0].signature, false),
    // Malformed signer secret / key secret / too large: no phantom session.
    () => m.makeNewTrustingTransaction(f.s, 'garbage', '[1]', undefined, 5),
    () => m.makeNewPrivateTransaction(f.s, f.a.signerSecret, '[1]', f.key.id, 'garbage', undefined, 5),
    () => m.makeNewTrustingTransaction(f.s, f.a.signerSecret, 'x'.repeat(1048577), undefined, 5),
    // Second of two transactions malformed: no partial batch.
    () => m.addTransactions(f.s, f.a.signerId, `[${JSON.stringify(f.txs[0].transaction)},{"privacy":"trusting"}]`, f.txs[1].signature, true),
    () => m.setStreamingKnownState('{"a":-1}'),
    () => m.setStreamingKnownState('[]'),
  ]
  for (const op of failing) {
    const before = dump(m, [f.key.secret])
    assert.throws(op)
    assertSame(dump(m, [f.key.secret]), before)
  }
  // After all those failures, the correct batch still goes in (the reference
  // would now fail: it keeps the failed transactions pending).
  m.addTransactions(f.s, f.a.signerId, JSON.stringify(f.txs.map((t) => t.transaction)), f.txs[3].signature, false)
  const r = new reference.SessionMap(f.coId, f.headerJson)
  r.makeNewTrustingTransaction(other, f.a.signerSecret, '[0]', undefined, 1)
  r.addTransactions(f.s, f.a.signerId, JSON.stringify(f.txs.map((t) => t.transaction)), f.txs[3].signature, false)
  assertSame(dump(m, [f.key.secret]), dump(r, [f.key.secret]))
})

test('inputs that crash or silently wrap in the reference: clear errors in ours', () => {
  const f = fixture()
  const m = new ours.SessionMap(f.coId, f.headerJson)
  m.addTransactions(f.s, f.a.signerId, JSON.stringify([f.txs[0].transaction]), f.txs[0].signature, false)
  const before = dump(m)
  // Signer ids the reference panics on (process abort): not called there.
  // y = 2 encodes no point of the curve.
  const notAPoint = new Uint8Array(32)
  notAPoint[0] = 2
  for (const bad of ['signer_zzz', 'garbage', 'signer_z' + base58(notAPoint), '']) {
    assert.throws(() => m.addTransactions(sessionId(f.rng, f.a), bad, '[]', f.txs[0].signature, true), /Core error|Invalid/)
  }
  // Indices: the reference wraps (-1 → 2^32-1, 2^32 → 0, 1.7 → 1, NaN → 0).
  for (const bad of [-1, NaN, 1.5, 2 ** 32, Infinity]) {
    for (const call of [
      () => m.getTransaction(f.s, bad),
      () => m.getSessionTransactions(f.s, bad),
      () => m.getSignatureAfter(f.s, bad),
      () => m.decryptTransaction(f.s, bad, f.key.secret),
      () => m.decryptTransactionMeta(f.s, bad, f.key.secret),
    ]) {
      assert.throws(call, (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE')
    }
  }
  // madeAt: the reference saturates (NaN and negatives → 0, huge → 2^64-1).
  for (const bad of [NaN, -5, 1.5, 2 ** 53, Infinity]) {
    assert.throws(() => m.makeNewTrustingTransaction(f.s, f.a.signerSecret, '[1]', undefined, bad), RangeError)
  }
  assert.throws(() => new ours.SessionMap(f.coId, f.headerJson, -1), RangeError)
  assert.throws(() => new ours.SessionMap(f.coId, f.headerJson, 1.5), RangeError)
  // Session ids that are empty, huge or need JSON escaping.
  for (const bad of ['', 'x'.repeat(2000), 'a"b', 'a\nb']) {
    assert.throws(() => m.makeNewTrustingTransaction(bad, f.a.signerSecret, '[1]', undefined, 1), /Invalid session ID/)
  }
  assertSame(dump(m), before)
})

test('decryption and the queries around it match the reference', () => {
  const f = fixture()
  const wrongKey = 'keySecret_z' + base58(f.rng.bytes(32))
  const r = new reference.SessionMap(f.coId, f.headerJson)
  const o = new ours.SessionMap(f.coId, f.headerJson)
  for (const m of [r, o]) m.addTransactions(f.s, f.a.signerId, JSON.stringify(f.txs.map((t) => t.transaction)), f.txs[3].signature, false)
  for (let i = 0; i < 4; i++) {
    for (const key of [f.key.secret, wrongKey]) {
      assert.deepEqual(attempt(() => o.decryptTransaction(f.s, i, key)), attempt(() => r.decryptTransaction(f.s, i, key)))
      assert.deepEqual(attempt(() => o.decryptTransactionMeta(f.s, i, key)), attempt(() => r.decryptTransactionMeta(f.s, i, key)))
    }
  }
  assert.equal(o.decryptTransaction(f.s, 1, f.key.secret), '[1]')
  assert.equal(o.decryptTransactionMeta(f.s, 3, f.key.secret), '{"m":1}')
  // A trusting transaction needs no key; a session that does not exist is null.
  assert.equal(o.decryptTransaction(f.s, 0, 'garbage'), r.decryptTransaction(f.s, 0, 'garbage'))
  assert.equal(o.decryptTransaction('nope', 0, 'garbage'), null)
  throwsBoth((lib) => (lib === ours ? o : r).decryptTransaction(f.s, 1, 'garbage'), 'bad key for private')
})

test('skipVerify, delete sessions and streaming quirks follow the reference', () => {
  const f = fixture()
  const run = (lib) => {
    const m = new lib.SessionMap(f.coId, f.headerJson)
    const out = []
    // skipVerify does not advance the running hash (reference behaviour), so
    // a verified batch after a skipped one fails on both.
    m.addTransactions(f.s, undefined, JSON.stringify([f.txs[0].transaction]), f.txs[0].signature, true)
    out.push(attempt(() => m.addTransactions(f.s, f.a.signerId, JSON.stringify([f.txs[1].transaction]), f.txs[1].signature, false)))
    const del = `${f.a.accountId}_session_dQ$`
    const notDel = 'foo_sessionX$'
    m.addTransactions(del, f.a.signerId, JSON.stringify([f.txs[0].transaction]), f.txs[0].signature, false)
    m.addTransactions(notDel, undefined, JSON.stringify([f.txs[0].transaction]), f.txs[0].signature, true)
    m.setStreamingKnownState(JSON.stringify({ [del]: 3, other: 0 }))
    out.push(dump(m))
    m.markAsDeleted()
    out.push(dump(m))
    out.push(attempt(() => m.addTransactions(notDel, undefined, JSON.stringify([f.txs[1].transaction]), f.txs[1].signature, true)))
    m.addTransactions(del, undefined, JSON.stringify([f.txs[1].transaction]), f.txs[1].signature, false)
    m.setStreamingKnownState('{"x": 5}')
    m.setStreamingKnownState('not even json')
    out.push(dump(m))
    return out
  }
  assert.deepEqual(run(ours), run(reference))
})
