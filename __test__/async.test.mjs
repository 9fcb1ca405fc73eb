// The promise-returning variants resolve to what the synchronous functions
// return and what the reference cojson-core-napi@0.20.19 returns, reject with
// the same errors, and really run concurrently.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base58 } from '@scure/base'
import { ours, ref, utf8, hex, generator } from './helpers/common.mjs'

const g = generator(7_301)
const signerSecret = () => `signerSecret_z${base58.encode(g.bytes(32))}`
const sealerSecret = () => `sealerSecret_z${base58.encode(g.bytes(32))}`

test('signAsync and verifyAsync agree with sign, verify and the reference', async () => {
  for (let i = 0; i < 200; i++) {
    const secret = utf8(signerSecret())
    const message = g.bytes(g.int(600))
    const expected = ref.sign(message, secret)
    assert.equal(await ours.signAsync(message, secret), expected)
    assert.equal(ours.sign(message, secret), expected)
    const id = utf8(ref.getSignerId(secret))
    assert.equal(await ours.verifyAsync(utf8(expected), message, id), true)
    const tampered = Uint8Array.from(message)
    if (tampered.length > 0) {
      tampered[g.int(tampered.length)] ^= 1
      assert.equal(await ours.verifyAsync(utf8(expected), tampered, id), ref.verify(utf8(expected), tampered, id))
    }
  }
})

test('sealAsync and unsealAsync agree with seal, unseal and the reference', async () => {
  for (let i = 0; i < 100; i++) {
    const from = sealerSecret()
    const to = sealerSecret()
    const toId = ref.getSealerId(utf8(to))
    const fromId = ref.getSealerId(utf8(from))
    const message = g.bytes(g.int(500))
    const nonce = g.bytes(g.int(80))
    const expected = ref.seal(message, from, toId, nonce)
    assert.equal(hex(await ours.sealAsync(message, from, toId, nonce)), hex(expected))
    assert.equal(hex(await ours.unsealAsync(expected, to, fromId, nonce)), hex(message))
    assert.equal(hex(await ours.unsealAsync(expected, to, fromId, nonce)), hex(ours.unseal(expected, to, fromId, nonce)))
  }
})

test('malformed input and failed opening reject with the synchronous error', async () => {
  const message = utf8('hello')
  const syncError = (fn) => {
    try {
      fn()
    } catch (error) {
      return error.message
    }
    assert.fail('expected a throw')
  }
  const badSecret = utf8('signerSecret_zO0O0')
  await assert.rejects(ours.signAsync(message, badSecret), { message: syncError(() => ours.sign(message, badSecret)) })
  await assert.rejects(ours.verifyAsync(utf8('signature_z1'), message, utf8('signer_z1')), {
    message: syncError(() => ours.verify(utf8('signature_z1'), message, utf8('signer_z1'))),
  })
  await assert.rejects(ours.sealAsync(message, 'sealer_zabc', 'sealer_zabc', message), /sealer secret/)
  const from = sealerSecret()
  const to = sealerSecret()
  const sealed = ref.seal(message, from, ref.getSealerId(utf8(to)), message)
  await assert.rejects(ours.unsealAsync(sealed, from, ref.getSealerId(utf8(from)), message), /Wrong tag/)
})

test('arguments are copied: changing them after the call does not change the result', async () => {
  const secret = utf8(signerSecret())
  const message = g.bytes(100)
  const expected = ref.sign(message, secret)
  const pending = ours.signAsync(message, secret)
  message.fill(0)
  assert.equal(await pending, expected)
})

test('many calls in flight resolve to the right results', async () => {
  const secret = utf8(signerSecret())
  const messages = Array.from({ length: 64 }, (_, i) => utf8(`message ${i}`))
  const results = await Promise.all(messages.map((m) => ours.signAsync(m, secret)))
  assert.deepEqual(results, messages.map((m) => ref.sign(m, secret)))
})
