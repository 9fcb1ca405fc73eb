// Argument kinds of the SessionMap methods and of verifyBatch for the
// argument fuzzer (fuzz-child.mjs): valid values that reach real work, and
// malformed ones of every shape a sync message could carry.
import { utf8 } from './common.mjs'
import { BAD_NUMBERS, sessionFixture } from './fuzz-values.mjs'

/** Builds the kinds for generator `g`, value helpers `v` and the addon `ours`. */
export function sessionKinds(g, v, ours) {
  const SESSION_KINDS = Object.fromEntries(
    ['coId', 'headerJson', 'maxTxSize', 'bool', 'sessionId', 'signerIdText', 'txJson', 'signatureText', 'signerSecretText',
      'changesJson', 'keyId', 'metaJson', 'madeAt', 'index', 'streamingJson'].map((k) => [k, true]),
  )
  const fx = ours.SessionMap ? sessionFixture(ours, g) : null

  /** Classes: how to make a usable instance, and each method's argument kinds. */
  const CLASS_SPECS = {
    Blake3Hasher: { ctor: [], methods: { update: ['bytes'], finalize: [], clone: [] } },
    SessionMap: {
      ctor: ['coId', 'headerJson', 'maxTxSize', 'bool'],
      methods: {
        getHeader: [],
        addTransactions: ['sessionId', 'signerIdText', 'txJson', 'signatureText', 'bool'],
        makeNewPrivateTransaction: ['sessionId', 'signerSecretText', 'changesJson', 'keyId', 'keySecret', 'metaJson', 'madeAt'],
        makeNewTrustingTransaction: ['sessionId', 'signerSecretText', 'changesJson', 'metaJson', 'madeAt'],
        getSessionIds: [],
        getTransactionCount: ['sessionId'],
        getTransaction: ['sessionId', 'index'],
        getSessionTransactions: ['sessionId', 'index'],
        getLastSignature: ['sessionId'],
        getSignatureAfter: ['sessionId', 'index'],
        getLastSignatureCheckpoint: ['sessionId'],
        getKnownState: [],
        getKnownStateWithStreaming: [],
        isStreaming: [],
        setStreamingKnownState: ['streamingJson'],
        markAsDeleted: [],
        isDeleted: [],
        decryptTransaction: ['sessionId', 'index', 'keySecret'],
        decryptTransactionMeta: ['sessionId', 'index', 'keySecret'],
      },
    },
  }

  /** Valid values of the SessionMap argument kinds (texts, not bytes). */
  function validSession(kind) {
    switch (kind) {
      case 'coId':
        return fx.coId
      case 'headerJson':
        return fx.headerJson
      case 'maxTxSize':
        return g.pick([undefined, null, 0, 100, 102400])
      case 'bool':
        return g.int(2) === 0
      case 'sessionId':
        return g.int(4) === 0 ? `${fx.sessionId.slice(0, -2)}${g.int(10)}` : fx.sessionId
      case 'signerIdText':
        return g.int(8) === 0 ? null : fx.signerId
      case 'txJson':
        return g.int(3) === 0 ? `[${fx.transactions[0]}]` : fx.transactionsJson
      case 'signatureText':
        return fx.signature
      case 'signerSecretText':
        return fx.signerSecret
      case 'changesJson':
        return JSON.stringify([{ op: 'set', key: g.text(5), value: g.text(g.int(30)) }])
      case 'keyId':
        return fx.keyId
      case 'metaJson':
        return g.pick([null, undefined, '{"m":1}'])
      case 'madeAt':
        return 1700000000000 + g.int(1000)
      case 'index':
        return g.int(4)
      case 'streamingJson':
        return JSON.stringify({ [fx.sessionId]: g.int(5) })
      default:
        return undefined
    }
  }

  /** Malformed values of the SessionMap argument kinds. */
  function malformedSession(kind) {
    switch (kind) {
      case 'maxTxSize':
      case 'madeAt':
      case 'index':
        return g.pick([...BAD_NUMBERS, '1', 1n, -5, 2 ** 53 - 1, 2 ** 64])
      case 'coId':
      case 'sessionId':
      case 'keyId':
        return g.pick(['', '"', 'a"b', 'a\\b', '\u0000', 'x'.repeat(2000), '\ud800', `${fx.sessionId}\n`, v.badText(fx.coId)])
      case 'signerIdText':
        return v.badText(fx.signerId)
      case 'signatureText':
        return v.badText(fx.signature)
      case 'signerSecretText':
        return v.badText(fx.signerSecret)
      case 'txJson':
        return g.pick(badTransactions())
      case 'headerJson':
        return g.pick([
          v.json(),
          v.deepJson(g.pick([100, 10_000]), g.int(2) === 0),
          fx.headerJson.replace('comap', 'costream'),
          JSON.stringify({ ...fx.header, extra: 1 }),
          JSON.stringify({ ...fx.header, uniqueness: { '': 1 } }),
          JSON.stringify({ ...fx.header, meta: { n: 1e308, m: -0, d: 0.1 } }),
          '{"type":"comap"}',
        ])
      case 'changesJson':
      case 'metaJson':
      case 'streamingJson':
        return g.pick([v.json(), v.deepJson(g.pick([100, 10_000]), g.int(2) === 0), 'x'.repeat(1024 * 1024 + 1), '{"s":-1}', '{"s":1e99}', '{"s":"x"}'])
      default:
        return v.wild()
    }
  }

  /** Received transaction batches that are wrong in one way each. */
  function badTransactions() {
    const [first, second] = fx.transactions.map((t) => JSON.parse(t))
    const big = (n) => Array.from({ length: n }, () => first)
    return [
      '[',
      '[]',
      '{}',
      'null',
      `[${fx.transactions[0]}`,
      `${fx.transactionsJson} `,
      JSON.stringify([{ ...first, madeAt: -1 }]),
      JSON.stringify([{ ...first, madeAt: 2 ** 64 }]),
      JSON.stringify([{ ...first, madeAt: 1.5 }]),
      JSON.stringify([{ ...first, madeAt: '1' }]),
      JSON.stringify([{ ...first, privacy: 'private' }]),
      JSON.stringify([{ ...first, extra: true }]),
      JSON.stringify([{ ...first, meta: null }]),
      JSON.stringify([{ ...second, encryptedChanges: 'encrypted_U!!' }]),
      JSON.stringify([{ ...second, encryptedChanges: 'plain' }]),
      JSON.stringify([{ ...second, keyUsed: 5 }]),
      JSON.stringify([{ ...first, changes: 'x'.repeat(1024 * 1024 + 1) }]),
      JSON.stringify(big(5000)),
      JSON.stringify([first, first, first]),
      v.deepJson(10_000),
    ]
  }

  /** Items for verifyBatch: some verify, some do not. */
  function validBatch() {
    const item = () => ({ signature: v.signature, message: utf8(g.int(2) === 0 ? 'm' : 'n'), signerId: v.signerId })
    return Array.from({ length: g.int(6) }, item)
  }

  function malformedBatch() {
    const item = { signature: v.signature, message: utf8('m'), signerId: v.signerId }
    return g.pick([
      () => v.wild(),
      () => [v.wild()],
      () => [item, null],
      () => [{}],
      () => [{ ...item, signature: v.badText(v.signature) }],
      () => [{ ...item, signerId: v.badText(v.signerId) }],
      () => [{ ...item, signerId: `signer_z${'1'.repeat(32)}` }],
      () => [{ ...item, message: v.wild() }],
      () => [{ ...item, signature: utf8(v.signature) }],
      () => Array(g.pick([1000, 20_000])).fill(item),
      () => ({ length: 3, 0: item }),
    ])()
  }

  return { SESSION_KINDS, CLASS_SPECS, fx, validSession, malformedSession, validBatch, malformedBatch }
}
