// Known-answer tests of the addon against the data files in test-vectors/
// (RFC 8032, RFC 7748, BLAKE3's official vectors, and outputs of the
// reference package on fixed inputs). `cargo test` reads the same files.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ours, utf8, hex, fromHex, vectors } from './helpers/common.mjs'

test('BLAKE3 official vectors', () => {
  for (const { input_len, hash } of vectors('blake3.json').cases) {
    const input = Uint8Array.from({ length: input_len }, (_, i) => i % 251)
    assert.equal(hex(ours.blake3HashOnce(input)), hash, `input_len ${input_len}`)
    const hasher = new ours.Blake3Hasher()
    hasher.update(input.subarray(0, input_len >> 1))
    hasher.update(input.subarray(input_len >> 1))
    assert.equal(hex(hasher.finalize()), hash, `incremental, input_len ${input_len}`)
  }
})

test('Ed25519 RFC 8032 vectors', () => {
  for (const c of vectors('ed25519-rfc8032.json').cases) {
    const secret = fromHex(c.secret)
    assert.equal(hex(ours.ed25519VerifyingKey(secret)), c.public)
    assert.equal(hex(ours.ed25519SigningKeyToPublic(secret)), c.public)
    assert.equal(hex(ours.ed25519Sign(secret, fromHex(c.message))), c.signature)
    assert.equal(hex(ours.ed25519SigningKeySign(secret, fromHex(c.message))), c.signature)
    assert.equal(ours.ed25519Verify(fromHex(c.public), fromHex(c.message), fromHex(c.signature)), true)
  }
})

test('X25519 RFC 7748 vectors', () => {
  for (const c of vectors('x25519-rfc7748.json').cases) {
    assert.equal(hex(ours.x25519PublicKey(fromHex(c.alice_secret))), c.alice_public)
    assert.equal(hex(ours.x25519PublicKey(fromHex(c.bob_secret))), c.bob_public)
    assert.equal(hex(ours.x25519DiffieHellman(fromHex(c.alice_secret), fromHex(c.bob_public))), c.shared)
    assert.equal(hex(ours.x25519DiffieHellman(fromHex(c.bob_secret), fromHex(c.alice_public))), c.shared)
  }
})

test('reference outputs: signing', () => {
  const { signing } = vectors('cojson-reference.json')
  for (const c of signing) {
    assert.equal(ours.getSignerId(utf8(c.secret)), c.id)
    assert.equal(ours.sign(utf8(c.message), utf8(c.secret)), c.signature)
    assert.equal(ours.verify(utf8(c.signature), utf8(c.message), utf8(c.id)), true)
    assert.equal(ours.verify(utf8(c.signature), utf8(c.message + ' '), utf8(c.id)), false)
  }
})

test('reference outputs: sealing', () => {
  const { sealing } = vectors('cojson-reference.json')
  for (const c of sealing) {
    assert.equal(ours.getSealerId(utf8(c.from)), c.fromId)
    assert.equal(ours.getSealerId(utf8(c.to)), c.toId)
    assert.equal(hex(ours.seal(utf8(c.message), c.from, c.toId, utf8(c.nonceMaterial))), c.sealed)
    const opened = ours.unseal(fromHex(c.sealed), c.to, c.fromId, utf8(c.nonceMaterial))
    assert.equal(Buffer.from(opened).toString(), c.message)
  }
})

test('reference outputs: encryption, hashing, X25519', () => {
  const { encryption, hashing, x25519 } = vectors('cojson-reference.json')
  for (const c of encryption) {
    assert.equal(hex(ours.encrypt(utf8(c.plaintext), c.keySecret, utf8(c.nonceMaterial))), c.ciphertext)
    assert.equal(Buffer.from(ours.decrypt(fromHex(c.ciphertext), c.keySecret, utf8(c.nonceMaterial))).toString(), c.plaintext)
  }
  for (const c of hashing) {
    assert.equal(hex(ours.blake3HashOnce(utf8(c.value))), c.blake3)
    assert.equal(hex(ours.blake3HashOnceWithContext(utf8(c.value), utf8(c.context))), c.blake3WithContext)
    assert.equal(hex(ours.generateNonce(utf8(c.value))), c.nonce)
    assert.equal(ours.shortHash(c.value), c.shortHash)
  }
  for (const c of x25519) {
    assert.equal(hex(ours.x25519PublicKey(fromHex(c.secret))), c.public)
    const peerPublic = ours.x25519PublicKey(fromHex(c.peerSecret))
    assert.equal(hex(ours.x25519DiffieHellman(fromHex(c.secret), peerPublic)), c.shared)
  }
})

test('reference rejections throw', () => {
  const { rejected } = vectors('cojson-reference.json')
  for (const input of rejected.getSignerId) assert.throws(() => ours.getSignerId(utf8(input)), /signer secret/)
  for (const input of rejected.getSealerId) assert.throws(() => ours.getSealerId(utf8(input)), /sealer secret/)
  for (const input of rejected.encrypt) assert.throws(() => ours.encrypt(utf8('x'), input, utf8('n')), /key secret/)
})
