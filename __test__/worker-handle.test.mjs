// WorkerHandle: validation (errors name the variable, never the secret), ids
// against cojson's WasmCrypto, work counters, close().
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { WasmCrypto } from 'cojson/crypto/WasmCrypto'
import { NativeCrypto, workerOptions } from '../crypto/index.mjs'

const require = createRequire(import.meta.url)
const { WorkerHandle, SessionMap } = require('../index.js')
const reference = require('cojson-core-napi')
const wasm = await WasmCrypto.create()
const ACCOUNT = 'co_zbvG6R7HsGURNQcLQSr4ZNQtWRN'

/** Every 8-character piece of the secret's base58 parts: none may leak. */
function pieces(secret) {
  const parts = secret.split('/').map((p) => p.slice(p.indexOf('_z') + 2))
  return parts.flatMap((p) => Array.from({ length: p.length - 7 }, (_, i) => p.slice(i, i + 8)))
}

function assertRejected(options, variable, problem, secret) {
  let thrown
  try {
    new WorkerHandle(options)
  } catch (error) {
    thrown = error
  }
  assert.ok(thrown, 'throws')
  assert.equal(thrown.code, 'InvalidArg')
  assert.ok(thrown.message.startsWith(variable), thrown.message)
  assert.match(thrown.message, problem)
  if (secret) for (const piece of pieces(secret)) assert.ok(!thrown.message.includes(piece), 'secret leaked')
}

test('ids equal what WasmCrypto derives from the same secret', () => {
  for (let i = 0; i < 5; i++) {
    const secret = wasm.newRandomAgentSecret()
    const handle = new WorkerHandle({ accountID: ACCOUNT, accountSecret: secret })
    assert.equal(handle.accountID, ACCOUNT)
    assert.equal(handle.agentID, wasm.getAgentID(secret))
    assert.equal(handle.signerID, wasm.getSignerID(wasm.getAgentSignerSecret(secret)))
    assert.equal(handle.sealerID, wasm.getSealerID(wasm.getAgentSealerSecret(secret)))
    assert.equal(handle.accountSecret(), secret)
  }
})

test('invalid account ids name the variable and the problem', () => {
  const secret = wasm.newRandomAgentSecret()
  assertRejected({ accountID: 'cox_zabc', accountSecret: secret }, 'accountID', /must start with 'co_z'/)
  assertRejected({ accountID: 'co_z', accountSecret: secret }, 'accountID', /nothing follows 'co_z'/)
  assertRejected({ accountID: 'co_zab0c', accountSecret: secret }, 'accountID', /invalid base58 character at position 6/)
  assertRejected({ accountID: `${ACCOUNT}\n`, accountSecret: secret }, 'accountID', /whitespace/)
  assertRejected({ accountID: `co_z${'a'.repeat(65)}`, accountSecret: secret }, 'accountID', /at most 64/)
})

test('invalid secrets name the variable and the problem, never the secret', () => {
  const secret = wasm.newRandomAgentSecret()
  const [sealer, signer] = secret.split('/')
  const cases = [
    [signer, /must have the form 'sealerSecret_z…\/signerSecret_z…'/],
    [`${signer}/${sealer}`, /first part: Invalid sealer secret format: must start with 'sealerSecret_z'/],
    [`${sealer}/${signer.slice(0, -4)}`, /second part: Invalid signer secret length \(expected 32, got (29|30)\)/],
    [`${sealer.slice(0, 20)}0OIl${sealer.slice(24)}/${signer}`, /first part: Invalid base58 in sealer secret/],
    [`${sealer}/${signer}x${'1'.repeat(80)}`, /second part: Invalid signer secret: \d+ base58 characters/],
    [`${secret}\n`, /whitespace/],
  ]
  for (const [bad, problem] of cases) {
    assertRejected({ accountID: ACCOUNT, accountSecret: bad }, 'accountSecret', problem, bad)
  }
})

