// The canary: the chosen addon (path in COJSON_SUITE_CANARY_BASE, set by the
// vitest config) with `sign` replaced by a function that throws, and the native
// transaction logs, which sign and verify inside the addon (`SessionMap` for
// cojson 0.20.9 and later, `SessionLog` before), by classes whose constructor
// throws.
// scripts/cojson-suite.mjs runs cojson's suite against it (COJSON_SUITE_CANARY=1)
// and requires that run to FAIL with this message. If it passed, the suite would
// not be calling the module that `cojson-core-napi` is aliased to, and a green
// normal run would prove nothing about our addon.
'use strict'

const basePath = process.env.COJSON_SUITE_CANARY_BASE
if (!basePath) {
  throw new Error('cojson-suite canary: COJSON_SUITE_CANARY_BASE is not set')
}
const base = require(basePath)

const canaryError = (what) => new Error(`cojson-suite canary: ${what} was called through the redirected cojson-core-napi`)

function sign() {
  throw canaryError('sign()')
}

class SessionMap {
  constructor() {
    throw canaryError('new SessionMap()')
  }
}

class SessionLog {
  constructor() {
    throw canaryError('new SessionLog()')
  }
}

// Explicit assignments so Node's CommonJS named-export detection sees every name
// that cojson's NapiCrypto imports.
module.exports.SessionMap = SessionMap
module.exports.SessionLog = SessionLog
module.exports.Blake3Hasher = base.Blake3Hasher
module.exports.blake3HashOnce = base.blake3HashOnce
module.exports.blake3HashOnceWithContext = base.blake3HashOnceWithContext
module.exports.decrypt = base.decrypt
module.exports.encrypt = base.encrypt
module.exports.getSealerId = base.getSealerId
module.exports.getSignerId = base.getSignerId
module.exports.newEd25519SigningKey = base.newEd25519SigningKey
module.exports.newX25519PrivateKey = base.newX25519PrivateKey
module.exports.seal = base.seal
module.exports.sealForGroup = base.sealForGroup
module.exports.shortHash = base.shortHash
module.exports.sign = sign
module.exports.unseal = base.unseal
module.exports.unsealForGroup = base.unsealForGroup
module.exports.verify = base.verify
