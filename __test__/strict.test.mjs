// Strict parsing of ids, keys and signatures: exact prefixes, a public id never
// where a secret is expected (nor the reverse), a length cap checked before any
// base58 decoding, lone surrogates, and the strict-crypto choices (small-order
// Ed25519 keys never verify, low-order X25519 points are refused).
import { test } from 'node:test'
import { spawnSync } from 'node:child_process'
import assert from 'node:assert/strict'
import { base58 } from '@scure/base'
import { ours, ref, utf8, fromHex, generator, attempt } from './helpers/common.mjs'

const g = generator(4242)
const b58 = (n) => base58.encode(g.bytes(n))
const signerSecret = `signerSecret_z${b58(32)}`
const sealerSecret = `sealerSecret_z${b58(32)}`
const keySecret = `keySecret_z${b58(32)}`
const signerId = ref.getSignerId(utf8(signerSecret))
const sealerId = ref.getSealerId(utf8(sealerSecret))
const signature = ref.sign(utf8('m'), utf8(signerSecret))
const nonce = utf8('n')

/** One way into the addon for each kind of prefixed text. */
const KINDS = {
  'signer secret': { text: signerSecret, call: (t) => ours.getSignerId(utf8(t)) },
  'sealer secret': { text: sealerSecret, call: (t) => ours.seal(utf8('m'), t, sealerId, nonce) },
  'key secret': { text: keySecret, call: (t) => ours.encrypt(utf8('m'), t, nonce) },
  'signer ID': { text: signerId, call: (t) => ours.verify(utf8(signature), utf8('m'), utf8(t)) },
  'sealer ID': { text: sealerId, call: (t) => ours.sealForGroup(utf8('m'), t, nonce) },
  signature: { text: signature, call: (t) => ours.verify(utf8(t), utf8('m'), utf8(signerId)) },
}

function variantsOf(text) {
  const cut = text.indexOf('_z') + 2
  const prefix = text.slice(0, cut)
  const body = text.slice(cut)
  return {
    'leading space': ` ${text}`,
    'leading tab': `\t${text}`,
    'leading NUL': `\u0000${text}`,
    'leading BOM': `\ufeff${text}`,
    'leading letter': `x${text}`,
    'uppercase prefix': prefix.toUpperCase() + body,
    'lowercase prefix': prefix.toLowerCase() + body,
    'capital Z': text.replace('_z', '_Z'),
    'no z': text.replace('_z', '_'),
    'no underscore': text.replace('_z', 'z'),
    'prefix only up to _': prefix.slice(0, -1),
    'other prefix': (prefix === 'signer_z' ? 'sealer_z' : 'signer_z') + body,
  }
}

for (const [what, { text, call }] of Object.entries(KINDS)) {
  test(`${what}: the exact prefix is required, nothing before it is skipped`, () => {
    assert.equal(attempt(() => call(text)).error, undefined, 'the valid form is accepted')
    for (const [how, variant] of Object.entries(variantsOf(text))) {
      // A lowercase prefix equal to the real one (e.g. signer_z) is the valid form.
      if (variant === text) continue
      assert.throws(() => call(variant), new RegExp(`Invalid ${what} format: must start with`), how)
    }
  })

  test(`${what}: a doubled prefix, trailing text and bad characters are rejected`, () => {
    const cut = text.indexOf('_z') + 2
    const prefix = text.slice(0, cut)
    const body = text.slice(cut)
    assert.throws(() => call(prefix + text), new RegExp(`${what}`))
    assert.throws(() => call(`${text}\n`), new RegExp(`${what}`))
    for (const bad of ['0', 'O', 'I', 'l', ' ', '+', '\u0000']) {
      for (const pos of [0, 1, Math.floor(body.length / 2), body.length - 1]) {
        const broken = prefix + body.slice(0, pos) + bad + body.slice(pos + 1)
        assert.throws(() => call(broken), new RegExp(`Invalid base58 in ${what}: invalid character at position ${pos}`))
      }
    }
    // A non-ASCII character: a base58 error, or too long when it makes the text
    // longer than the cap in bytes.
    assert.throws(() => call(`${prefix}é${body.slice(2)}`), new RegExp(`Invalid base58 in ${what}: invalid character at position 0`))
    assert.throws(() => call(`${prefix}${body}é`), new RegExp(`Invalid ${what}`))
  })

  test(`${what}: the length cap is checked before decoding (200k characters rejected as too long)`, () => {
    const prefix = text.slice(0, text.indexOf('_z') + 2)
    const max = what === 'signature' ? 88 : 44
    for (const n of [max + 1, 1000, 200_000]) {
      for (const ch of ['2', 'z', '1', '0']) {
        assert.throws(
          () => call(prefix + ch.repeat(n)),
          new RegExp(`Invalid ${what}: ${n} base58 characters, at most ${max} encode a valid one`),
        )
      }
    }
    // Within the cap but decoding to the wrong size: a length error.
    assert.throws(() => call(prefix + 'z'.repeat(max)), new RegExp(`Invalid ${what} length`))
    const bytes = max === 88 ? 64 : 32
    assert.throws(() => call(prefix + '1'.repeat(bytes + 1)), new RegExp(`Invalid ${what} length \\(expected ${bytes}, got ${bytes + 1}\\)`))
    assert.throws(() => call(prefix + '1'.repeat(bytes - 1)), new RegExp(`Invalid ${what} length \\(expected ${bytes}, got ${bytes - 1}\\)`))
    assert.throws(() => call(prefix), new RegExp(`Invalid ${what} length \\(expected \\d+, got 0\\)`))
  })
}