test('reads JAZZ_WORKER_ACCOUNT and JAZZ_WORKER_SECRET, naming them in errors', () => {
  const secret = wasm.newRandomAgentSecret()
  const script = `
    const { WorkerHandle } = require(${JSON.stringify(createRequire(import.meta.url).resolve('../index.js'))})
    try { const h = new WorkerHandle(); console.log(JSON.stringify({ agentID: h.agentID, accountID: h.accountID })) }
    catch (e) { console.log(JSON.stringify({ error: e.message })) }`
  const run = (env) => {
    const { JAZZ_WORKER_ACCOUNT, JAZZ_WORKER_SECRET, ...rest } = process.env
    const out = spawnSync(process.execPath, ['-e', script], { env: { ...rest, ...env }, encoding: 'utf8', timeout: 10_000 })
    return JSON.parse(out.stdout)
  }
  assert.deepEqual(run({ JAZZ_WORKER_ACCOUNT: ACCOUNT, JAZZ_WORKER_SECRET: secret }), {
    agentID: wasm.getAgentID(secret),
    accountID: ACCOUNT,
  })
  assert.deepEqual(run({ JAZZ_WORKER_SECRET: secret }), { error: 'JAZZ_WORKER_ACCOUNT is not set' })
  assert.deepEqual(run({ JAZZ_WORKER_ACCOUNT: ACCOUNT }), { error: 'JAZZ_WORKER_SECRET is not set' })
  const bad = run({ JAZZ_WORKER_ACCOUNT: ACCOUNT, JAZZ_WORKER_SECRET: secret.slice(0, -3) })
  assert.match(bad.error, /^JAZZ_WORKER_SECRET is not a valid agent secret: second part: Invalid signer secret length/)
  for (const piece of pieces(secret)) assert.ok(!bad.error.includes(piece))
})

test('counts the crypto work its NativeCrypto serves', async () => {
  const secret = wasm.newRandomAgentSecret()
  const handle = new WorkerHandle({ accountID: ACCOUNT, accountSecret: secret })
  const crypto = await NativeCrypto.create({ handle })
  const signerSecret = crypto.getAgentSignerSecret(secret)
  const signerID = wasm.getSignerID(signerSecret)
  const signatures = [1, 2, 3].map((n) => crypto.sign(signerSecret, { n }))
  assert.equal(crypto.verify(signatures[0], { n: 1 }, signerID), true)
  assert.equal(crypto.verify(signatures[0], { n: 2 }, signerID), false)
  const key = wasm.newRandomKeySecret().secret
  crypto.decrypt(crypto.encrypt({ a: 1 }, key, { in: 'co_z1' }), key, { in: 'co_z1' })
  const calls = Object.fromEntries(handle.stats().map((s) => [s.operation, s]))
  assert.equal(calls.sign.calls, 3)
  assert.equal(calls.verify.calls, 2)
  assert.equal(calls.encrypt.calls, 1)
  assert.equal(calls.decrypt.calls, 1)
  assert.equal(calls.unseal.calls, 0)
  assert.ok(calls.sign.totalMs > 0)
  // A second NativeCrypto from the same handle adds to the same counters.
  const other = await NativeCrypto.create({ handle })
  other.sign(signerSecret, 'x')
  assert.equal(handle.stats().find((s) => s.operation === 'sign').calls, 4)
  handle.resetStats()
  assert.ok(handle.stats().every((s) => s.calls === 0 && s.totalMs === 0))
})

