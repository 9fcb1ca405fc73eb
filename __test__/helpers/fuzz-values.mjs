// Value generators for the argument fuzzer (fuzz-child.mjs): valid arguments
// for each export, and malformed variants of every kind a network peer or a
// careless caller could produce.
import { base58 } from '@scure/base'
import { utf8 } from './common.mjs'

/** The prefixes of every cojson id and key, to swap one for another. */
export const PREFIXES = [
  'signerSecret_z',
  'signer_z',
  'signature_z',
  'sealerSecret_z',
  'sealer_z',
  'keySecret_z',
  'shortHash_z',
  'co_z',
  'sealed_U',
  'encrypted_U',
]

/** How each known export is called with valid arguments: one kind per argument. */
export const SIGNATURES = {
  encrypt: ['bytes', 'keySecret', 'nonce'],
  decrypt: ['bytes', 'keySecret', 'nonce'],
  encryptXsalsa20: ['key32', 'nonce', 'bytes'],
  decryptXsalsa20: ['key32', 'nonce', 'bytes'],
  shortHash: ['json'],
  generateNonce: ['nonce'],
  blake3HashOnce: ['bytes'],
  blake3HashOnceWithContext: ['bytes', 'bytes'],
  seal: ['bytes', 'sealerSecret', 'sealerId', 'nonce'],
  unseal: ['sealed', 'sealerSecret', 'sealerId', 'nonce'],
  getSealerId: ['sealerSecretUtf8'],
  sealForGroup: ['bytes', 'sealerId', 'nonce'],
  unsealForGroup: ['sealedGroup', 'sealerSecret', 'nonce'],
  x25519PublicKey: ['key32'],
  x25519DiffieHellman: ['key32', 'x25519Pub'],
  newX25519PrivateKey: [],
  sign: ['bytes', 'signerSecretUtf8'],
  verify: ['signatureUtf8', 'bytes', 'signerIdUtf8'],
  ed25519Sign: ['key32', 'bytes'],
  ed25519SigningKeySign: ['key32', 'bytes'],
  getSignerId: ['signerSecretUtf8'],
  ed25519Verify: ['edPub', 'bytes', 'sig64'],
  ed25519VerifyingKey: ['key32'],
  ed25519SigningKeyToPublic: ['key32'],
  ed25519SigningKeyFromBytes: ['key32'],
  ed25519VerifyingKeyFromBytes: ['edPub'],
  ed25519SignatureFromBytes: ['sig64'],
  newEd25519SigningKey: [],
  signAsync: ['bytes', 'signerSecretUtf8'],
  verifyAsync: ['signatureUtf8', 'bytes', 'signerIdUtf8'],
  sealAsync: ['bytes', 'sealerSecret', 'sealerId', 'nonce'],
  unsealAsync: ['sealed', 'sealerSecret', 'sealerId', 'nonce'],
  verifyBatch: ['batch'],
  verifyBatchAsync: ['batch'],
}

/** Characters that are not base58, or not ASCII, or not even valid UTF-16. */
const BAD_CHARS = ['0', 'O', 'I', 'l', '+', '/', '=', ' ', '\n', '\u0000', 'é', '€', '😀', '\ud800', '\udfff', '_', 'z']

/** Numbers that are not lengths or indices. */
export const BAD_NUMBERS = [
  NaN, -0, -1, 0.5, 1.5, -1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2,
  Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, 1e308, -1e308,
]

