// Types of cojson-native/crypto.
import type { CryptoProvider } from 'cojson'
import { NativeCryptoEngine, WorkerHandle, CryptoOperation } from '../index.js'

export { NativeCryptoEngine, WorkerHandle, CryptoOperation }

/** Options of `NativeCrypto.create()`. */
export interface NativeCryptoOptions {
  /** Count this provider's work on a WorkerHandle (and share its key cache). */
  handle?: WorkerHandle
  /** Use this engine (takes precedence over `handle`). */
  engine?: NativeCryptoEngine
  /** Keys cached per kind when neither `handle` nor `engine` is given (default 1024). */
  keyCacheSize?: number
}

/**
 * A cojson CryptoProvider on the cojson-native addon: keys, ids and JSON
 * cross as strings, parsed keys stay in a bounded native cache (wiped on
 * eviction), every operation is counted. Pass it as `crypto` to
 * `startWorker` or `LocalNode`.
 */
export declare class NativeCrypto extends CryptoProvider {
  private constructor(engine: NativeCryptoEngine)
  static create(options?: NativeCryptoOptions): Promise<NativeCrypto>
  /** The native engine: `stats()`, `cacheStats()`, `clearCache()`. */
  get engine(): NativeCryptoEngine
}

/** What `workerOptions()` returns, plus whatever `extra` adds. */
export interface NativeWorkerOptions {
  accountID: string
  accountSecret: string
  crypto: NativeCrypto
  /** `WebSocket` from `ws`, added when there is no global WebSocket. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  WebSocket?: any
}

/**
 * The options to spread into jazz-tools' `startWorker`: the handle's
 * `accountID` and `accountSecret` and a NativeCrypto counted by the handle.
 * Throws if the handle is closed.
 */
export declare function workerOptions<E extends Record<string, unknown> = {}>(
  handle: WorkerHandle,
  extra?: E,
): Promise<NativeWorkerOptions & E>
