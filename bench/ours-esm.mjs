// The names cojson's NapiCrypto imports from `cojson-core-napi`, taken from
// this addon. `SessionMap` falls back to a stub that throws while the addon
// has none, so the crypto functions can be benchmarked without it.
import { createRequire } from 'node:module'

const addon = createRequire(import.meta.url)('../index.js')

export const {
  blake3HashOnce,
  blake3HashOnceWithContext,
  decrypt,
  encrypt,
  getSealerId,
  getSignerId,
  newEd25519SigningKey,
  newX25519PrivateKey,
  seal,
  sealForGroup,
  shortHash,
  sign,
  unseal,
  unsealForGroup,
  verify,
} = addon

export const SessionMap =
  addon.SessionMap ??
  class SessionMap {
    constructor() {
      throw new Error('this build of cojson-native has no SessionMap')
    }
  }