test('a public id is never accepted where a secret is expected, nor a secret where an id is', () => {
  const signerAsSecret = `signerSecret_z${signerId.slice('signer_z'.length)}`
  const cases = [
    [() => ours.getSignerId(utf8(signerId)), /signer secret format/],
    [() => ours.sign(utf8('m'), utf8(signerId)), /signer secret format/],
    [() => ours.getSealerId(utf8(sealerId)), /sealer secret format/],
    [() => ours.seal(utf8('m'), sealerId, sealerId, nonce), /sealer secret format/],
    [() => ours.unseal(utf8('m'), sealerId, sealerId, nonce), /sealer secret format/],
    [() => ours.unsealForGroup(new Uint8Array(64), sealerId, nonce), /sealer secret format/],
    [() => ours.encrypt(utf8('m'), sealerId, nonce), /key secret format/],
    [() => ours.decrypt(utf8('m'), signerId, nonce), /key secret format/],
    [() => ours.encrypt(utf8('m'), sealerSecret, nonce), /key secret format/],
    [() => ours.seal(utf8('m'), sealerSecret, sealerSecret, nonce), /sealer ID format/],
    [() => ours.sealForGroup(utf8('m'), sealerSecret, nonce), /sealer ID format/],
    [() => ours.verify(utf8(signature), utf8('m'), utf8(signerSecret)), /signer ID format/],
    [() => ours.verify(utf8(signerAsSecret), utf8('m'), utf8(signerId)), /signature format/],
  ]
  for (const [call, message] of cases) assert.throws(call, message)
})

test('lone surrogates in string arguments: rejected in ids and keys, and in text to hash (the reference hashes U+FFFD)', () => {
  for (const text of [`keySecret_z\ud800${keySecret.slice(14)}`, `${keySecret.slice(0, 20)}\udfff`]) {
    assert.throws(() => ours.encrypt(utf8('m'), text, nonce), /Invalid base58 in key secret/)
  }
  assert.throws(() => ours.sealForGroup(utf8('m'), `sealer_z\ud83d`, nonce), /Invalid base58 in sealer ID/)
  assert.throws(() => ours.seal(utf8('m'), `sealerSecret\ud800_z`, sealerId, nonce), /sealer secret format/)
  // More cases, ids included, in boundaries.test.mjs.
  for (const text of ['\ud800', 'a\udc00b', '\udfff\ud800', '{"k":"\ud83d"}', '😀\ud83d']) {
    assert.throws(() => ours.shortHash(text), {
      code: 'InvalidArg',
      message: 'Invalid text to hash: contains a lone surrogate (not well-formed UTF-16)',
    })
    assert.equal(ref.shortHash(text), ref.shortHash(text.replace(/[\ud800-\udfff]/gu, '\ufffd')), JSON.stringify(text))
  }
})

