// Differential tests of SessionLog against the reference addon of each older
// generation: cojson-core-napi 0.18.38 and 0.19.22 (`tryAdd`) and 0.20.7 (the
// staging area: `addExisting…Transaction` + `commitTransactions`), installed
// as aliased devDependencies. Seeded random operation sequences drive both
// implementations the way each release's NapiCrypto does, and everything
// observable is compared: outputs of new transactions (signatures,
// encrypted payloads), decrypted changes and meta, error messages, and the
// running hash (through the signature of one more transaction on a clone).
// Expected values always come from the reference. Where ours deliberately
// differs (strictness, a failed commit empties the staging area), the fixed
// tests at the end show both sides.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { attempt, generator, ours } from './helpers/common.mjs'
import { ALPHABET as B58, base58 } from './helpers/base58.mjs'

const require = createRequire(import.meta.url)
const { stableStringify } = await import('cojson/dist/jsonStringify.js')

const generations = [
  { version: '0.18.38', reference: require('cojson-core-napi-0-18'), shape: 'tryAdd' },
  { version: '0.19.22', reference: require('cojson-core-napi-0-19'), shape: 'tryAdd' },
  { version: '0.20.7', reference: require('cojson-core-napi-0-20-7'), shape: 'staging' },
]
const [r18, , r207] = generations.map((g) => g.reference)
const te = new TextEncoder()

// ---------- seeded values ----------

function makeRng(seed) {
  const g = generator(seed)
  return {
    ...g,
    chance: (p) => g.next() < p,
    word: (n) => Array.from({ length: n }, () => B58[g.int(58)]).join(''),
  }
}

function agent(rng) {
  const signerSecret = 'signerSecret_z' + base58(rng.bytes(32))
  return { signerSecret, signerId: r18.getSignerId(te.encode(signerSecret)), account: `co_z${rng.word(22)}` }
}

const keyPair = (rng) => ({ id: `key_z${rng.word(20)}`, secret: 'keySecret_z' + base58(rng.bytes(32)) })

/** Arguments of one new transaction, as cojson's NapiCrypto would pass them. */
function newArgs(rng, keys) {
  const big = rng.chance(0.1)
  const changes = JSON.stringify(
    Array.from({ length: 1 + rng.int(3) }, () => ({
      op: 'set',
      key: rng.word(3),
      value: big ? 'x'.repeat(300 + rng.int(3000)) : rng.pick([1, 'é', null, { a: [true] }, 'quote"back\\slash\nnew\u2028', '\u0000\u001f😀']),
    })),
  )
  const meta = rng.chance(0.3) ? JSON.stringify({ ts: rng.int(1e6), note: rng.text(4) }) : undefined
  return { changes, meta, madeAt: 1.7e12 + rng.int(1e9), private: rng.chance(0.5), key: rng.pick(keys) }
}

/**
 * Makes a transaction on `log` as the release's NapiCrypto adapter does;
 * returns the raw output and the transaction object cojson builds from it.
 */
function makeOn(log, signerSecret, a) {
  if (a.private) {
    const output = log.addNewPrivateTransaction(a.changes, signerSecret, a.key.secret, a.key.id, a.madeAt, a.meta)
    const parsed = JSON.parse(output)
    const transaction = { privacy: 'private', madeAt: a.madeAt, encryptedChanges: parsed.encrypted_changes, keyUsed: a.key.id }
    if (parsed.meta !== undefined) transaction.meta = parsed.meta
    return { output, transaction, signature: parsed.signature }
  }
  const output = log.addNewTrustingTransaction(a.changes, signerSecret, a.madeAt, a.meta)
  const transaction = { privacy: 'trusting', madeAt: a.madeAt, changes: a.changes }
  if (a.meta !== undefined) transaction.meta = a.meta
  return { output, transaction, signature: output }
}

/** Adds received transactions as the release's NapiCrypto adapter does. */
function receive(shape, log, transactions, signature, skipVerify) {
  if (shape === 'tryAdd') {
    log.tryAdd(
      transactions.map((tx) => stableStringify(tx)),
      signature,
      skipVerify,
    )
    return
  }
  for (const tx of transactions) {
    if (tx.privacy === 'private') log.addExistingPrivateTransaction(tx.encryptedChanges, tx.keyUsed, tx.madeAt, tx.meta)
    else log.addExistingTrustingTransaction(tx.changes, tx.madeAt, tx.meta)
  }
  log.commitTransactions(signature, skipVerify)
}