/** A generator of valid and hostile values, driven by a seeded `g` from common.mjs. */
export function values(g, ours) {
  const b58 = (n) => base58.encode(g.bytes(n))
  const signerSecret = `signerSecret_z${b58(32)}`
  const sealerSecret = `sealerSecret_z${b58(32)}`
  const otherSealerSecret = `sealerSecret_z${b58(32)}`
  const keySecret = `keySecret_z${b58(32)}`
  const signerId = ours.getSignerId(utf8(signerSecret))
  const sealerId = ours.getSealerId(utf8(sealerSecret))
  const otherSealerId = ours.getSealerId(utf8(otherSealerSecret))
  const signature = ours.sign(utf8('m'), utf8(signerSecret))
  const nonce = utf8('{"in":"co_zX","tx":{"sessionID":"s","txIndex":0}}')
  const sealed = ours.seal(utf8('"v"'), otherSealerSecret, sealerId, nonce)
  const sealedGroup = ours.sealForGroup(utf8('"v"'), sealerId, nonce)
  const key32 = g.bytes(32)
  const edPub = ours.ed25519SigningKeyToPublic(key32)
  const x25519Pub = ours.x25519PublicKey(g.bytes(32))

  /** Malformed forms of a prefixed text value. */
  function badText(text) {
    const cut = text.indexOf('_z') + 2
    const prefix = text.slice(0, cut)
    const body = text.slice(cut)
    const pos = g.int(body.length + 1)
    const variants = [
      () => '',
      () => prefix,
      () => prefix.slice(0, -1),
      () => ` ${text}`,
      () => `${text} `,
      () => `x${text}`,
      () => `${g.pick(PREFIXES)}${body}`,
      () => text.toUpperCase(),
      () => text.toLowerCase(),
      () => prefix.toUpperCase() + body,
      () => prefix + body.slice(0, pos),
      () => prefix + body + body.slice(0, 1 + g.int(8)),
      () => prefix + body.slice(0, pos) + g.pick(BAD_CHARS) + body.slice(pos + 1),
      () => prefix + body.slice(0, pos) + g.pick(BAD_CHARS) + body.slice(pos),
      () => prefix + '1'.repeat(body.length),
      () => prefix + 'z'.repeat(body.length + g.int(4)),
      () => prefix + '2'.repeat(g.pick([45, 89, 1000, 200_000])),
      () => prefix + '\ud800'.repeat(1 + g.int(50)),
      () => `${prefix}${prefix}${body}`,
      () => text.replace('_z', '_Z'),
      () => text.replace('_z', '_'),
      () => text.replace('_z', 'z'),
    ]
    return g.pick(variants)()
  }

  /** Malformed forms of a raw byte buffer of length `n`. */
  function badBytes(bytes) {
    const n = bytes.length
    const variants = [
      () => new Uint8Array(0),
      () => bytes.subarray(0, Math.max(0, n - 1)),
      () => Uint8Array.from([...bytes, 0]),
      () => g.bytes(g.int(2 * n + 2)),
      () => new Uint8Array(n).fill(0xff),
      () => new Uint8Array(n),
      () => {
        const copy = Uint8Array.from(bytes)
        if (n > 0) copy[g.int(n)] ^= 1 << g.int(8)
        return copy
      },
      () => g.bytes(1 << (10 + g.int(11))),
    ]
    return g.pick(variants)()
  }

  /** Anything at all, including things napi cannot convert. */
  function wild() {
    const variants = [
      () => undefined,
      () => null,
      () => true,
      () => false,
      () => g.pick(BAD_NUMBERS),
      () => g.int(1000),
      () => 1n,
      () => 2n ** 64n + 1n,
      () => -1n,
      () => '',
      () => g.text(g.int(40)),
      () => '\ud800',
      () => 'a\udc00b',
      () => Symbol('s'),
      () => () => 1,
      () => ({}),
      () => ({ length: 32, 0: 1 }),
      () => [],
      () => Array.from({ length: 32 }, () => g.int(256)),
      () => new Date(0),
      () => /x/,
      () => new Map(),
      () => Promise.resolve(1),
      () => new ArrayBuffer(32),
      () => new SharedArrayBuffer(32),
      () => new Uint8Array(new SharedArrayBuffer(32)),
      () => new DataView(new ArrayBuffer(32)),
      () => new Int8Array(32),
      () => new Uint16Array(16),
      () => new Int32Array(8),
      () => new Float64Array(4),
      () => new BigInt64Array(4),
      () => new Uint8ClampedArray(32),
      () => Buffer.alloc(32, 1),
      () => Buffer.from('signer_z1'),
      () => g.bytes(64).subarray(3, 35),
      () => detached(),
      () => resizable(),
      () => hostileProxy(),
      () => hostileGetter(),
      () => Object.create(Uint8Array.prototype),
      () => new Proxy(new Uint8Array(32), {}),
      () => new String('keySecret_z1'),
      () => json(),
      () => deepJson(g.pick([10, 1000, 100_000])),
    ]
    return g.pick(variants)()
  }

  /** Malformed, oddly shaped or huge JSON text. */
  function json() {
    const variants = [
      '{',
      '}',
      '{"a":',
      '[1,2',
      '{"a":1,"a":2}',
      '"\\ud800"',
      '1e999999',
      '-0',
      '{"__proto__":{"x":1}}',
      'null',
      '\u0000',
      '"' + 'x'.repeat(100_000) + '"',
      JSON.stringify({ k: g.text(200) }),
    ]
    return g.pick(variants)
  }

  return {
    signerSecret,
    sealerSecret,
    keySecret,
    signerId,
    sealerId,
    signature,
    nonce,
    sealed,
    sealedGroup,
    key32,
    edPub,
    x25519Pub,
    badText,
    badBytes,
    wild,
    json,
    deepJson,
  }
}

