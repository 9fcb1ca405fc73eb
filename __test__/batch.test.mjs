// verifyBatch and verifyBatchAsync give, item by item, what `verify` of our
// addon and of the reference cojson-core-napi@0.20.19 give, for all-valid
// batches and for batches with invalid items at random places.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base58 } from '@scure/base'
import { ours, ref, utf8, generator } from './helpers/common.mjs'

const g = generator(4_242)
const secrets = Array.from({ length: 9 }, () => utf8(`signerSecret_z${base58.encode(g.bytes(32))}`))
const ids = secrets.map((s) => ref.getSignerId(s))

function batch(n) {
  return Array.from({ length: n }, () => {
    const k = g.int(secrets.length)
    const message = g.bytes(g.int(300))
    return { signature: ref.sign(message, secrets[k]), message, signerId: ids[k] }
  })
}

/** Makes about `rate` of the items invalid in one of three ways. */
function spoil(items, rate) {
  for (const item of items) {
    if (g.next() >= rate) continue
    switch (g.int(3)) {
      case 0:
        item.message = Uint8Array.from([...item.message, 1])
        break
      case 1:
        item.signerId = ids[(ids.indexOf(item.signerId) + 1) % ids.length]
        break
      default: {
        const bytes = base58.decode(item.signature.slice('signature_z'.length))
        bytes[g.int(32)] ^= 1 << g.int(8) // flips a bit of R
        item.signature = `signature_z${base58.encode(bytes)}`
      }
    }
  }
  return items
}

const expected = (items, impl) => items.map((it) => impl.verify(utf8(it.signature), it.message, utf8(it.signerId)))

test('all-valid batches of every size verify', async () => {
  for (const n of [0, 1, 3, 4, 5, 64, 127, 128, 129, 300]) {
    const items = batch(n)
    assert.deepEqual(ours.verifyBatch(items), new Array(n).fill(true))
    assert.deepEqual(await ours.verifyBatchAsync(items), new Array(n).fill(true))
  }
})

test('per-item results equal verify, ours and the reference, with invalid items mixed in', async () => {
  for (const [n, rate] of [[10, 0.3], [200, 0.01], [300, 0.1], [256, 1]]) {
    const items = spoil(batch(n), rate)
    const reference = expected(items, ref)
    assert.deepEqual(expected(items, ours), reference)
    assert.deepEqual(ours.verifyBatch(items), reference)
    assert.deepEqual(await ours.verifyBatchAsync(items), reference)
  }
})

test('a malformed item throws, naming its index; async throws before any work', async () => {
  const items = batch(5)
  items[3] = { ...items[3], signature: 'signature_z0OIl' }
  assert.throws(() => ours.verifyBatch(items), /item 3: Invalid base58 in signature/)
  assert.throws(() => ours.verifyBatchAsync(items), /item 3/)
  const wrongPrefix = batch(2)
  wrongPrefix[1].signerId = 'sealer_z1'
  assert.throws(() => ours.verifyBatch(wrongPrefix), /item 1: Invalid signer ID format/)
})

test('messages are copied for the async variant', async () => {
  const items = batch(40)
  const pending = ours.verifyBatchAsync(items)
  for (const it of items) it.message.fill(7)
  assert.deepEqual(await pending, new Array(40).fill(true))
})

test('items of the wrong shape throw, naming the item and the field', async () => {
  const [item] = batch(1)
  const cases = [
    [[item, null], /^Invalid batch item 1: expected an object/],
    [[item, 'x'], /^Invalid batch item 1: expected an object/],
    [[{ ...item, signature: utf8(item.signature) }], /^Invalid batch item 0: `signature` must be a string$/],
    [[item, { ...item, message: Array.from(item.message) }], /^Invalid batch item 1: `message` must be a Uint8Array$/],
    [[{ ...item, message: new Uint16Array(2) }], /^Invalid batch item 0: `message` must be a Uint8Array$/],
    [[{ ...item, signerId: undefined }], /^Invalid batch item 0: `signerId` must be a string$/],
    ['not an array', /^Invalid batch: items must be an array/],
    [{}, /^Invalid batch: items must be an array/],
  ]
  for (const [items, message] of cases) {
    for (const fn of [ours.verifyBatch, ours.verifyBatchAsync]) {
      assert.throws(() => fn(items), (e) => e.code === 'InvalidArg' && message.test(e.message), String(message))
    }
  }
})

test('Buffers, array-likes and proxies of arrays are read like arrays', async () => {
  const items = spoil(batch(6), 0.5)
  const reference = expected(items, ref)
  const asBuffers = items.map((it) => ({ ...it, message: Buffer.from(it.message) }))
  const arrayLike = { length: items.length, ...items }
  for (const form of [asBuffers, arrayLike, new Proxy(items, {})]) {
    assert.deepEqual(ours.verifyBatch(form), reference)
    assert.deepEqual(await ours.verifyBatchAsync(form), reference)
  }
})

test('messages add up to at most 2^28 bytes per call: a RangeError beyond, checked before copying', async () => {
  const item = batch(1)[0]
  const huge = { ...item, message: new Uint8Array(2 ** 28 + 1) }
  for (const call of [() => ours.verifyBatch([huge]), () => ours.verifyBatchAsync([huge])]) {
    assert.throws(call, (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE' && /at most 268435456 bytes \(item 0/.test(e.message))
  }
  // The sum counts: two halves and one byte more are refused at the second item.
  const half = new Uint8Array(2 ** 27)
  const over = [{ ...item, message: half }, { ...item, message: new Uint8Array(2 ** 27 + 1) }]
  assert.throws(() => ours.verifyBatch(over), (e) => e instanceof RangeError && /\(item 1 goes past it\)/.test(e.message))
  // Exactly the limit is accepted (and verified: a signature over other bytes is false).
  assert.deepEqual(ours.verifyBatch([{ ...item, message: half }, { ...item, message: half }]), [false, false])
})