/** A result or an error message, comparable across implementations. */
function outcome(f) {
  const { value, error } = attempt(f)
  return error ? { error: error.message } : { value }
}

/**
 * Everything a caller can observe of `log`: every transaction's decrypted
 * changes and meta (or error) with each key, up to one past the end, and the
 * running hash, seen through the signature a clone gives one more
 * transaction (so `log` itself is unchanged).
 */
function dump(log, keys, probeSecret, count) {
  const decrypted = []
  for (let i = 0; i <= count; i++) {
    for (const key of keys) {
      decrypted.push(outcome(() => log.decryptNextTransactionChangesJson(i, key.secret)))
      decrypted.push(outcome(() => log.decryptNextTransactionMetaJson(i, key.secret)))
    }
  }
  const probe = log.clone().addNewTrustingTransaction('["probe"]', probeSecret, 1, undefined)
  return { decrypted, probe }
}

// ---------- the random differential run ----------

/**
 * One sequence on one generation: a pair of logs (reference, ours) of one
 * session receives batches made by an author (a third log: the reference's
 * or ours, so each verifies the other's signatures), sometimes with
 * skipVerify, sometimes with a wrong signature. When nothing is in flight
 * the pair also makes transactions itself (as a node does on its own
 * session after loading it), and the author then continues from a clone of
 * one side of the pair. Both sides are cloned now and then. After a failed
 * call ours must be exactly as before; the reference keeps a failed staged
 * batch, so its log is put back to a clone taken before the batch (see the
 * fixed tests).
 */
