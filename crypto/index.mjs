// cojson-native/crypto: `NativeCrypto`, a cojson CryptoProvider on the
// cojson-native addon, and `workerOptions()` for jazz-tools' `startWorker`.
//
// Compared with cojson's own NapiCrypto it passes keys, ids and JSON as
// strings (no TextEncoder/TextDecoder round trips), keeps parsed keys in a
// bounded native cache (wiped on eviction), hashes and base58-encodes
// `secureHash` natively, and counts its work per operation.
import { createRequire } from 'node:module'
import { CryptoProvider, cojsonInternals, logger } from 'cojson'

const require = createRequire(import.meta.url)
const addon = require('../index.js')
const { NativeCryptoEngine, CryptoOperation, WorkerHandle, newEd25519SigningKey, newX25519PrivateKey, shortHash } = addon
const { stableStringify } = cojsonInternals

// cojson writes base64url with `=` padding; Node's Buffer omits it.
const PADDING = ['', '===', '==', '=']
function toBase64url(buffer) {
  const text = buffer.toString('base64url')
  return text + PADDING[text.length % 4]
}
function fromBase64url(text, prefixLength) {
  return Buffer.from(text.slice(prefixLength), 'base64url')
}

const ENCRYPTED = 'encrypted_U'
const SEALED = 'sealed_U'
const SEALED_FOR_GROUP = 'sealedForGroup_U'

/**
 * A cojson `CryptoProvider` running on the cojson-native addon.
 * Create it with `await NativeCrypto.create()`; pass `{ handle }` (a
 * `WorkerHandle`) to have the handle count its work, or `{ keyCacheSize }`.
 */
export class NativeCrypto extends CryptoProvider {
  #engine

  /** Use `NativeCrypto.create()`. */
  constructor(engine) {
    super()
    if (!(engine instanceof NativeCryptoEngine)) {
      throw new TypeError('NativeCrypto needs a NativeCryptoEngine; use `await NativeCrypto.create()`')
    }
    this.#engine = engine
  }

  /**
   * @param {{ handle?: WorkerHandle, engine?: NativeCryptoEngine, keyCacheSize?: number }} [options]
   */
  static async create(options = {}) {
    const engine = options.engine ?? options.handle?.cryptoEngine() ?? new NativeCryptoEngine(options.keyCacheSize)
    return new NativeCrypto(engine)
  }

  /** The native engine (its `stats()` and `cacheStats()` report the work done). */
  get engine() {
    return this.#engine
  }

  newEd25519SigningKey() {
    return newEd25519SigningKey()
  }

  newX25519StaticSecret() {
    return newX25519PrivateKey()
  }

  getSignerID(secret) {
    return this.#engine.signerId(secret)
  }

  getSealerID(secret) {
    return this.#engine.sealerId(secret)
  }

  // The base class caches agent ids in an unbounded Map keyed by the secret
  // text; the native cache is bounded and never stores secret text.
  getAgentID(secret) {
    return this.#engine.agentId(secret)
  }

  sign(secret, message) {
    return this.#engine.sign(secret, stableStringify(message))
  }

  verify(signature, message, id) {
    return this.#engine.verify(signature, stableStringify(message), id)
  }

  blake3HashOnce(data) {
    return this.#engine.blake3HashOnce(data)
  }

  blake3HashOnceWithContext(data, { context }) {
    return this.#engine.blake3HashOnceWithContext(data, context)
  }

  secureHash(value) {
    return this.#engine.secureHash(stableStringify(value))
  }

  // The addon's free function: as a method of the engine it would also pay
  // for the class-method receiver check, the timing and the cache lock,
  // together about as much as hashing a header's JSON (docs/performance.md).
  // Not counted in the engine's stats.
  shortHash(value) {
    return shortHash(stableStringify(value))
  }

  encrypt(value, keySecret, nOnceMaterial) {
    const bytes = this.#engine.encrypt(stableStringify(value), keySecret, stableStringify(nOnceMaterial))
    return ENCRYPTED + toBase64url(bytes)
  }

  decryptRaw(encrypted, keySecret, nOnceMaterial) {
    return this.#engine.decrypt(
      fromBase64url(encrypted, ENCRYPTED.length),
      keySecret,
      stableStringify(nOnceMaterial),
    )
  }

  seal({ message, from, to, nOnceMaterial }) {
    const bytes = this.#engine.seal(stableStringify(message), from, to, stableStringify(nOnceMaterial))
    return SEALED + toBase64url(bytes)
  }

  // Like cojson's NapiCrypto: a wrong key throws, unparseable JSON is undefined.
  unseal(sealed, sealer, from, nOnceMaterial) {
    const plaintext = this.#engine.unseal(
      fromBase64url(sealed, SEALED.length),
      sealer,
      from,
      stableStringify(nOnceMaterial),
    )
    try {
      return JSON.parse(plaintext)
    } catch (err) {
      logger.error('Failed to decrypt/parse sealed message', { err })
      return undefined
    }
  }

  sealForGroup({ message, to, nOnceMaterial }) {
    const bytes = this.#engine.sealForGroup(stableStringify(message), to, stableStringify(nOnceMaterial))
    return SEALED_FOR_GROUP + toBase64url(bytes)
  }

  // Like cojson's NapiCrypto: any failure is undefined.
  unsealForGroup(sealed, groupSealerSecret, nOnceMaterial) {
    try {
      const plaintext = this.#engine.unsealForGroup(
        fromBase64url(sealed, SEALED_FOR_GROUP.length),
        groupSealerSecret,
        stableStringify(nOnceMaterial),
      )
      return JSON.parse(plaintext)
    } catch (err) {
      logger.error('Failed to decrypt/parse sealed for group message', { err })
      return undefined
    }
  }

  createSessionMap(coID, headerJson, maxTxSize, skipVerify) {
    return new SessionMapAdapter(this.#engine.createSessionMap(coID, headerJson, maxTxSize, skipVerify))
  }
}

