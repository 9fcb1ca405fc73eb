// Secret material never leaks into errors: every secret, malformed in every
// way we can think of (wrong prefix, bad character at several positions, too
// long, too short, wrapped, as bytes where a string is expected and the
// reverse), passed in every argument position of every export. No 4-character
// run of the secret's base58 part, nor of its bytes written as decimal codes or
// hex, may appear in the error message or in `util.inspect` of the error.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { base58 } from '@scure/base'
import { ours, utf8, hex, generator } from './helpers/common.mjs'
import { SIGNATURES, PREFIXES, sessionFixture } from './helpers/fuzz-values.mjs'

const g = generator(31337)
const b58 = (n) => base58.encode(g.bytes(n))
const signerSecret = `signerSecret_z${b58(32)}`
const sealerSecret = `sealerSecret_z${b58(32)}`
const keySecret = `keySecret_z${b58(32)}`
const rawSecret = g.bytes(32)

const VALID = {
  bytes: utf8('message'),
  nonce: utf8('nonce material'),
  json: '{"a":1}',
  keySecret: `keySecret_z${b58(32)}`,
  sealerSecret: `sealerSecret_z${b58(32)}`,
  sealerId: ours.getSealerId(utf8(`sealerSecret_z${b58(32)}`)),
  sealerSecretUtf8: utf8(`sealerSecret_z${b58(32)}`),
  signerSecretUtf8: utf8(`signerSecret_z${b58(32)}`),
  signatureUtf8: utf8(ours.sign(utf8('m'), utf8(`signerSecret_z${b58(32)}`))),
  signerIdUtf8: utf8(ours.getSignerId(utf8(`signerSecret_z${b58(32)}`))),
  key32: g.bytes(32),
  x25519Pub: ours.x25519PublicKey(g.bytes(32)),
  edPub: ours.ed25519SigningKeyToPublic(g.bytes(32)),
  sig64: ours.ed25519Sign(g.bytes(32), utf8('m')),
  sealed: new Uint8Array(64),
  sealedGroup: new Uint8Array(80),
  batch: [{ signature: ours.sign(utf8('m'), utf8(`signerSecret_z${b58(32)}`)), message: utf8('m'), signerId: ours.getSignerId(utf8(`signerSecret_z${b58(32)}`)) }],
}

const fx = sessionFixture(ours, generator(99))
const sealerIdText = VALID.sealerId
const engineSealed = new Uint8Array(80)

/** Class methods that take secrets or private data, with valid arguments. */
const CLASS_CASES = [
  {
    name: 'SessionMap',
    make: () => {
      const map = new ours.SessionMap(fx.coId, fx.headerJson)
      map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, fx.signature, false)
      return map
    },
    methods: {
      makeNewPrivateTransaction: [fx.sessionId, fx.signerSecret, '[1]', fx.keyId, fx.keySecret, '{"m":1}', 1],
      makeNewTrustingTransaction: [fx.sessionId, fx.signerSecret, '[1]', null, 1],
      decryptTransaction: [fx.sessionId, 1, fx.keySecret],
      decryptTransactionMeta: [fx.sessionId, 1, fx.keySecret],
      addTransactions: [fx.sessionId, fx.signerId, fx.transactionsJson, fx.signature, false],
    },
  },
  {
    name: 'NativeCryptoEngine',
    make: () => new ours.NativeCryptoEngine(),
    methods: {
      signerId: [fx.signerSecret],
      sealerId: [VALID.sealerSecret],
      agentId: [`${VALID.sealerSecret}/${fx.signerSecret}`],
      sign: [fx.signerSecret, 'm'],
      encrypt: ['p', fx.keySecret, 'n'],
      decrypt: [new Uint8Array(4), fx.keySecret, 'n'],
      seal: ['m', VALID.sealerSecret, sealerIdText, 'n'],
      unseal: [engineSealed, VALID.sealerSecret, sealerIdText, 'n'],
      sealForGroup: ['m', sealerIdText, 'n'],
      unsealForGroup: [engineSealed, VALID.sealerSecret, 'n'],
      secureHash: ['{}'],
      shortHash: ['{}'],
    },
  },
]