/** `depth` nested arrays, optionally unterminated. */
export function deepJson(depth, closed = true) {
  return '['.repeat(depth) + (closed ? ']'.repeat(depth) : '')
}

/** A Uint8Array whose buffer has been transferred away (length 0, detached). */
export function detached() {
  const bytes = new Uint8Array(32)
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] })
  return bytes
}

/** A length-tracking view on a resizable buffer. */
export function resizable() {
  const buffer = new ArrayBuffer(16, { maxByteLength: 64 })
  const view = new Uint8Array(buffer)
  buffer.resize(48)
  return view
}

/** A proxy whose every trap throws. */
export function hostileProxy() {
  const trap = () => {
    throw new Error('trap')
  }
  return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap })
}

/** An object whose getters and conversions throw. */
export function hostileGetter() {
  return {
    get length() {
      throw new Error('getter')
    },
    [Symbol.toPrimitive]() {
      throw new Error('toPrimitive')
    },
    toString() {
      throw new Error('toString')
    },
  }
}

/** Keys sorted at every level, as cojson's stableStringify writes them. */
export function stableJson(value) {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * A valid SessionMap setting: header, CoValue id, a session with a signer and
 * a batch of transactions signed for it (made by `lib`'s own SessionMap), and
 * the key that encrypts its private transaction.
 */
export function sessionFixture(lib, g) {
  const b58 = (n) => base58.encode(g.bytes(n))
  const header = { type: 'comap', ruleset: { type: 'unsafeAllowAll' }, meta: null, uniqueness: b58(8) }
  const headerJson = JSON.stringify(header)
  const coId = `co_z${lib.shortHash(stableJson(header)).slice('shortHash_z'.length)}`
  const signerSecret = `signerSecret_z${b58(32)}`
  const signerId = lib.getSignerId(utf8(signerSecret))
  const keySecret = `keySecret_z${b58(32)}`
  const keyId = `key_z${b58(8)}`
  const sessionId = `co_z${b58(12)}_session_z${b58(8)}`
  const author = new lib.SessionMap(coId, headerJson)
  const first = JSON.parse(author.makeNewTrustingTransaction(sessionId, signerSecret, '[{"op":"set","key":"a","value":1}]', null, 1700000000000))
  const second = JSON.parse(
    author.makeNewPrivateTransaction(sessionId, signerSecret, '[{"op":"set","key":"b","value":"secret"}]', keyId, keySecret, '{"m":1}', 1700000000001),
  )
  return {
    header,
    headerJson,
    coId,
    signerSecret,
    signerId,
    keySecret,
    keyId,
    sessionId,
    transactionsJson: JSON.stringify([first.transaction, second.transaction]),
    transactions: [JSON.stringify(first.transaction), JSON.stringify(second.transaction)],
    signature: second.signature,
  }
}
