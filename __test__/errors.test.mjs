// Error behaviour: where the reference throws we throw, the messages cojson
// relies on match, secrets never appear in a message, and where the reference
// silently returns an unsafe result we throw (documented in the README).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base58 } from '@scure/base'
import { ours, ref, utf8, attempt, generator } from './helpers/common.mjs'

const g = generator(7)
const signer = `signerSecret_z${base58.encode(g.bytes(32))}`
const sealer = `sealerSecret_z${base58.encode(g.bytes(32))}`
const sealerId = ref.getSealerId(utf8(sealer))
const otherSealer = `sealerSecret_z${base58.encode(g.bytes(32))}`
const key = `keySecret_z${base58.encode(g.bytes(32))}`

test('unseal with the wrong key, sender, nonce material or bytes throws "Wrong tag" on both', () => {
  const material = utf8('{"in":"co_zA","tx":{"sessionID":"s","txIndex":0}}')
  const sealed = ours.seal(utf8('"secret value"'), sealer, ref.getSealerId(utf8(otherSealer)), material)
  const tampered = Uint8Array.from(sealed)
  tampered[20] ^= 1
  const cases = [
    [sealed, sealer, sealerId, material],
    [sealed, otherSealer, ref.getSealerId(utf8(otherSealer)), material],
    [sealed, otherSealer, sealerId, utf8('other material')],
    [tampered, otherSealer, sealerId, material],
    [sealed.subarray(0, 10), otherSealer, sealerId, material],
  ]
  for (const args of cases) {
    assert.throws(() => ref.unseal(...args), /Wrong tag/)
    assert.throws(() => ours.unseal(...args), /Wrong tag/)
  }
  assert.equal(Buffer.from(ours.unseal(sealed, otherSealer, sealerId, material)).toString(), '"secret value"')
})

test('unsealForGroup with the wrong key or material throws on both', () => {
  const sealed = ours.sealForGroup(utf8('x'), sealerId, utf8('m'))
  for (const args of [
    [sealed, otherSealer, utf8('m')],
    [sealed, sealer, utf8('n')],
  ]) {
    assert.throws(() => ref.unsealForGroup(...args), /Wrong tag/)
    assert.throws(() => ours.unsealForGroup(...args), /Wrong tag/)
  }
  for (const short of [new Uint8Array(0), sealed.subarray(0, 31), sealed.subarray(0, 47)]) {
    assert.throws(() => ref.unsealForGroup(short, sealer, utf8('m')))
    assert.throws(() => ours.unsealForGroup(short, sealer, utf8('m')), /too short/)
  }
})

// Every malformed call below makes the reference throw; ours must throw too,
// with a message that says what was wrong.
const malformed = [
  ['getSignerId', [utf8(signer.replace('signerSecret_z', 'sealerSecret_z'))], /signer secret format/],
  ['getSignerId', [utf8(signer.slice(0, -2))], /signer secret length/],
  ['getSignerId', [utf8(signer.replace(/.$/, '0'))], /Invalid base58 in signer secret/],
  ['getSignerId', [Uint8Array.of(0xff, 0xfe)], /Invalid UTF-8 in signer secret/],
  ['getSignerId', ['not bytes'], /TypedArray|Uint8Array|expect/i],
  ['getSealerId', [utf8('sealer_z' + sealer.slice(14))], /sealer secret format/],
  ['sign', [utf8('m'), utf8(signer.slice(0, 20))], /signer secret/],
  ['sign', [utf8('m')], /TypedArray|Uint8Array|expect/i],
  ['verify', [utf8('sig_z11'), utf8('m'), utf8('signer_z11')], /signature format/],
  ['verify', [utf8('signature_z11'), utf8('m'), utf8('signer_z11')], /signature length/],
  ['seal', [utf8('m'), sealerId, sealerId, utf8('n')], /sealer secret format/],
  ['seal', [utf8('m'), sealer, sealer, utf8('n')], /sealer ID format/],
  ['seal', [utf8('m'), sealer, 'sealer_z0', utf8('n')], /Invalid base58 in sealer ID/],
  ['unseal', [utf8('m'), sealer, 'sealer_zz', utf8('n')], /sealer ID length/],
  ['sealForGroup', [utf8('m'), 'sealer_', utf8('n')], /sealer ID format/],
  ['unsealForGroup', [new Uint8Array(60), 'sealerSecret_z', utf8('n')], /sealer secret length/],
  ['encrypt', [utf8('m'), 'keySecret_z' + 'Z'.repeat(100), utf8('n')], /key secret/],
  ['decrypt', [utf8('m'), sealer, utf8('n')], /key secret format/],
  ['encrypt', [utf8('m'), 42, utf8('n')], /string|expect/i],
  ['encryptXsalsa20', [new Uint8Array(31), utf8('n'), utf8('m')], /key length \(expected 32, got 31\)/],
  ['decryptXsalsa20', [new Uint8Array(33), utf8('n'), utf8('m')], /key length \(expected 32, got 33\)/],
  ['ed25519Sign', [new Uint8Array(3), utf8('m')], /signer secret length \(expected 32, got 3\)/],
  ['ed25519Verify', [new Uint8Array(31), utf8('m'), new Uint8Array(64)], /signer ID length/],
  ['ed25519Verify', [new Uint8Array(32), utf8('m'), new Uint8Array(63)], /signature length/],
  ['ed25519SignatureFromBytes', [new Uint8Array(65)], /signature length \(expected 64, got 65\)/],
  ['ed25519SigningKeyFromBytes', [new Uint8Array(0)], /signer secret length/],
  ['x25519PublicKey', [new Uint8Array(16)], /sealer secret length/],
  ['x25519DiffieHellman', [new Uint8Array(32), new Uint8Array(5)], /sealer ID length/],
  ['blake3HashOnce', [null], /TypedArray|Uint8Array|expect/i],
  ['blake3HashOnceWithContext', [utf8('a')], /TypedArray|Uint8Array|expect/i],
  ['shortHash', [undefined], /string|expect/i],
]