test('bytes arguments that are not UTF-8 are rejected as such', () => {
  const bad = Uint8Array.of(...utf8('signerSecret_z'), 0xed, 0xa0, 0x80)
  assert.throws(() => ours.getSignerId(bad), /Invalid UTF-8 in signer secret/)
  assert.throws(() => ours.verify(utf8(signature), utf8('m'), Uint8Array.of(0xff)), /Invalid UTF-8 in signer ID/)
})

// Published torsion points of edwards25519 (the eight points of order 1, 2, 4
// and 8), plus non-canonical encodings of the identity and of the order-2 point.
const SMALL_ORDER_ED25519 = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]

test('small-order Ed25519 keys never verify (the reference accepts forged signatures by them)', () => {
  // R = identity, s = 0: valid under plain verification whenever [k]A is the
  // identity, i.e. for 1 in ord(A) messages, without knowing any secret.
  const forged = new Uint8Array(64)
  forged[0] = 1
  let referenceAccepted = 0
  for (const hex of SMALL_ORDER_ED25519) {
    const key = fromHex(hex)
    let acceptedForThisKey = 0
    for (let i = 0; i < 64; i++) {
      const message = utf8(`message ${i}`)
      if (attempt(() => ref.ed25519Verify(key, message, forged)).value === true) acceptedForThisKey++
      assert.notEqual(attempt(() => ours.ed25519Verify(key, message, forged)).value, true, `${hex} / ${i}`)
      const id = `signer_z${base58.encode(key)}`
      const sig = `signature_z${base58.encode(forged)}`
      assert.notEqual(attempt(() => ours.verify(utf8(sig), message, utf8(id))).value, true, `${hex} / ${i}`)
    }
    if (acceptedForThisKey > 0) referenceAccepted++
  }
  // The reference accepts forgeries for the canonical torsion points: this
  // shows the list really is small-order (independently of our code).
  assert.ok(referenceAccepted >= 8, `reference accepted forgeries for ${referenceAccepted} keys`)
})

test('non-canonical signatures (s >= L) never verify', () => {
  const seed = g.bytes(32)
  const message = utf8('canonical')
  const sig = ref.ed25519Sign(seed, message)
  const pub = ref.ed25519SigningKeyToPublic(seed)
  assert.equal(ours.ed25519Verify(pub, message, sig), true)
  // s + L, little-endian, keeps the same value mod L.
  const L = (1n << 252n) + 27742317777372353535851937790883648493n
  let s = 0n
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i])
  const sPlusL = s + L
  const malleated = Uint8Array.from(sig)
  let rest = sPlusL
  for (let i = 32; i < 64; i++) {
    malleated[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  assert.equal(rest, 0n, 's + L fits in 32 bytes')
  assert.notEqual(attempt(() => ours.ed25519Verify(pub, message, malleated)).value, true)
})

test('low-order X25519 points are refused everywhere (the reference derives an all-zero key)', () => {
  const p = (1n << 255n) - 19n
  const le = (n) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn))
  // u = 0, 1, p - 1 (order 1, 4 and 2), their non-canonical forms u + p, and
  // the two published points of order 8.
  const points = [0n, 1n, p - 1n, p, p + 1n].map(le)
  points.push(fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'))
  points.push(fromHex('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157'))
  const secret = g.bytes(32)
  for (const [i, point] of points.entries()) {
    // u + p is refused for its encoding before its order is looked at.
    const why = i === 3 || i === 4 ? /non-canonical/ : /low-order/
    // Independent check that the point is low-order: the reference's shared secret is all zeros.
    assert.ok(ref.x25519DiffieHellman(secret, point).every((b) => b === 0))
    assert.throws(() => ours.x25519DiffieHellman(secret, point), why)
    const id = `sealer_z${base58.encode(point)}`
    assert.throws(() => ours.seal(utf8('m'), sealerSecret, id, nonce), why)
    assert.throws(() => ours.sealForGroup(utf8('m'), id, nonce), why)
    assert.throws(() => ours.unseal(new Uint8Array(40), sealerSecret, id, nonce), why)
    const blob = Uint8Array.from([...point, ...new Uint8Array(40)])
    assert.throws(() => ours.unsealForGroup(blob, sealerSecret, nonce), why)
  }
})