test('session maps of a NativeCrypto count their work natively and give the reference\'s bytes', async () => {
  const secret = wasm.newRandomAgentSecret()
  const handle = new WorkerHandle({ accountID: ACCOUNT, accountSecret: secret })
  const crypto = await NativeCrypto.create({ handle })
  const header = '{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":"u1"}'
  const coID = 'co_z' + '5'.repeat(22)
  const session = `${ACCOUNT}_session_zTest1`
  const signerSecret = crypto.getAgentSignerSecret(secret)
  const { id: keyID, secret: keySecret } = wasm.newRandomKeySecret()
  const ours = crypto.createSessionMap(coID, header, undefined, true)
  const theirs = new reference.SessionMap(coID, header, undefined, true)
  // The native map behind the adapter is a SessionMap of this addon.
  const native = crypto.engine.createSessionMap(coID, header, null, true)
  assert.ok(native instanceof SessionMap)
  assert.equal(SessionMap.prototype.getHeader.call(native), theirs.getHeader())
  // 40 calls of each kind: more than two timed rounds (one in 16 is timed).
  for (let i = 0; i < 40; i++) {
    const changes = JSON.stringify([{ op: 'set', key: `k${i}`, value: i }])
    const made = i % 2
      ? ours.makeNewPrivateTransaction(session, signerSecret, changes, keyID, keySecret, null, 1_700_000_000_000 + i)
      : ours.makeNewTrustingTransaction(session, signerSecret, changes, null, 1_700_000_000_000 + i)
    const expected = i % 2
      ? theirs.makeNewPrivateTransaction(session, signerSecret, changes, keyID, keySecret, null, 1_700_000_000_000 + i)
      : theirs.makeNewTrustingTransaction(session, signerSecret, changes, null, 1_700_000_000_000 + i)
    assert.equal(made, expected)
    assert.equal(ours.decryptTransaction(session, i, keySecret), theirs.decryptTransaction(session, i, keySecret))
  }
  const other = crypto.createSessionMap(coID, header, undefined, true)
  const transactions = ours.getSessionTransactions(session, 0).map((tx) => JSON.stringify(tx))
  other.addTransactions(session, undefined, JSON.stringify(transactions.map((tx) => JSON.parse(tx))), ours.getLastSignature(session), true)
  assert.equal(other.getTransactionCount(session), 40)
  const calls = Object.fromEntries(handle.stats().map((s) => [s.operation, s]))
  assert.equal(calls.makeTransaction.calls, 40)
  assert.equal(calls.decryptTransaction.calls, 40)
  assert.equal(calls.addTransactions.calls, 1)
  assert.ok(calls.makeTransaction.totalMs > 0)
  // A SessionMap made with `new` counts nowhere.
  new SessionMap(coID, header, null, true).makeNewTrustingTransaction(session, signerSecret, '[]', null, 1)
  assert.equal(handle.stats().find((s) => s.operation === 'makeTransaction').calls, 40)
})

test('workerOptions returns what startWorker takes', async () => {
  const secret = wasm.newRandomAgentSecret()
  const handle = new WorkerHandle({ accountID: ACCOUNT, accountSecret: secret })
  const options = await workerOptions(handle, { syncServer: 'ws://127.0.0.1:1' })
  assert.equal(options.accountID, ACCOUNT)
  assert.equal(options.accountSecret, secret)
  assert.ok(options.crypto instanceof NativeCrypto)
  assert.equal(options.syncServer, 'ws://127.0.0.1:1')
  if (typeof globalThis.WebSocket === 'function') {
    assert.equal(options.WebSocket, undefined, 'Node 22 and later: the global WebSocket is used')
  } else {
    assert.equal(typeof options.WebSocket, 'function', 'Node 20 has no global WebSocket: ws is supplied')
  }
})

test('close() wipes the secret and the shared key cache', async () => {
  const secret = wasm.newRandomAgentSecret()
  const handle = new WorkerHandle({ accountID: ACCOUNT, accountSecret: secret })
  const crypto = await NativeCrypto.create({ handle })
  crypto.sign(crypto.getAgentSignerSecret(secret), 'warm the cache')
  assert.ok(crypto.engine.cacheStats().entries > 0)
  handle.close()
  assert.equal(handle.isClosed, true)
  assert.equal(crypto.engine.cacheStats().entries, 0)
  assert.throws(() => handle.accountSecret(), /closed; its secret was wiped/)
  assert.throws(() => handle.cryptoEngine(), /closed/)
  // Public ids and counters stay readable; closing twice is fine.
  assert.equal(handle.agentID, wasm.getAgentID(secret))
  assert.equal(handle.stats().find((s) => s.operation === 'sign').calls, 1)
  handle.close()
})