/** Every malformed text form of `secret` (prefix + base58). */
function malformedTexts(secret) {
  const cut = secret.indexOf('_z') + 2
  const prefix = secret.slice(0, cut)
  const body = secret.slice(cut)
  const out = [
    body,
    ` ${secret}`,
    `${secret}\n`,
    prefix.toUpperCase() + body,
    secret.replace('_z', '_Z'),
    prefix + body + body,
    prefix + body + body.slice(0, 3),
    prefix + body.slice(0, -3),
    prefix + body.slice(3),
    `${prefix}\ud800${body}`,
    `${prefix}${body.slice(0, 10)}\udfff${body.slice(10)}`,
    `${prefix}${body}é`,
  ]
  for (const other of PREFIXES) if (other !== prefix) out.push(other + body)
  for (const bad of ['0', 'O', 'I', 'l', '_', ' ']) {
    for (const pos of [0, 1, 5, Math.floor(body.length / 2), body.length - 2, body.length - 1]) {
      out.push(prefix + body.slice(0, pos) + bad + body.slice(pos + 1))
    }
  }
  return out
}

/** Each malformed text as a string, as UTF-8 bytes, and wrapped in other values. */
function malformedValues(text) {
  return [text, utf8(text), Buffer.from(text), [text], { secret: text }, new String(text), Array.from(utf8(text))]
}

/** The text as a field of verifyBatch items (a secret pasted where an id goes). */
function batchForms(text) {
  const item = VALID.batch[0]
  return [[{ ...item, signature: text }], [{ ...item, signerId: text }], [{ ...item, signerId: [text] }], [{ ...item, signature: utf8(text) }]]
}

/** The forms of a secret that must never show up in an error. */
function fingerprints(secretBody, secretBytes) {
  const runs = []
  for (let i = 0; i + 4 <= secretBody.length; i++) runs.push(secretBody.slice(i, i + 4))
  const hexText = hex(secretBytes)
  for (let i = 0; i + 8 <= hexText.length; i += 2) runs.push(hexText.slice(i, i + 8))
  for (let i = 0; i + 4 <= secretBytes.length; i++) runs.push(Array.from(secretBytes.subarray(i, i + 4)).join(','))
  return runs
}

function assertNoLeak(error, runs, where) {
  assert.ok(error instanceof Error, `${where}: threw ${typeof error}`)
  const texts = [error.message, inspect(error), String(error.stack)]
  for (const text of texts) {
    for (const run of runs) {
      assert.ok(!text.includes(run), `${where}: error contains "${run}" of the secret: ${error.message}`)
    }
  }
}

/**
 * Calls every export with `value` in each argument position, valid elsewhere.
 * Rejections of the async exports go to `onError` too, through `pending`.
 */
function everyPosition(value, onError, pending) {
  let calls = 0
  for (const [name, kinds] of Object.entries(SIGNATURES)) {
    for (let i = 0; i < Math.max(1, kinds.length); i++) {
      const args = kinds.map((kind) => VALID[kind])
      args[i] = value
      calls++
      try {
        const result = ours[name](...args)
        if (result instanceof Promise) pending.push(result.catch((error) => onError(error, `${name} argument ${i} (rejected)`)))
      } catch (error) {
        onError(error, `${name} argument ${i}`)
      }
    }
  }
  for (const { name, make, methods } of CLASS_CASES) {
    if (!ours[name]) continue
    const instance = make()
    for (const [method, valid] of Object.entries(methods)) {
      for (let i = 0; i < valid.length; i++) {
        const args = [...valid]
        args[i] = value
        calls++
        try {
          instance[method](...args)
        } catch (error) {
          onError(error, `${name}#${method} argument ${i}`)
        }
      }
    }
  }
  if (ours.WorkerHandle) {
    for (const options of [{ accountID: fx.coId, accountSecret: value }, { accountID: value, accountSecret: value }]) {
      calls++
      try {
        new ours.WorkerHandle(options).close?.()
      } catch (error) {
        onError(error, 'new WorkerHandle')
      }
    }
  }
  for (const method of ['update']) {
    calls++
    try {
      new ours.Blake3Hasher()[method](value)
    } catch (error) {
      onError(error, `Blake3Hasher#${method}`)
    }
  }
  return calls
}