for (const [fn, args, message] of malformed) {
  test(`${fn} throws on malformed input like the reference (${message})`, () => {
    assert.ok(attempt(() => ref[fn](...args)).error, 'the reference throws here')
    assert.throws(() => ours[fn](...args), message)
  })
}

test('error messages never contain any part of a secret', () => {
  // Each secret carries a run of distinctive base58 characters followed by
  // one character that is not base58, so decoding fails inside the secret.
  const marker = 'QQQQQQQQ'
  const secrets = [
    `signerSecret_z${marker}0${marker}`,
    `sealerSecret_z${marker}l${marker}`,
    `keySecret_z${marker}O${marker}`,
    `signerSecret_z${marker.repeat(8)}`,
    `keySecret_z${marker}`,
  ]
  const calls = (s) => [
    () => ours.getSignerId(utf8(s)),
    () => ours.sign(utf8('m'), utf8(s)),
    () => ours.getSealerId(utf8(s)),
    () => ours.seal(utf8('m'), s, sealerId, utf8('n')),
    () => ours.unseal(utf8('m'), s, sealerId, utf8('n')),
    () => ours.unsealForGroup(new Uint8Array(64), s, utf8('n')),
    () => ours.encrypt(utf8('m'), s, utf8('n')),
    () => ours.decrypt(utf8('m'), s, utf8('n')),
  ]
  let checked = 0
  for (const secret of secrets) {
    for (const call of calls(secret)) {
      const { error } = attempt(call)
      assert.ok(error, 'malformed secret rejected')
      assert.ok(!error.message.includes('QQQQ'), error.message)
      checked++
    }
  }
  assert.equal(checked, 40)
})

test('unsafe reference results we refuse: low-order X25519 keys', () => {
  const zeroKey = new Uint8Array(32)
  // The reference returns an all-zero shared secret, and seals under it.
  assert.equal(Buffer.from(ref.x25519DiffieHellman(new Uint8Array(32).fill(7), zeroKey)).every((b) => b === 0), true)
  assert.throws(() => ours.x25519DiffieHellman(new Uint8Array(32).fill(7), zeroKey), /low-order/)
  const zeroId = `sealer_z${base58.encode(zeroKey)}`
  assert.ok(ref.seal(utf8('m'), sealer, zeroId, utf8('n')).length > 0)
  assert.throws(() => ours.seal(utf8('m'), sealer, zeroId, utf8('n')), /low-order/)
  assert.throws(() => ours.sealForGroup(utf8('m'), zeroId, utf8('n')), /low-order/)
})

test('bounded work: a 200k-character base58 string is rejected before decoding', () => {
  const long = 'signerSecret_z' + '2'.repeat(200_000)
  assert.throws(() => ours.getSignerId(utf8(long)), /at most 44 encode a valid one/)
  assert.throws(() => ours.encrypt(utf8('m'), 'keySecret_z' + '2'.repeat(200_000), utf8('n')), /key secret/)
})
