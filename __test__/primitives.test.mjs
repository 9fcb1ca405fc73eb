// Differential tests: the same random inputs to our addon and to the reference
// cojson-core-napi@0.20.19; deterministic outputs must be identical, and what
// one side seals, signs or encrypts the other must open or verify.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base58 } from '@scure/base'
import { ours, ref, utf8, hex, generator } from './helpers/common.mjs'

const RUNS = 2000
const g = generator(20261123)

const signerSecret = () => `signerSecret_z${base58.encode(g.bytes(32))}`
const sealerSecret = () => `sealerSecret_z${base58.encode(g.bytes(32))}`
const keySecret = () => `keySecret_z${base58.encode(g.bytes(32))}`
const message = () => (g.int(4) === 0 ? g.bytes(g.int(2000)) : utf8(g.text(g.int(200))))

test('getSignerId, sign and verify agree for random keys and messages', () => {
  for (let i = 0; i < RUNS; i++) {
    const secret = signerSecret()
    const msg = message()
    const id = ref.getSignerId(utf8(secret))
    assert.equal(ours.getSignerId(utf8(secret)), id)
    const signature = ref.sign(msg, utf8(secret))
    assert.equal(ours.sign(msg, utf8(secret)), signature)
    assert.equal(ours.verify(utf8(signature), msg, utf8(id)), true)
    // A signature over other bytes, or by another key, fails on both.
    const other = ref.sign(utf8('other'), utf8(secret))
    assert.equal(ours.verify(utf8(other), msg, utf8(id)), ref.verify(utf8(other), msg, utf8(id)))
    assert.equal(ours.verify(utf8(other), msg, utf8(id)), msg.length === 5 && Buffer.from(msg).toString() === 'other')
  }
})

test('raw Ed25519 functions agree, including wrong lengths', () => {
  for (let i = 0; i < RUNS; i++) {
    const key = g.bytes(g.int(8) === 0 ? g.int(40) : 32)
    const msg = message()
    for (const fn of ['ed25519VerifyingKey', 'ed25519SigningKeyToPublic', 'ed25519SigningKeyFromBytes']) {
      const expected = attemptHex(() => ref[fn](key))
      assert.deepEqual(attemptHex(() => ours[fn](key)), expected, fn)
    }
    for (const fn of ['ed25519Sign', 'ed25519SigningKeySign']) {
      assert.deepEqual(attemptHex(() => ours[fn](key, msg)), attemptHex(() => ref[fn](key, msg)), fn)
    }
    const signatureBytes = g.bytes(g.int(8) === 0 ? g.int(70) : 64)
    assert.deepEqual(
      attemptHex(() => ours.ed25519SignatureFromBytes(signatureBytes)),
      attemptHex(() => ref.ed25519SignatureFromBytes(signatureBytes)),
    )
    if (key.length === 32) {
      const pub = ref.ed25519VerifyingKey(key)
      const sig = ref.ed25519Sign(key, msg)
      assert.equal(ours.ed25519Verify(pub, msg, sig), true)
      assert.equal(hex(ours.ed25519VerifyingKeyFromBytes(pub)), hex(pub))
      const tampered = Uint8Array.from(sig)
      tampered[g.int(64)] ^= 1 << g.int(8)
      assert.equal(ours.ed25519Verify(pub, msg, tampered), ref.ed25519Verify(pub, msg, tampered))
    }
  }
})

test('X25519 and sealer ids agree', () => {
  for (let i = 0; i < RUNS; i++) {
    const a = g.bytes(32)
    const b = g.bytes(32)
    assert.equal(hex(ours.x25519PublicKey(a)), hex(ref.x25519PublicKey(a)))
    const pubB = ref.x25519PublicKey(b)
    assert.equal(hex(ours.x25519DiffieHellman(a, pubB)), hex(ref.x25519DiffieHellman(a, pubB)))
    const secret = `sealerSecret_z${base58.encode(a)}`
    assert.equal(ours.getSealerId(utf8(secret)), ref.getSealerId(utf8(secret)))
  }
})