function runSequence({ reference, shape, version }, seed, stats) {
  const rng = makeRng(seed)
  const coId = `co_z${rng.word(22)}`
  const author = agent(rng)
  const sessionID = `${author.account}_session_z${rng.word(11)}`
  const keys = [keyPair(rng), keyPair(rng)]
  const withSigner = rng.chance(0.8)
  const make = (lib) => new lib.SessionLog(coId, sessionID, withSigner ? author.signerId : undefined)
  let pair = { ref: make(reference), our: make(ours) }
  let count = 0
  let authorLog = new (rng.chance(0.5) ? ours : reference).SessionLog(coId, sessionID)
  const pending = []
  const where = (step, what) => `${version} seed ${seed} step ${step}: ${what}`

  const compare = (step) => {
    const probeSecret = author.signerSecret
    assert.deepEqual(dump(pair.our, keys, probeSecret, count), dump(pair.ref, keys, probeSecret, count), where(step, 'state'))
    stats.compared++
  }

  const steps = 20 + rng.int(20)
  for (let step = 0; step < steps; step++) {
    const roll = rng.next()
    if (roll < 0.35) {
      // The author makes transactions; they wait to be delivered.
      const a = newArgs(rng, keys)
      pending.push(makeOn(authorLog, author.signerSecret, a))
    } else if (roll < 0.65 && pending.length > 0) {
      // Deliver the next batch: the signature after its last transaction.
      const batch = pending.splice(0, 1 + rng.int(pending.length))
      const skipVerify = rng.chance(0.2)
      // Now and then a wrong signature: an earlier one, or 64 random bytes.
      const signature = rng.chance(0.9) ? batch.at(-1).signature : rng.chance(0.5) ? batch[0].signature : 'signature_z' + base58(rng.bytes(64))
      const transactions = batch.map((b) => b.transaction)
      const refBefore = pair.ref.clone()
      const ourBefore = dump(pair.our, keys, author.signerSecret, count)
      const r = outcome(() => receive(shape, pair.ref, transactions, signature, skipVerify))
      const o = outcome(() => receive(shape, pair.our, transactions, signature, skipVerify))
      assert.deepEqual(o, r, where(step, `receive ${transactions.length} (skipVerify ${skipVerify})`))
      if (r.error) {
        stats.failed++
        assert.match(o.error, /^Signature verification failed: \(hash: hash_z/)
        assert.deepEqual(dump(pair.our, keys, author.signerSecret, count), ourBefore, where(step, 'unchanged after failure'))
        pair.ref = refBefore
      } else {
        count += transactions.length
        stats.received += transactions.length
        if (skipVerify) stats.skipped++
      }
    } else if (roll < 0.8 && pending.length === 0) {
      // The pair's own transaction, with the same arguments on both sides;
      // the author goes on from one side's clone.
      const a = newArgs(rng, keys)
      const r = makeOn(pair.ref, author.signerSecret, a)
      const o = makeOn(pair.our, author.signerSecret, a)
      assert.equal(o.output, r.output, where(step, `own ${a.private ? 'private' : 'trusting'} transaction`))
      count++
      stats.own++
      if (a.private) stats.private++
      authorLog = rng.pick([pair.ref, pair.our]).clone()
    } else if (roll < 0.9) {
      // Continue on clones (the originals must not be affected later).
      const originals = pair
      pair = { ref: pair.ref.clone(), our: pair.our.clone() }
      if (rng.chance(0.5)) {
        const a = newArgs(rng, keys)
        assert.equal(makeOn(originals.our, author.signerSecret, a).output, makeOn(originals.ref, author.signerSecret, a).output)
      }
      stats.clones++
    }
    if (rng.chance(0.25) || step === steps - 1) compare(step)
  }
}

for (const generation of generations) {
  test(`random operation sequences on ${generation.version}'s shape: everything matches the reference`, { timeout: 180_000 }, () => {
    const stats = { compared: 0, received: 0, skipped: 0, failed: 0, own: 0, private: 0, clones: 0 }
    for (let seed = 1; seed <= 80; seed++) runSequence(generation, seed, stats)
    // The run really covers what it claims to.
    for (const [what, n] of Object.entries(stats)) assert.ok(n >= 20, `${what}: ${n}`)
    assert.ok(stats.received > 300, `received: ${stats.received}`)
  })
}

// ---------- fixed scenarios ----------

/** Three transactions made by the reference of `lib` (trusting, private with meta, trusting with meta). */
function fixture(lib = r18, seed = 7) {
  const rng = makeRng(seed)
  const a = agent(rng)
  const key = keyPair(rng)
  const coId = `co_z${rng.word(22)}`
  const sessionID = `${a.account}_session_z${rng.word(11)}`
  const author = new lib.SessionLog(coId, sessionID)
  const args = [
    { changes: '[1]', madeAt: 1, private: false },
    { changes: '[{"op":"set","key":"é","value":"\\n"}]', madeAt: 2, private: true, key, meta: '{"m":1}' },
    { changes: '[3]', madeAt: 3, private: false, meta: '{"t":"\\u0000"}' },
  ]
  const txs = args.map((x) => makeOn(author, a.signerSecret, x))
  return { rng, a, key, coId, sessionID, txs, fresh: (l) => new l.SessionLog(coId, sessionID, a.signerId) }
}

test('the export: one SessionLog class with the methods of every older shape', () => {
  for (const { version, reference } of generations) {
    for (const name of Object.getOwnPropertyNames(reference.SessionLog.prototype)) {
      assert.equal(typeof ours.SessionLog.prototype[name], 'function', `${version}: SessionLog.${name}`)
    }
    // Every other export of that release exists here with the same kind.
    for (const name of Object.keys(reference)) assert.equal(typeof ours[name], typeof reference[name], `${version}: ${name}`)
  }
  assert.equal(typeof ours.SessionMap, 'function')
})

test('error messages cojson relies on are the reference\'s', () => {
  for (const { version, reference, shape } of generations) {
    const f = fixture(reference)
    const wrong = [f.txs[0].transaction]
    const messages = [reference, ours].map((lib) => outcome(() => receive(shape, f.fresh(lib), wrong, f.txs[1].signature, false)).error)
    assert.equal(messages[1], messages[0], version)
    assert.match(messages[1], /^Signature verification failed: \(hash: hash_z\w+\)$/)
    // Without a signer nothing verifies.
    const unsigned = [reference, ours].map((lib) => outcome(() => receive(shape, new lib.SessionLog(f.coId, f.sessionID), wrong, f.txs[0].signature, false)).error)
    assert.equal(unsigned[1], unsigned[0], version)
    // Indexes past the end, and a wrong key for a private transaction.
    const logs = [reference, ours].map((lib) => {
      const log = f.fresh(lib)
      receive(shape, log, f.txs.map((t) => t.transaction), f.txs[2].signature, false)
      return log
    })
    const wrongKey = keyPair(f.rng).secret
    for (const [i, key] of [[3, f.key.secret], [1, wrongKey], [7, wrongKey]]) {
      const [r, o] = logs.map((log) => [outcome(() => log.decryptNextTransactionChangesJson(i, key)), outcome(() => log.decryptNextTransactionMetaJson(i, key))])
      assert.deepEqual(o, r, `${version}: index ${i}`)
    }
  }
})

test('strict tryAdd (0.18, 0.19): only canonical texts, and nothing changes on refusal', () => {
  const f = fixture()
  const good = stableStringify(f.txs[0].transaction)
  const cases = [
    // Both refuse.
    { json: '{', both: true },
    { json: `${good},${good}`, both: true },
    // The reference hashes these as given (or rewrites them); ours refuses them.
    { json: ` ${good}` },
    { json: JSON.stringify({ madeAt: 1, changes: '[1]', privacy: 'trusting' }) },
    { json: '{"a":1}' },
    { json: '{"changes":"[1]","madeAt":1.5,"privacy":"trusting"}' },
    { json: '{"changes":"[1]","madeAt":1,"meta":null,"privacy":"trusting"}' },
    { json: '{"encryptedChanges":"nope","keyUsed":"key_z1","madeAt":1,"privacy":"private"}' },
  ]
  for (const { json, both } of cases) {
    const o = f.fresh(ours)
    o.tryAdd([good], f.txs[0].signature, false)
    const before = dump(o, [f.key], f.a.signerSecret, 1)
    assert.throws(() => o.tryAdd([good, json], f.txs[1].signature, true), /Invalid transaction|Serialization error/, json)
    assert.deepEqual(dump(o, [f.key], f.a.signerSecret, 1), before, json)
    if (both) assert.throws(() => f.fresh(r18).tryAdd([json], f.txs[0].signature, true), json)
  }
  // Arguments: an array of strings, checked before the log is touched.
  const o = f.fresh(ours)
  assert.throws(() => o.tryAdd('x', f.txs[0].signature, true), /transactionsJson must be an array of strings/)
  assert.throws(() => o.tryAdd([good, 5], f.txs[0].signature, true), /transactionsJson\[1\] must be a string/)
  const sparse = []
  sparse.length = 2 ** 32 - 1
  assert.throws(() => o.tryAdd(sparse, f.txs[0].signature, true), (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE')
  // A malformed signature is refused even with skipVerify (the reference stores it).
  assert.throws(() => o.tryAdd([good], 'garbage', true), /signature/)
  assert.doesNotThrow(() => f.fresh(r18).tryAdd([good], 'garbage', true))
  o.tryAdd([good], f.txs[0].signature, false)
  assert.equal(o.decryptNextTransactionChangesJson(0, f.key.secret), '[1]')
})

test('staging (0.20.7): a failed commit or staging step discards the staged batch; the reference keeps it', () => {
  const f = fixture(r207)
  const [t0, t1] = f.txs
  const stage = (log, { transaction: tx }) =>
    tx.privacy === 'private' ? log.addExistingPrivateTransaction(tx.encryptedChanges, tx.keyUsed, tx.madeAt, tx.meta) : log.addExistingTrustingTransaction(tx.changes, tx.madeAt, tx.meta)
  const state = (log) => dump(log, [f.key], f.a.signerSecret, 2)

  // A commit with the wrong signature fails on both, with the same message.
  const [r, o] = [r207, ours].map((lib) => f.fresh(lib))
  stage(r, t0)
  stage(o, t0)
  const before = state(f.fresh(ours))
  assert.deepEqual(outcome(() => o.commitTransactions(t1.signature, false)), outcome(() => r.commitTransactions(t1.signature, false)))
  assert.deepEqual(state(o), before)
  // Next, the batch arrives again with its right signature (what cojson does
  // on the next sync): the reference still holds the failed copy staged, so
  // it hashes t0 twice and refuses; ours takes it.
  stage(r, t0)
  stage(o, t0)
  assert.match(outcome(() => r.commitTransactions(t0.signature, false)).error, /Signature verification failed/)
  o.commitTransactions(t0.signature, false)
  assert.equal(o.decryptNextTransactionChangesJson(0, f.key.secret), '[1]')
  const clean = f.fresh(r207)
  stage(clean, t0)
  clean.commitTransactions(t0.signature, false)
  assert.deepEqual(state(o), state(clean))

  // A staging call refused for its arguments (a peer sent `changes: 5`)
  // throws on both; the reference keeps what was staged before it, ours
  // discards the whole batch.
  const [r2, o2] = [r207, ours].map((lib) => f.fresh(lib))
  for (const log of [r2, o2]) {
    stage(log, t0)
    assert.throws(() => log.addExistingTrustingTransaction(5, 1, undefined))
  }
  stage(r2, t0)
  stage(o2, t0)
  assert.throws(() => r2.commitTransactions(t0.signature, false), /Signature verification failed/)
  o2.commitTransactions(t0.signature, false)
  assert.deepEqual(state(o2), state(clean))

  // Malformed content the reference stages (and fails on only when
  // decrypting, or rewrites): ours refuses it at once.
  const o3 = f.fresh(ours)
  const refusals = [
    () => o3.addExistingPrivateTransaction('nope', 'key_z1', 1, undefined),
    () => o3.addExistingPrivateTransaction('encrypted_UAAAA', 'key_z1', 1, 'encrypted_U"'),
    () => o3.addExistingTrustingTransaction('[1]', 1.5, undefined),
    () => o3.addExistingTrustingTransaction('[1]', -1, undefined),
    () => o3.addExistingTrustingTransaction('[1]', 2 ** 53, undefined),
    () => o3.commitTransactions('garbage', true),
  ]
  for (const refuse of refusals) {
    stage(o3, t0)
    assert.throws(refuse)
    assert.throws(() => o3.commitTransactions(t0.signature, false), /Signature verification failed/, 'nothing staged any more')
  }
  assert.doesNotThrow(() => f.fresh(r207).addExistingTrustingTransaction('[1]', 1.5, undefined))
  // The staging area is copied by clone(), on both.
  const [r4, o4] = [r207, ours].map((lib) => f.fresh(lib))
  stage(r4, t0)
  stage(o4, t0)
  const [rc, oc] = [r4.clone(), o4.clone()]
  rc.commitTransactions(t0.signature, false)
  oc.commitTransactions(t0.signature, false)
  assert.deepEqual(state(oc), state(rc))
  // tryAdd (the other shape) leaves the staging area alone.
  o4.tryAdd([stableStringify(t0.transaction)], t0.signature, false)
  assert.throws(() => o4.commitTransactions(t1.signature, false), /Signature verification failed/)
})

test('own transactions: the same bytes as every reference; arguments checked as SessionMap checks them', () => {
  const rng = makeRng(3)
  const a = agent(rng)
  const key = keyPair(rng)
  const logs = [...generations.map((g) => new g.reference.SessionLog('co_zA', 's_session_zB')), new ours.SessionLog('co_zA', 's_session_zB')]
  for (let i = 0; i < 30; i++) {
    const args = newArgs(rng, [key])
    const outputs = logs.map((log) => makeOn(log, a.signerSecret, args).output)
    for (const output of outputs) assert.equal(outputs.at(-1), output)
  }
  const o = logs.at(-1)
  // Changes above 1 MiB: 0.20.7 refuses them (cojson 0.20.7's suite matches
  // the text); 0.18 and 0.19 leave the check to cojson's JS, which applies
  // the same limit to the same bytes first, so ours refuses them for every
  // shape.
  const big = JSON.stringify([{ data: 'x'.repeat(1024 * 1024 + 100) }])
  const tooLarge = outcome(() => makeOn(new r207.SessionLog('co_zA', 's_session_zB'), a.signerSecret, { changes: big, madeAt: 1 }))
  assert.equal(tooLarge.error, 'Transaction too large to be synced: 1048689 bytes > 1048576 bytes limit')
  for (const isPrivate of [false, true]) {
    const args = { changes: big, madeAt: 1, private: isPrivate, key }
    assert.deepEqual(outcome(() => makeOn(o.clone(), a.signerSecret, args)), tooLarge)
    assert.ok(outcome(() => makeOn(new r18.SessionLog('co_zA', 's_session_zB'), a.signerSecret, args)).value)
  }
  // The references cast madeAt (`as u64`: -1 → 0, 1.5 → 1, NaN → 0); ours throws.
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(() => o.addNewTrustingTransaction('[]', a.signerSecret, bad, undefined), (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE')
  }
  for (const bad of [-1, 1.5, 2 ** 32]) {
    assert.throws(() => o.decryptNextTransactionChangesJson(bad, key.secret), RangeError)
  }
  assert.throws(() => o.addNewTrustingTransaction('[]', 'garbage', 1, undefined), /signer secret/i)
  assert.throws(() => o.addNewPrivateTransaction('[]', a.signerSecret, 'garbage', key.id, 1, undefined), /key secret/i)
  // A signer id the references abort the process on: an error here.
  assert.throws(() => new ours.SessionLog('co_zA', 's_session_zB', 'garbage'), (e) => e.code === 'InvalidArg')
  for (const bad of ['', 'x'.repeat(2000), 'a"b']) assert.throws(() => new ours.SessionLog('co_zA', bad), /Invalid session ID/)
  assert.throws(() => new ours.SessionLog('', 's'), /Invalid CoValue ID/)
})