for (const [name, secret] of Object.entries({ signerSecret, sealerSecret, keySecret })) {
  test(`${name}: no malformed form of it leaks into any error`, async (t) => {
    const pending = []
    const body = secret.slice(secret.indexOf('_z') + 2)
    const runs = fingerprints(body, base58.decode(body))
    // The fingerprints do occur in the secret and its encodings.
    assert.ok(secret.includes(runs[0]))
    let calls = 0
    let errors = 0
    for (const text of malformedTexts(secret)) {
      for (const value of [...malformedValues(text), ...batchForms(text)]) {
        calls += everyPosition(
          value,
          (error, where) => {
            errors++
            assertNoLeak(error, runs, `${where} with ${JSON.stringify(text.slice(0, 20))}…`)
          },
          pending,
        )
      }
    }
    await Promise.all(pending)
    t.diagnostic(`${calls} calls, ${errors} errors checked`)
    assert.ok(errors > 1000)
  })
}

test('raw secret key bytes: no malformed length or wrapping leaks them', async (t) => {
  const pending = []
  const runs = fingerprints(base58.encode(rawSecret), rawSecret)
  const forms = [
    rawSecret.subarray(0, 31),
    Uint8Array.from([...rawSecret, 0]),
    Uint8Array.from([...rawSecret, ...rawSecret]),
    Array.from(rawSecret),
    { key: Array.from(rawSecret) },
    Buffer.from(rawSecret).toString('hex'),
    base58.encode(rawSecret),
    `keySecret_z${base58.encode(rawSecret)}0`,
    new Uint16Array(rawSecret),
    new DataView(Uint8Array.from(rawSecret).buffer),
  ]
  let errors = 0
  for (const value of forms) {
    everyPosition(
      value,
      (error, where) => {
        errors++
        assertNoLeak(error, runs, where)
      },
      pending,
    )
  }
  await Promise.all(pending)
  t.diagnostic(`${errors} errors checked`)
  assert.ok(errors > 100)
})

test('the check has teeth: the reference echoes a secret passed in an array', async () => {
  const { ref } = await import('./helpers/common.mjs')
  const body = keySecret.slice('keySecret_z'.length)
  const runs = fingerprints(body, base58.decode(body))
  let error
  try {
    ref.encrypt(utf8('m'), [keySecret], utf8('n'))
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof Error)
  assert.throws(() => assertNoLeak(error, runs, 'reference'), /contains/)
  assert.throws(() => ours.encrypt(utf8('m'), [keySecret], utf8('n')), /^Error: Expected a string argument$/)
})

test('SessionMap JSON errors do not echo values from the input', () => {
  const map = new ours.SessionMap(fx.coId, fx.headerJson)
  const secret = fx.signerSecret
  const body = secret.slice('signerSecret_z'.length)
  const runs = fingerprints(body, base58.decode(body))
  const inputs = [JSON.stringify(secret), JSON.stringify([secret]), JSON.stringify([{ [secret]: 1 }])]
  for (const json of inputs) {
    let error
    try {
      map.addTransactions(fx.sessionId, fx.signerId, json, fx.signature, true)
    } catch (e) {
      error = e
    }
    assertNoLeak(error, runs, json.slice(0, 20))
  }
  // The header and the streaming state are parsed with the same care.
  for (const json of [`{"type":${JSON.stringify(secret)}}`, `{${JSON.stringify(secret)}:1`]) {
    let error
    try {
      new ours.SessionMap(fx.coId, json)
    } catch (e) {
      error = e
    }
    assertNoLeak(error, runs, 'header')
    try {
      map.setStreamingKnownState(json)
      error = undefined
    } catch (e) {
      error = e
    }
    if (error) assertNoLeak(error, runs, 'streaming')
  }
})