/**
 * cojson's SessionMapImpl over the native SessionMap (the same adapter shape
 * as cojson's NapiCrypto). The map comes from the engine, which counts its
 * verifying, signing and decrypting natively (see `stats()`).
 *
 * cojson asks for the session ids and transaction counts several times per
 * change; the adapter keeps those answers until the next call that can
 * change the map. The native map is reachable only through this adapter's
 * private field, so every change passes through `#changing`, which drops
 * them; a version number keeps an answer computed while a change ran (JS
 * run by the engine during the call) from being kept. The header never
 * changes. `__test__/session-map-adapter.test.mjs` holds every answer equal
 * to the native map's after random sequences of changes.
 */
class SessionMapAdapter {
  #map
  #header
  #version = 0
  /** The session ids at `#version`, or undefined. */
  #sessionIds
  /** Transaction counts of existing sessions at `#version`. */
  #counts = new Map()

  constructor(map) {
    this.#map = map
  }

  /** Runs `change` on the map, then drops every kept answer, whatever happened. */
  #changing(change) {
    try {
      return change(this.#map)
    } finally {
      this.#version++
      this.#sessionIds = undefined
      this.#counts.clear()
    }
  }

  getHeader() {
    return (this.#header ??= this.#map.getHeader())
  }

  addTransactions(sessionId, signerId, transactionsJson, signature, skipVerify) {
    this.#changing((map) => map.addTransactions(sessionId, signerId, transactionsJson, signature, skipVerify))
  }

  makeNewPrivateTransaction(sessionId, signerSecret, changesJson, keyId, keySecret, metaJson, madeAt) {
    return this.#changing((map) =>
      map.makeNewPrivateTransaction(sessionId, signerSecret, changesJson, keyId, keySecret, metaJson, madeAt),
    )
  }

  makeNewTrustingTransaction(sessionId, signerSecret, changesJson, metaJson, madeAt) {
    return this.#changing((map) => map.makeNewTrustingTransaction(sessionId, signerSecret, changesJson, metaJson, madeAt))
  }

  getSessionIds() {
    if (this.#sessionIds === undefined) {
      const version = this.#version
      const ids = this.#map.getSessionIds()
      if (version !== this.#version) return ids
      this.#sessionIds = ids
    }
    // A copy: the caller may change what it gets.
    return this.#sessionIds.slice()
  }

  getTransactionCount(sessionId) {
    const kept = this.#counts.get(sessionId)
    if (kept !== undefined) return kept
    const version = this.#version
    const count = this.#map.getTransactionCount(sessionId)
    // Only existing sessions are kept (at most one entry per session).
    if (count >= 0 && version === this.#version) this.#counts.set(sessionId, count)
    return count
  }

  getTransaction(sessionId, txIndex) {
    const result = this.#map.getTransaction(sessionId, txIndex)
    return result ? JSON.parse(result) : undefined
  }

  getSessionTransactions(sessionId, fromIndex) {
    const result = this.#map.getSessionTransactions(sessionId, fromIndex)
    return result ? result.map((tx) => JSON.parse(tx)) : undefined
  }

  getLastSignature(sessionId) {
    return this.#map.getLastSignature(sessionId) ?? undefined
  }

  getSignatureAfter(sessionId, txIndex) {
    return this.#map.getSignatureAfter(sessionId, txIndex) ?? undefined
  }

  getLastSignatureCheckpoint(sessionId) {
    return this.#map.getLastSignatureCheckpoint(sessionId) ?? undefined
  }

  getKnownState() {
    return this.#map.getKnownState()
  }

  getKnownStateWithStreaming() {
    return this.#map.getKnownStateWithStreaming() ?? undefined
  }

  isStreaming() {
    return this.#map.isStreaming()
  }

  setStreamingKnownState(streamingJson) {
    this.#changing((map) => map.setStreamingKnownState(streamingJson))
  }

  markAsDeleted() {
    this.#changing((map) => map.markAsDeleted())
  }

  isDeleted() {
    return this.#map.isDeleted()
  }

  decryptTransaction(sessionId, txIndex, keySecret) {
    return this.#map.decryptTransaction(sessionId, txIndex, keySecret) ?? undefined
  }

  decryptTransactionMeta(sessionId, txIndex, keySecret) {
    return this.#map.decryptTransactionMeta(sessionId, txIndex, keySecret) ?? undefined
  }
}

/**
 * The options to spread into jazz-tools' `startWorker`: `accountID`,
 * `accountSecret` and a `NativeCrypto` whose work `handle` counts. When the
 * runtime has no global WebSocket and neither `WebSocket` nor `peer` is
 * given, `WebSocket` from the `ws` package is added if it is installed.
 * `extra` is merged last.
 *
 * @param {WorkerHandle} handle
 * @param {Record<string, unknown>} [extra]
 */
export async function workerOptions(handle, extra = {}) {
  const options = {
    accountID: handle.accountID,
    accountSecret: handle.accountSecret(),
    crypto: await NativeCrypto.create({ handle }),
  }
  if (typeof globalThis.WebSocket === 'undefined' && !extra.WebSocket && !extra.peer) {
    const ws = await import('ws').catch(() => undefined)
    if (ws) options.WebSocket = ws.WebSocket ?? ws.default
  }
  return { ...options, ...extra }
}

export { WorkerHandle, NativeCryptoEngine, CryptoOperation }
