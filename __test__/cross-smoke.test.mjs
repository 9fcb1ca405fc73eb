// A platform smoke test that needs nothing but the addon and pure-JS
// independent implementations (@noble/hashes, @noble/curves, @noble/ciphers),
// so it runs on every binary we ship, also under QEMU and in Alpine where the
// x64-only reference package cannot load. Checks hash, sign/verify,
// seal/unseal, encrypt/decrypt results against published vectors (BLAKE3,
// RFC 8032, RFC 7748) and against the independent implementations.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { blake3 } from '@noble/hashes/blake3.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { xsalsa20, xsalsa20poly1305 } from '@noble/ciphers/salsa.js'
import { base58 } from './helpers/base58.mjs'

const native = createRequire(import.meta.url)('../index.js')

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'))
const utf8 = (text) => new TextEncoder().encode(text)
const concat = (...parts) => new Uint8Array(Buffer.concat(parts))
/** Deterministic test bytes: the BLAKE3 XOF of a label. */
const bytes = (label, length) => blake3(utf8(label), { dkLen: length })

test('the addon loaded is the native one for this platform', () => {
  assert.equal(native.__napiBindingTarget, 'native')
  console.log(`# ${process.platform}-${process.arch} node ${process.version}`)
})

test('BLAKE3: the published empty-input hash and the noble implementation', () => {
  assert.equal(hex(native.blake3HashOnce(new Uint8Array())), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262')
  // Lengths around the 1 KiB chunk and 64 B block edges, and a large input
  // that takes the SIMD paths (NEON on arm).
  for (const length of [1, 63, 64, 65, 1023, 1024, 1025, 2048, 4097, 65536, 1_000_003]) {
    const data = bytes(`blake3-${length}`, length)
    assert.equal(hex(native.blake3HashOnce(data)), hex(blake3(data)), `length ${length}`)
  }
  const context = utf8('cojson-native context')
  const data = bytes('with-context', 777)
  assert.equal(hex(native.blake3HashOnceWithContext(data, context)), hex(blake3(concat(context, data))))
  const hasher = new native.Blake3Hasher()
  hasher.update(data.subarray(0, 100))
  const copy = hasher.clone()
  hasher.update(data.subarray(100))
  assert.equal(hex(hasher.finalize()), hex(blake3(data)))
  assert.equal(hex(copy.finalize()), hex(blake3(data.subarray(0, 100))))
  assert.equal(native.shortHash('{"a":1}'), 'shortHash_z' + base58(blake3(utf8('{"a":1}')).subarray(0, 19)))
  assert.equal(hex(native.generateNonce(data)), hex(blake3(data).subarray(0, 24)))
})

test('Ed25519: RFC 8032 test 1 and noble on many keys and messages', () => {
  const rfcSecret = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
  assert.equal(
    hex(native.ed25519SigningKeyToPublic(rfcSecret)),
    'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  )
  assert.equal(
    hex(native.ed25519Sign(rfcSecret, new Uint8Array())),
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  )
  for (let i = 0; i < 16; i++) {
    const secret = bytes(`ed25519-key-${i}`, 32)
    const message = bytes(`ed25519-message-${i}`, i * 37)
    const publicKey = ed25519.getPublicKey(secret)
    const signature = native.ed25519Sign(secret, message)
    assert.equal(hex(native.ed25519SigningKeyToPublic(secret)), hex(publicKey))
    assert.equal(hex(signature), hex(ed25519.sign(message, secret)))
    assert.equal(native.ed25519Verify(publicKey, message, signature), true)
    const tampered = Uint8Array.from(signature)
    tampered[i] ^= 1
    assert.equal(native.ed25519Verify(publicKey, message, tampered), false)

    // The cojson-level text forms over the same key.
    const secretText = utf8('signerSecret_z' + base58(secret))
    const signatureText = native.sign(message, secretText)
    assert.equal(signatureText, 'signature_z' + base58(signature))
    assert.equal(native.getSignerId(secretText), 'signer_z' + base58(publicKey))
    assert.equal(native.verify(utf8(signatureText), message, utf8('signer_z' + base58(publicKey))), true)
  }
  assert.throws(() => native.ed25519Sign(new Uint8Array(31), new Uint8Array()))
})

test('X25519 and sealing: RFC 7748 section 6.1 and noble XSalsa20-Poly1305', () => {
  const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
  const bob = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
  const alicePublic = native.x25519PublicKey(alice)
  const bobPublic = native.x25519PublicKey(bob)
  assert.equal(hex(alicePublic), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
  assert.equal(hex(bobPublic), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
  const shared = native.x25519DiffieHellman(alice, bobPublic)
  assert.equal(hex(shared), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
  assert.equal(hex(x25519.getSharedSecret(bob, alicePublic)), hex(shared))

  const aliceSecretText = 'sealerSecret_z' + base58(alice)
  const bobSecretText = 'sealerSecret_z' + base58(bob)
  assert.equal(native.getSealerId(utf8(aliceSecretText)), 'sealer_z' + base58(alicePublic))
  for (const length of [0, 1, 100, 5000]) {
    const message = bytes(`seal-${length}`, length)
    const nonceMaterial = utf8(JSON.stringify({ in: 'co_zTest', tx: length }))
    const nonce = blake3(nonceMaterial).subarray(0, 24)
    const sealed = native.seal(message, aliceSecretText, 'sealer_z' + base58(bobPublic), nonceMaterial)
    assert.equal(hex(sealed), hex(xsalsa20poly1305(shared, nonce).encrypt(message)), `length ${length}`)
    const opened = native.unseal(sealed, bobSecretText, 'sealer_z' + base58(alicePublic), nonceMaterial)
    assert.equal(hex(opened), hex(message))
  }
  const group = native.sealForGroup(utf8('to the group'), 'sealer_z' + base58(bobPublic), utf8('n'))
  assert.equal(new TextDecoder().decode(native.unsealForGroup(group, bobSecretText, utf8('n'))), 'to the group')
})

test('XSalsa20 encrypt/decrypt: noble xsalsa20 with the BLAKE3-derived nonce', () => {
  for (const length of [0, 1, 63, 64, 65, 10_000]) {
    const key = bytes(`key-${length}`, 32)
    const plaintext = bytes(`plaintext-${length}`, length)
    const nonceMaterial = utf8(`nonce-${length}`)
    const expected = xsalsa20(key, blake3(nonceMaterial).subarray(0, 24), plaintext)
    const ciphertext = native.encryptXsalsa20(key, nonceMaterial, plaintext)
    assert.equal(hex(ciphertext), hex(expected), `length ${length}`)
    assert.equal(hex(native.decryptXsalsa20(key, nonceMaterial, ciphertext)), hex(plaintext))
    const keySecret = 'keySecret_z' + base58(key)
    assert.equal(hex(native.encrypt(plaintext, keySecret, nonceMaterial)), hex(expected))
    assert.equal(hex(native.decrypt(expected, keySecret, nonceMaterial)), hex(plaintext))
  }
})