test('non-canonical X25519 public keys are refused (the reference opens a blob whose ephemeral key was changed)', () => {
  const group = `sealerSecret_z${b58(32)}`
  const groupId = ref.getSealerId(utf8(group))
  const sealed = Uint8Array.from(ref.sealForGroup(utf8('hi'), groupId, nonce))
  // X25519 ignores the top bit of a public key: flipping it in the blob's
  // ephemeral key changes the bytes but not the key.
  sealed[31] ^= 0x80
  assert.equal(Buffer.from(ref.unsealForGroup(sealed, group, nonce)).toString(), 'hi')
  assert.throws(() => ours.unsealForGroup(sealed, group, nonce), /non-canonical X25519 encoding/)
  // The same for ids and raw keys: a second spelling of a real sealer id.
  const alias = base58.decode(groupId.slice('sealer_z'.length))
  alias[31] ^= 0x80
  assert.throws(() => ours.seal(utf8('m'), sealerSecret, `sealer_z${base58.encode(alias)}`, nonce), /non-canonical/)
  assert.throws(() => ours.x25519DiffieHellman(g.bytes(32), alias), /non-canonical/)
  // u = 2^255 - 19 + 9 is the base point's u written non-canonically.
  const pPlus9 = fromHex('f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
  assert.throws(() => ours.x25519DiffieHellman(g.bytes(32), pPlus9), /non-canonical/)
})

// SessionMap: the CoValue transaction log takes ids, keys, numbers and JSON
// straight from sync messages.
const { sessionFixture } = await import('./helpers/fuzz-values.mjs')
const fx = sessionFixture(ref, generator(5150))
const freshMap = (lib = ours) => new lib.SessionMap(fx.coId, fx.headerJson)
const filledMap = (lib = ours) => {
  const map = freshMap(lib)
  map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, fx.signature, false)
  return map
}

test('SessionMap: numbers are exact integers in range, never wrapped (the reference reads 2^32 as index 0)', () => {
  const map = filledMap()
  const reference = filledMap(ref)
  assert.equal(reference.getTransaction(fx.sessionId, 2 ** 32), reference.getTransaction(fx.sessionId, 0))
  assert.equal(reference.getTransaction(fx.sessionId, NaN), reference.getTransaction(fx.sessionId, 0))
  const bad = [NaN, -1, -0.5, 0.5, 1.5, 2 ** 32, 2 ** 53, Infinity, -Infinity]
  for (const n of bad) {
    const calls = [
      () => map.getTransaction(fx.sessionId, n),
      () => map.getSessionTransactions(fx.sessionId, n),
      () => map.getSignatureAfter(fx.sessionId, n),
      () => map.decryptTransaction(fx.sessionId, n, fx.keySecret),
      () => map.decryptTransactionMeta(fx.sessionId, n, fx.keySecret),
      () => new ours.SessionMap(fx.coId, fx.headerJson, n),
    ]
    for (const call of calls) {
      assert.throws(call, (e) => e instanceof RangeError && /must be an integer from 0 to/.test(e.message), String(n))
    }
  }
  for (const n of [NaN, -1, 1.5, 2 ** 53, Infinity]) {
    assert.throws(() => map.makeNewTrustingTransaction(fx.sessionId, fx.signerSecret, '[]', null, n), RangeError, String(n))
  }
  // Valid integers still work: -0 is 0, and the largest index is accepted.
  assert.equal(map.getTransaction(fx.sessionId, -0), reference.getTransaction(fx.sessionId, 0))
  assert.equal(map.getTransaction(fx.sessionId, 2 ** 32 - 1), null)
})

test('SessionMap: a malformed signer id throws (the reference aborts the whole process)', () => {
  const script = `
    const ref = require('cojson-core-napi')
    const map = new ref.SessionMap(${JSON.stringify(fx.coId)}, ${JSON.stringify(fx.headerJson)})
    map.addTransactions(${JSON.stringify(fx.sessionId)}, 'signer_z1', ${JSON.stringify(fx.transactionsJson)}, ${JSON.stringify(fx.signature)}, false)
  `
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 })
  assert.ok(child.signal === 'SIGABRT' || child.status !== 0, 'the reference does not survive')
  const ids = ['signer_z1', 'signer_z', 'signer_zz', `signer_z${'2'.repeat(200_000)}`, ` ${fx.signerId}`, fx.signerId.replace('signer_z', 'signer_Z')]
  // A 32-byte value that is not a curve point (y = 2 has no x on edwards25519).
  ids.push(`signer_z${base58.encode(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 2 : 0)))}`)
  for (const id of ids) {
    const map = freshMap()
    assert.throws(() => map.addTransactions(fx.sessionId, id, fx.transactionsJson, fx.signature, false), /Invalid|signer/)
    assert.deepEqual(map.getSessionIds(), [])
  }
})

