// NativeCrypto (cojson-native/crypto) against cojson's WasmCrypto and against
// cojson's NapiCrypto on the reference cojson-core-napi: same inputs, same
// outputs, for every method a CryptoProvider has.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NapiCrypto } from 'cojson/crypto/NapiCrypto'
import { WasmCrypto } from 'cojson/crypto/WasmCrypto'
import { NativeCrypto } from '../crypto/index.mjs'

const native = await NativeCrypto.create()
const wasm = await WasmCrypto.create()
const reference = await NapiCrypto.create()
const others = [wasm, reference]

const values = [
  { a: 1, b: [true, null, 'x'] },
  'hash_zABC',
  'héllo wörld ✓ 🎷',
  [],
  { nested: { z: 1, a: 2 }, encrypted: 'encrypted_Uabc' },
  12.5,
]
const nOnce = { in: 'co_zTestValue1', tx: { sessionID: 'co_zA_session_zB', txIndex: 3 } }

test('ids and agent ids equal', () => {
  for (let i = 0; i < 5; i++) {
    const secret = wasm.newRandomAgentSecret()
    for (const other of others) {
      assert.equal(native.getAgentID(secret), other.getAgentID(secret))
      assert.equal(native.getSignerID(native.getAgentSignerSecret(secret)), other.getSignerID(other.getAgentSignerSecret(secret)))
      assert.equal(native.getSealerID(native.getAgentSealerSecret(secret)), other.getSealerID(other.getAgentSealerSecret(secret)))
    }
  }
  const seed = wasm.newRandomSecretSeed()
  assert.equal(native.agentSecretFromSecretSeed(seed), wasm.agentSecretFromSecretSeed(seed))
  const readKey = wasm.newRandomKeySecret().secret
  assert.deepEqual(native.groupSealerFromReadKey(readKey), wasm.groupSealerFromReadKey(readKey))
})

test('signatures equal and verify both ways', () => {
  const signer = wasm.newRandomSigner()
  const id = wasm.getSignerID(signer)
  for (const value of values) {
    const signature = native.sign(signer, value)
    for (const other of others) {
      assert.equal(signature, other.sign(signer, value))
      assert.equal(other.verify(signature, value, id), true)
    }
    assert.equal(native.verify(wasm.sign(signer, value), value, id), true)
    assert.equal(native.verify(signature, { different: value }, id), false)
    assert.equal(native.verify(signature, value, wasm.getSignerID(wasm.newRandomSigner())), false)
  }
  assert.throws(() => native.verify('signature_z1', 'x', id), /signature/)
  assert.throws(() => native.sign('signer_zabc', 'x'), /Invalid signer secret format/)
})

test('hashes equal', () => {
  for (const value of values) {
    assert.equal(native.secureHash(value), wasm.secureHash(value))
    assert.equal(native.shortHash(value), wasm.shortHash(value))
  }
  const data = new TextEncoder().encode('some bytes')
  const context = new TextEncoder().encode('ctx')
  assert.deepEqual(native.blake3HashOnce(data), wasm.blake3HashOnce(data))
  assert.deepEqual(native.blake3HashOnceWithContext(data, { context }), wasm.blake3HashOnceWithContext(data, { context }))
})

test('encryption equals, including the padded base64url text', () => {
  const { secret } = wasm.newRandomKeySecret()
  for (const value of values) {
    const encrypted = native.encrypt(value, secret, nOnce)
    for (const other of others) {
      assert.equal(encrypted, other.encrypt(value, secret, nOnce))
      assert.deepEqual(other.decrypt(encrypted, secret, nOnce), value)
    }
    assert.equal(native.decryptRaw(encrypted, secret, nOnce), wasm.decryptRaw(encrypted, secret, nOnce))
    assert.deepEqual(native.decrypt(wasm.encrypt(value, secret, nOnce), secret, nOnce), value)
  }
  const keys = { toEncrypt: wasm.newRandomKeySecret(), encrypting: wasm.newRandomKeySecret() }
  const info = native.encryptKeySecret(keys)
  assert.deepEqual(info, wasm.encryptKeySecret(keys))
  assert.equal(native.decryptKeySecret(info, keys.encrypting.secret), keys.toEncrypt.secret)
})

test('sealing equals; wrong keys behave as in NapiCrypto', () => {
  const from = wasm.newRandomSealer()
  const to = wasm.newRandomSealer()
  for (const message of values) {
    const args = { message, from, to: wasm.getSealerID(to), nOnceMaterial: nOnce }
    const sealed = native.seal(args)
    for (const other of others) {
      assert.equal(sealed, other.seal(args))
      assert.deepEqual(other.unseal(sealed, to, wasm.getSealerID(from), nOnce), message)
    }
    assert.deepEqual(native.unseal(wasm.seal(args), to, wasm.getSealerID(from), nOnce), message)

    const forGroup = native.sealForGroup({ message, to: wasm.getSealerID(to), nOnceMaterial: nOnce })
    for (const other of others) assert.deepEqual(other.unsealForGroup(forGroup, to, nOnce), message)
    const fromWasm = wasm.sealForGroup({ message, to: wasm.getSealerID(to), nOnceMaterial: nOnce })
    assert.deepEqual(native.unsealForGroup(fromWasm, to, nOnce), message)
  }
  const sealed = native.seal({ message: 1, from, to: wasm.getSealerID(to), nOnceMaterial: nOnce })
  const stranger = wasm.newRandomSealer()
  assert.throws(() => reference.unseal(sealed, stranger, wasm.getSealerID(from), nOnce), /Wrong tag/)
  assert.throws(() => native.unseal(sealed, stranger, wasm.getSealerID(from), nOnce), /Wrong tag/)
  const forGroup = native.sealForGroup({ message: 1, to: wasm.getSealerID(to), nOnceMaterial: nOnce })
  assert.equal(reference.unsealForGroup(forGroup, stranger, nOnce), undefined)
  assert.equal(native.unsealForGroup(forGroup, stranger, nOnce), undefined)
})

test('the key cache stays bounded and is used', async () => {
  const small = await NativeCrypto.create({ keyCacheSize: 2 })
  const signers = Array.from({ length: 10 }, () => wasm.newRandomSigner())
  for (const signer of signers) small.sign(signer, 'm')
  const stats = small.engine.cacheStats()
  assert.equal(stats.capacityPerKind, 2)
  assert.ok(stats.entries <= 2, `${stats.entries} entries`)
  small.sign(signers[9], 'm')
  assert.equal(small.engine.cacheStats().hits, 1)
  small.engine.clearCache()
  assert.equal(small.engine.cacheStats().entries, 0)
})