test('seal and unseal: identical bytes, and each side opens the other', () => {
  for (let i = 0; i < RUNS / 4; i++) {
    const from = sealerSecret()
    const to = sealerSecret()
    const fromId = ref.getSealerId(utf8(from))
    const toId = ref.getSealerId(utf8(to))
    const msg = message()
    const material = utf8(`{"in":"co_z${base58.encode(g.bytes(12))}","tx":{"sessionID":"x","txIndex":${i}}}`)
    const sealed = ref.seal(msg, from, toId, material)
    assert.equal(hex(ours.seal(msg, from, toId, material)), hex(sealed))
    assert.equal(hex(ours.unseal(sealed, to, fromId, material)), hex(msg))
    assert.equal(hex(ref.unseal(ours.seal(msg, from, toId, material), to, fromId, material)), hex(msg))
  }
})

test('sealForGroup: random ephemeral keys, each side opens the other', () => {
  for (let i = 0; i < RUNS / 4; i++) {
    const group = sealerSecret()
    const groupId = ref.getSealerId(utf8(group))
    const msg = message()
    const material = utf8(`{"in":"co_z${i}","tx":{"sessionID":"x","txIndex":0}}`)
    const mine = ours.sealForGroup(msg, groupId, material)
    const theirs = ref.sealForGroup(msg, groupId, material)
    assert.equal(mine.length, theirs.length)
    assert.equal(hex(ref.unsealForGroup(mine, group, material)), hex(msg))
    assert.equal(hex(ours.unsealForGroup(theirs, group, material)), hex(msg))
    assert.notEqual(hex(mine.subarray(0, 32)), hex(theirs.subarray(0, 32)))
  }
})

test('encrypt, decrypt and raw XSalsa20 agree', () => {
  for (let i = 0; i < RUNS; i++) {
    const key = keySecret()
    const msg = message()
    const material = g.bytes(g.int(100))
    const ciphertext = ref.encrypt(msg, key, material)
    assert.equal(hex(ours.encrypt(msg, key, material)), hex(ciphertext))
    assert.equal(hex(ours.decrypt(ciphertext, key, material)), hex(msg))
    const raw = g.bytes(32)
    assert.equal(hex(ours.encryptXsalsa20(raw, material, msg)), hex(ref.encryptXsalsa20(raw, material, msg)))
    assert.equal(hex(ours.decryptXsalsa20(raw, material, msg)), hex(ref.decryptXsalsa20(raw, material, msg)))
  }
})

test('hashing agrees: one-shot, with context, incremental, nonce, shortHash', () => {
  for (let i = 0; i < RUNS; i++) {
    const data = message()
    const context = g.bytes(g.int(20))
    assert.equal(hex(ours.blake3HashOnce(data)), hex(ref.blake3HashOnce(data)))
    assert.equal(hex(ours.blake3HashOnceWithContext(data, context)), hex(ref.blake3HashOnceWithContext(data, context)))
    assert.equal(hex(ours.generateNonce(data)), hex(ref.generateNonce(data)))
    const text = g.text(g.int(100))
    assert.equal(ours.shortHash(text), ref.shortHash(text))
    const mine = new ours.Blake3Hasher()
    const theirs = new ref.Blake3Hasher()
    mine.update(context)
    theirs.update(context)
    const mineFork = mine.clone()
    mine.update(data)
    theirs.update(data)
    assert.equal(hex(mine.finalize()), hex(theirs.finalize()))
    assert.equal(hex(mineFork.finalize()), hex(ref.blake3HashOnce(context)))
  }
})

test('random key generators return fresh 32-byte Uint8Arrays the reference accepts', () => {
  const seen = new Set()
  for (let i = 0; i < 200; i++) {
    const signing = ours.newEd25519SigningKey()
    const sealing = ours.newX25519PrivateKey()
    assert.ok(signing instanceof Uint8Array && sealing instanceof Uint8Array)
    assert.equal(signing.length, 32)
    assert.equal(sealing.length, 32)
    seen.add(hex(signing))
    seen.add(hex(sealing))
    assert.equal(hex(ref.ed25519VerifyingKey(signing)), hex(ours.ed25519VerifyingKey(signing)))
  }
  assert.equal(seen.size, 400)
})

function attemptHex(fn) {
  try {
    return { value: hex(fn()) }
  } catch {
    return { threw: true }
  }
}