test('SessionMap: a rejected batch leaves nothing pending; the correct batch then goes in', () => {
  const [first] = fx.transactions
  const otherSignature = ref.sign(utf8('x'), utf8(fx.signerSecret))
  const rejected = [
    [fx.sessionId, fx.signerId, fx.transactionsJson, otherSignature, false],
    [fx.sessionId, fx.signerId, `[${first}]`, fx.signature, false],
    [fx.sessionId, fx.signerId, fx.transactionsJson.replace('"value\\":1', '"value\\":2'), fx.signature, false],
    [fx.sessionId, 'signer_z1', fx.transactionsJson, fx.signature, false],
    [fx.sessionId, fx.signerId, '[', fx.signature, false],
  ]
  for (const args of rejected) {
    const map = freshMap()
    assert.throws(() => map.addTransactions(...args))
    assert.deepEqual(map.getSessionIds(), [])
    assert.equal(map.getTransactionCount(fx.sessionId), -1)
    map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, fx.signature, false)
    assert.equal(map.getTransactionCount(fx.sessionId), 2)
  }
  // On an existing session too: a failed batch changes nothing.
  const map = filledMap()
  const before = [map.getTransactionCount(fx.sessionId), map.getLastSignature(fx.sessionId)]
  assert.throws(() => map.addTransactions(fx.sessionId, fx.signerId, `[${first}]`, otherSignature, false))
  assert.deepEqual([map.getTransactionCount(fx.sessionId), map.getLastSignature(fx.sessionId)], before)
})

test('SessionMap: ids, keys and signatures are parsed with exact prefixes and the length cap', () => {
  const map = filledMap()
  const sig = fx.signature
  const cases = [
    [() => map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, ` ${sig}`, true), /signature format/],
    [() => map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, `x${sig}`, true), /signature format/],
    [() => map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, `signature_z${'2'.repeat(200_000)}`, true), /at most 88 encode a valid one/],
    [() => map.makeNewTrustingTransaction(fx.sessionId, fx.signerId, '[]', null, 1), /signer secret format/],
    [() => map.makeNewTrustingTransaction(fx.sessionId, ` ${fx.signerSecret}`, '[]', null, 1), /signer secret format/],
    [() => map.makeNewTrustingTransaction(fx.sessionId, `signerSecret_z${'2'.repeat(200_000)}`, '[]', null, 1), /at most 44/],
    [() => map.makeNewPrivateTransaction(fx.sessionId, fx.signerSecret, '[]', fx.keyId, fx.signerSecret, null, 1), /key secret format/],
    [() => map.decryptTransaction(fx.sessionId, 1, `sealerSecret_z${fx.keySecret.slice(11)}`), /key secret format/],
    [() => map.decryptTransaction(fx.sessionId, 1, fx.keySecret.toUpperCase()), /key secret format/],
    [() => map.decryptTransactionMeta(fx.sessionId, 1, `keySecret_z${'z'.repeat(200_000)}`), /at most 44/],
  ]
  for (const [call, message] of cases) assert.throws(call, message)
  // Nothing was added by the failed calls.
  assert.equal(map.getTransactionCount(fx.sessionId), 2)
})

test('SessionMap: deeply nested and malformed JSON is rejected, not a crash', () => {
  const deep = (n) => '['.repeat(n) + ']'.repeat(n)
  const map = freshMap()
  for (const json of [deep(200), deep(100_000), '[' + '{"a":'.repeat(50_000), '\u0000', '[1e999999]']) {
    assert.throws(() => map.addTransactions(fx.sessionId, fx.signerId, json, fx.signature, true), /Serialization error|Invalid/)
    assert.throws(() => new ours.SessionMap(fx.coId, json), /Invalid header JSON|mismatch/)
    assert.throws(() => map.setStreamingKnownState(json), /Serialization error/)
  }
  assert.throws(() => map.makeNewTrustingTransaction(fx.sessionId, fx.signerSecret, 'x'.repeat(1024 * 1024 + 1), null, 1), /Transaction too large/)
  assert.deepEqual(map.getSessionIds(), [])
})
