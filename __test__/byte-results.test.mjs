// Byte results all leave the addon one way (src/binding/bytes.rs: a copy
// into fresh engine memory) and keep the JS types they always had: every
// drop-in export returns what the reference cojson-core-napi@0.20.19 returns
// (a plain Uint8Array), NativeCryptoEngine's additions return what
// index.d.ts declares (a Buffer for encrypt / seal / sealForGroup), and each
// result is a view of its own whole ArrayBuffer. Every export of index.d.ts
// that returns bytes is listed (the test fails on a new one left out).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { base58 } from '@scure/base'
import { ours, ref, utf8, hex, generator } from './helpers/common.mjs'

const g = generator(2_718)
const key = g.bytes(32)
const message = g.bytes(77)
const nonce = utf8('{"in":"co_z1","tx":7}')
const sealer = `sealerSecret_z${base58.encode(g.bytes(32))}`
const other = `sealerSecret_z${base58.encode(g.bytes(32))}`
const sealerId = ref.getSealerId(utf8(sealer))
const otherId = ref.getSealerId(utf8(other))
const keySecret = `keySecret_z${base58.encode(g.bytes(32))}`
const sealed = ref.seal(message, sealer, otherId, nonce)
const sealedGroup = ref.sealForGroup(message, otherId, nonce)

/** Drop-in exports returning bytes, with arguments; `random` ones differ per call. */
const DROP_IN = {
  blake3HashOnce: [message],
  blake3HashOnceWithContext: [message, nonce],
  decrypt: [message, keySecret, nonce],
  decryptXsalsa20: [key, nonce, message],
  ed25519Sign: [key, message],
  ed25519SignatureFromBytes: [g.bytes(64)],
  ed25519SigningKeyFromBytes: [key],
  ed25519SigningKeySign: [key, message],
  ed25519SigningKeyToPublic: [key],
  ed25519VerifyingKey: [key],
  ed25519VerifyingKeyFromBytes: [ref.ed25519SigningKeyToPublic(key)],
  encrypt: [message, keySecret, nonce],
  encryptXsalsa20: [key, nonce, message],
  generateNonce: [nonce],
  newEd25519SigningKey: { random: [] },
  newX25519PrivateKey: { random: [] },
  seal: [message, sealer, otherId, nonce],
  sealForGroup: { random: [message, otherId, nonce] },
  unseal: [sealed, other, sealerId, nonce],
  unsealForGroup: [sealedGroup, other, nonce],
  x25519DiffieHellman: [key, ref.x25519PublicKey(g.bytes(32))],
  x25519PublicKey: [key],
}

/** Our promise-returning additions that resolve to bytes. */
const ASYNC = {
  sealAsync: ['seal', [message, sealer, otherId, nonce]],
  unsealAsync: ['unseal', [sealed, other, sealerId, nonce]],
}

/** Is `bytes` a view of the whole of its own buffer? */
const wholeBuffer = (bytes) => bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length && !(bytes.buffer instanceof SharedArrayBuffer)

/** Names of index.d.ts functions and methods whose result is bytes. */
function declaredByteResults() {
  const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
  const names = new Set()
  for (const [, name] of dts.matchAll(/(?:function )?(\w+)\([^)]*\): (?:Uint8Array|Buffer|Promise<Uint8Array>)$/gm)) names.add(name)
  return names
}

test('every byte result of index.d.ts is listed here', () => {
  const listed = new Set([...Object.keys(DROP_IN), ...Object.keys(ASYNC), 'finalize', 'encrypt', 'seal', 'sealForGroup', 'blake3HashOnce', 'blake3HashOnceWithContext'])
  assert.deepEqual([...declaredByteResults()].filter((name) => !listed.has(name)), [])
})

test('drop-in exports return what the reference returns: a Uint8Array over its own whole buffer, equal bytes', () => {
  for (const [name, spec] of Object.entries(DROP_IN)) {
    const args = Array.isArray(spec) ? spec : spec.random
    const mine = ours[name](...args)
    const theirs = ref[name](...args)
    assert.equal(Object.getPrototypeOf(mine), Object.getPrototypeOf(theirs), name)
    assert.equal(Object.getPrototypeOf(mine), Uint8Array.prototype, name)
    assert.ok(wholeBuffer(mine), name)
    assert.equal(mine.length, theirs.length, name)
    if (Array.isArray(spec)) assert.equal(hex(mine), hex(theirs), name)
  }
  const hasher = new ours.Blake3Hasher()
  hasher.update(message)
  const digest = hasher.finalize()
  assert.equal(Object.getPrototypeOf(digest), Uint8Array.prototype)
  assert.ok(wholeBuffer(digest))
  assert.equal(hex(digest), hex(ref.blake3HashOnce(message)))
})

test('async exports resolve to the same kind of Uint8Array as their sync twins', async () => {
  for (const [name, [twin, args]] of Object.entries(ASYNC)) {
    const bytes = await ours[name](...args)
    assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype, name)
    assert.ok(wholeBuffer(bytes), name)
    assert.equal(hex(bytes), hex(ours[twin](...args)), name)
  }
})

test('NativeCryptoEngine returns Buffers where index.d.ts says Buffer, Uint8Arrays elsewhere, empty ones included', () => {
  const engine = new ours.NativeCryptoEngine()
  const text = 'a message'
  const buffers = {
    encrypt: engine.encrypt(text, keySecret, 'nonce'),
    'encrypt (empty)': engine.encrypt('', keySecret, 'nonce'),
    seal: engine.seal(text, sealer, otherId, 'nonce'),
    sealForGroup: engine.sealForGroup(text, otherId, 'nonce'),
  }
  for (const [name, bytes] of Object.entries(buffers)) {
    assert.ok(Buffer.isBuffer(bytes), name)
    assert.equal(Object.getPrototypeOf(bytes), Buffer.prototype, name)
    assert.ok(bytes.length === 0 || wholeBuffer(bytes), name)
  }
  assert.equal(buffers['encrypt (empty)'].length, 0)
  assert.equal(hex(buffers.encrypt), hex(ref.encrypt(utf8(text), keySecret, utf8('nonce'))))
  assert.equal(hex(buffers.seal), hex(ref.seal(utf8(text), sealer, otherId, utf8('nonce'))))
  assert.equal(engine.unsealForGroup(buffers.sealForGroup, other, 'nonce'), text)
  for (const bytes of [engine.blake3HashOnce(message), engine.blake3HashOnceWithContext(message, nonce)]) {
    assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype)
    assert.ok(wholeBuffer(bytes))
  }
  assert.equal(hex(engine.blake3HashOnce(message)), hex(ref.blake3HashOnce(message)))
})
