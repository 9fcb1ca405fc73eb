// Raw functions of the cojson-core-napi interface: the same inputs to every
// implementation (our addon, the reference addon, the reference WebAssembly
// build). Each case lists `make(impl) => (i) => result` and how outputs are
// checked before timing.

import { randomBytes } from 'node:crypto'
import { base58 } from '@scure/base'
import { hex } from './harness.mjs'

const utf8 = (text) => new TextEncoder().encode(text)

/** A JSON-ish transaction-sized message (what cojson signs: a stable JSON). */
function message(len) {
  return utf8(JSON.stringify({ pad: 'x'.repeat(Math.max(0, len - 10)) }).slice(0, len))
}

/** Builds the raw cases; `ref` creates the test data. */
export function rawCases(ref) {
  const seed = randomBytes(32)
  const signerSecret = `signerSecret_z${base58.encode(seed)}`
  const signerSecretBytes = utf8(signerSecret)
  const signerId = ref.getSignerId(signerSecretBytes)
  const msg256 = message(256)
  const msg64 = randomBytes(64)
  const msg4k = randomBytes(4096)
  const signature = ref.sign(msg256, signerSecretBytes)
  const signatureBytes = utf8(signature)
  const signerIdBytes = utf8(signerId)
  const pub = ref.ed25519VerifyingKey(seed)
  const rawSig = ref.ed25519Sign(seed, msg256)

  // Many distinct signers, to show the cost when no per-key cache helps.
  const MANY = 4096
  const manySeeds = Array.from({ length: MANY }, () => randomBytes(32))
  const manySecrets = manySeeds.map((s) => utf8(`signerSecret_z${base58.encode(s)}`))
  const manyIds = manySecrets.map((s) => utf8(ref.getSignerId(s)))
  const manySigs = manySecrets.map((s) => utf8(ref.sign(msg256, s)))

  const sealerA = `sealerSecret_z${base58.encode(randomBytes(32))}`
  const sealerB = `sealerSecret_z${base58.encode(randomBytes(32))}`
  const sealerAId = ref.getSealerId(utf8(sealerA))
  const sealerBId = ref.getSealerId(utf8(sealerB))
  const nonceMaterial = utf8(JSON.stringify({ in: 'co_zabc123', tx: { sessionID: 'sealer_z1/signer_z2_session_zA', txIndex: 7 } }))
  const sealed = ref.seal(msg256, sealerA, sealerBId, nonceMaterial)
  const sealedForGroup = ref.sealForGroup(msg256, sealerBId, nonceMaterial)
  const keySecret = `keySecret_z${base58.encode(randomBytes(32))}`
  const key = randomBytes(32)
  const encrypted64 = ref.encrypt(msg64, keySecret, nonceMaterial)
  const x25519Secret = randomBytes(32)
  const x25519Pub = ref.x25519PublicKey(randomBytes(32))
  const shortHashInput = JSON.stringify({ header: { type: 'comap', ruleset: { type: 'group' }, meta: null, uniqueness: 'z12345' } })

  const same = 'same'
  const length = (n) => (outputs) => {
    for (const [name, v] of Object.entries(outputs)) if (v.length !== n) throw new Error(`${name}: length ${v.length}, expected ${n}`)
  }

  return [
    { name: 'sign (256 B, one signer)', make: (m) => () => m.sign(msg256, signerSecretBytes), check: same },
    { name: 'sign (256 B, 4096 signers)', make: (m) => (i) => m.sign(msg256, manySecrets[i & (MANY - 1)]), check: same },
    { name: 'verify (256 B, one signer)', make: (m) => () => m.verify(signatureBytes, msg256, signerIdBytes), check: same },
    { name: 'verify (256 B, 4096 signers)', make: (m) => (i) => m.verify(manySigs[i & (MANY - 1)], msg256, manyIds[i & (MANY - 1)]), check: same },
    { name: 'getSignerId', make: (m) => () => m.getSignerId(signerSecretBytes), check: same },
    { name: 'newEd25519SigningKey', make: (m) => () => m.newEd25519SigningKey(), check: length(32) },
    { name: 'ed25519Sign (256 B)', make: (m) => () => m.ed25519Sign(seed, msg256), check: same },
    { name: 'ed25519SigningKeySign (256 B)', make: (m) => () => m.ed25519SigningKeySign(seed, msg256), check: same },
    { name: 'ed25519Verify (256 B)', make: (m) => () => m.ed25519Verify(pub, msg256, rawSig), check: same },
    { name: 'ed25519VerifyingKey', make: (m) => () => m.ed25519VerifyingKey(seed), check: same },
    { name: 'ed25519SigningKeyToPublic', make: (m) => () => m.ed25519SigningKeyToPublic(seed), check: same },
    { name: 'ed25519SigningKeyFromBytes', make: (m) => () => m.ed25519SigningKeyFromBytes(seed), check: same },
    { name: 'ed25519VerifyingKeyFromBytes', make: (m) => () => m.ed25519VerifyingKeyFromBytes(pub), check: same },
    { name: 'ed25519SignatureFromBytes', make: (m) => () => m.ed25519SignatureFromBytes(rawSig), check: same },
    { name: 'newX25519PrivateKey', make: (m) => () => m.newX25519PrivateKey(), check: length(32) },
    { name: 'getSealerId', make: (m) => () => m.getSealerId(utf8(sealerA)), check: same },
    { name: 'x25519PublicKey', make: (m) => () => m.x25519PublicKey(x25519Secret), check: same },
    { name: 'x25519DiffieHellman', make: (m) => () => m.x25519DiffieHellman(x25519Secret, x25519Pub), check: same },
    { name: 'seal (256 B)', make: (m) => () => m.seal(msg256, sealerA, sealerBId, nonceMaterial), check: same },
    { name: 'unseal (256 B)', make: (m) => () => m.unseal(sealed, sealerB, sealerAId, nonceMaterial), check: same },
    {
      name: 'sealForGroup (256 B)',
      make: (m) => () => m.sealForGroup(msg256, sealerBId, nonceMaterial),
      check: (outputs) => {
        for (const [name, v] of Object.entries(outputs)) {
          if (hex(ref.unsealForGroup(v, sealerB, nonceMaterial)) !== hex(msg256)) throw new Error(`${name}: sealForGroup does not open`)
        }
      },
    },
    { name: 'unsealForGroup (256 B)', make: (m) => () => m.unsealForGroup(sealedForGroup, sealerB, nonceMaterial), check: same },
    { name: 'encrypt (64 B)', make: (m) => () => m.encrypt(msg64, keySecret, nonceMaterial), check: same },
    { name: 'decrypt (64 B)', make: (m) => () => m.decrypt(encrypted64, keySecret, nonceMaterial), check: same },
    { name: 'encrypt (4 KiB)', make: (m) => () => m.encrypt(msg4k, keySecret, nonceMaterial), check: same },
    { name: 'encryptXsalsa20 (64 B)', make: (m) => () => m.encryptXsalsa20(key, nonceMaterial, msg64), check: same },
    { name: 'decryptXsalsa20 (64 B)', make: (m) => () => m.decryptXsalsa20(key, nonceMaterial, msg64), check: same },
    { name: 'blake3HashOnce (64 B)', make: (m) => () => m.blake3HashOnce(msg64), check: same },
    { name: 'blake3HashOnce (4 KiB)', make: (m) => () => m.blake3HashOnce(msg4k), check: same },
    { name: 'blake3HashOnceWithContext (64 B)', make: (m) => () => m.blake3HashOnceWithContext(msg64, nonceMaterial), check: same },
    { name: 'generateNonce', make: (m) => () => m.generateNonce(nonceMaterial), check: same },
    { name: 'shortHash', make: (m) => () => m.shortHash(shortHashInput), check: same },
    {
      name: 'Blake3Hasher new+update+finalize (64 B)',
      make: (m) => () => {
        const h = new m.Blake3Hasher()
        h.update(msg64)
        return h.finalize()
      },
      check: same,
    },
  ]
}
