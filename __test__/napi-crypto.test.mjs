// cojson's own NapiCrypto (cojson@0.20.19, unmodified) running on this addon:
// its ESM named import of `cojson-core-napi` is redirected here by a resolve
// hook, and every operation is checked against cojson's WasmCrypto.
import { register } from 'node:module'
import { test } from 'node:test'
import assert from 'node:assert/strict'

register('./helpers/alias-hooks.mjs', import.meta.url)

const { NapiCrypto } = await import('cojson/crypto/NapiCrypto')
const { WasmCrypto } = await import('cojson/crypto/WasmCrypto')
const napi = await NapiCrypto.create()
const wasm = await WasmCrypto.create()

test('the redirect took effect: NapiCrypto refuses a low-order sealer, as only our addon does', () => {
  const zeroSealer = 'sealer_z11111111111111111111111111111111'
  const args = { message: { a: 1 }, from: napi.newRandomSealer(), to: zeroSealer, nOnceMaterial: { in: 'co_zX', tx: { sessionID: 's', txIndex: 0 } } }
  assert.throws(() => napi.seal(args), /low-order/)
  assert.match(wasm.seal(args), /^sealed_U/)
})

test('agent secrets and ids match WasmCrypto', () => {
  for (let i = 0; i < 50; i++) {
    const seed = napi.newRandomSecretSeed()
    const secret = napi.agentSecretFromSecretSeed(seed)
    assert.equal(secret, wasm.agentSecretFromSecretSeed(seed))
    assert.equal(napi.getAgentID(secret), wasm.getAgentID(secret))
    const readKey = napi.newRandomKeySecret().secret
    assert.deepEqual(napi.groupSealerFromReadKey(readKey), wasm.groupSealerFromReadKey(readKey))
  }
})

test('sign and verify interoperate with WasmCrypto', () => {
  for (let i = 0; i < 100; i++) {
    const secret = napi.newRandomSigner()
    const id = napi.getSignerID(secret)
    assert.equal(id, wasm.getSignerID(secret))
    const message = { i, text: 'héllo', list: [1, null, { z: true, a: 'encrypted_Uabc' }] }
    const signature = napi.sign(secret, message)
    assert.equal(signature, wasm.sign(secret, message))
    assert.equal(napi.verify(signature, message, id), true)
    assert.equal(wasm.verify(signature, message, id), true)
    assert.equal(napi.verify(signature, { ...message, i: i + 1 }, id), false)
  }
})

test('seal, unseal and group sealing interoperate with WasmCrypto', () => {
  for (let i = 0; i < 50; i++) {
    const from = napi.newRandomSealer()
    const to = napi.newRandomSealer()
    const nOnceMaterial = { in: `co_z${i}`, tx: { sessionID: `sealer_session_z${i}`, txIndex: i } }
    const message = { secret: `keySecret_z${i}`, n: i }
    const sealed = napi.seal({ message, from, to: napi.getSealerID(to), nOnceMaterial })
    assert.equal(sealed, wasm.seal({ message, from, to: wasm.getSealerID(to), nOnceMaterial }))
    assert.deepEqual(napi.unseal(sealed, to, napi.getSealerID(from), nOnceMaterial), message)
    assert.throws(() => napi.unseal(sealed, from, napi.getSealerID(from), nOnceMaterial), /Wrong tag/)
    const forGroup = napi.sealForGroup({ message, to: napi.getSealerID(to), nOnceMaterial })
    assert.deepEqual(wasm.unsealForGroup(forGroup, to, nOnceMaterial), message)
    const fromWasm = wasm.sealForGroup({ message, to: wasm.getSealerID(to), nOnceMaterial })
    assert.deepEqual(napi.unsealForGroup(fromWasm, to, nOnceMaterial), message)
    assert.equal(napi.unsealForGroup(fromWasm, from, nOnceMaterial), undefined)
  }
})

test('encrypt, decrypt and key secret wrapping match WasmCrypto', () => {
  for (let i = 0; i < 100; i++) {
    const key = napi.newRandomKeySecret()
    const value = { op: 'set', key: `k${i}`, value: ['x', i, { deep: 'ü' }] }
    const nOnceMaterial = { in: `co_z${i}`, tx: { sessionID: 's', txIndex: i } }
    const encrypted = napi.encrypt(value, key.secret, nOnceMaterial)
    assert.equal(encrypted, wasm.encrypt(value, key.secret, nOnceMaterial))
    assert.deepEqual(napi.decrypt(encrypted, key.secret, nOnceMaterial), value)
    const other = napi.newRandomKeySecret()
    const wrapped = napi.encryptKeySecret({ toEncrypt: key, encrypting: other })
    assert.deepEqual(wrapped, wasm.encryptKeySecret({ toEncrypt: key, encrypting: other }))
    assert.equal(napi.decryptKeySecret(wrapped, other.secret), key.secret)
  }
})

test('hashes match WasmCrypto, one-shot and incremental', () => {
  for (let i = 0; i < 100; i++) {
    const value = { i, nested: { b: [1, 2, 3], a: 'x'.repeat(i) } }
    assert.equal(napi.secureHash(value), wasm.secureHash(value))
    assert.equal(napi.shortHash(value), wasm.shortHash(value))
    const data = napi.randomBytes(i)
    const context = napi.randomBytes(8)
    assert.deepEqual(napi.blake3HashOnce(data), wasm.blake3HashOnce(data))
    assert.deepEqual(napi.blake3HashOnceWithContext(data, { context }), wasm.blake3HashOnceWithContext(data, { context }))
  }
})
