// The CryptoProvider level: cojson's own NapiCrypto on our addon against
// NapiCrypto on the reference addon and cojson's WasmCrypto. Both NapiCrypto
// instances come from the same cojson file, loaded twice (see hooks.mjs).

import { randomBytes } from 'node:crypto'
import { base58 } from '@scure/base'

export async function loadProviders() {
  const url = import.meta.resolve('cojson/crypto/NapiCrypto')
  const { NapiCrypto: RefNapiCrypto } = await import(url)
  const { NapiCrypto: OurNapiCrypto } = await import(`${url}?impl=cojson-native`)
  const { WasmCrypto } = await import('cojson/crypto/WasmCrypto')
  const providers = {
    ours: await OurNapiCrypto.create(),
    ref: await RefNapiCrypto.create(),
    wasm: await WasmCrypto.create(),
  }
  // cojson-native's own CryptoProvider, when this checkout ships it.
  const native = await import('../crypto/index.mjs').catch(() => null)
  if (native?.NativeCrypto) providers.native = await native.NativeCrypto.create()
  // Proof that the redirect took effect and only for the tagged instance: our
  // addon refuses a low-order sealer id, the reference does not.
  const zeroSealer = 'sealer_z11111111111111111111111111111111'
  const args = { message: 1, from: providers.ref.newRandomSealer(), to: zeroSealer, nOnceMaterial: 1 }
  let oursRefused = false
  try {
    providers.ours.seal(args)
  } catch {
    oursRefused = true
  }
  providers.ref.seal(args)
  if (!oursRefused || RefNapiCrypto === OurNapiCrypto) throw new Error('NapiCrypto redirect did not take effect')
  return providers
}

/** CryptoProvider cases; `p` is a provider instance. */
export function providerCases(ref) {
  const signer = ref.newRandomSigner()
  const signerId = ref.getSignerID(signer)
  // cojson signs the hash of a session's transactions: a `hash_z…` string.
  const hash = `hash_z${base58.encode(randomBytes(32))}`
  const signature = ref.sign(signer, hash)
  const sealerA = ref.newRandomSealer()
  const sealerB = ref.newRandomSealer()
  const sealerAId = ref.getSealerID(sealerA)
  const sealerBId = ref.getSealerID(sealerB)
  const nOnceMaterial = { in: 'co_zabc123', tx: { sessionID: 'sealer_z1/signer_z2_session_zA', txIndex: 7 } }
  const keySecret = ref.newRandomKeySecret()
  const readKey = ref.newRandomKeySecret()
  const change = [{ op: 'set', key: 'title', value: 'Buy milk and eggs' }]
  const encrypted = ref.encrypt(change, keySecret.secret, nOnceMaterial)
  const sealMessage = { [readKey.id]: readKey.secret }
  const sealed = ref.seal({ message: sealMessage, from: sealerA, to: sealerBId, nOnceMaterial })
  const sealedForGroup = ref.sealForGroup({ message: sealMessage, to: sealerBId, nOnceMaterial })
  const header = { type: 'comap', ruleset: { type: 'ownedByGroup', group: 'co_zgroup' }, meta: null, uniqueness: 'z3k2' }
  const agentSecret = ref.newRandomAgentSecret()
  const same = 'same'
  const prefix = (text) => (outputs) => {
    for (const [name, v] of Object.entries(outputs)) if (!v.startsWith(text)) throw new Error(`${name}: ${v} lacks ${text}`)
  }
  return [
    { name: 'sign (hash_z…)', make: (p) => () => p.sign(signer, hash), check: same },
    { name: 'verify (hash_z…)', make: (p) => () => p.verify(signature, hash, signerId), check: same },
    { name: 'getSignerID', make: (p) => () => p.getSignerID(signer), check: same },
    { name: 'getSealerID', make: (p) => () => p.getSealerID(sealerA), check: same },
    { name: 'newRandomSigner', make: (p) => () => p.newRandomSigner(), check: prefix('signerSecret_z') },
    { name: 'newRandomSealer', make: (p) => () => p.newRandomSealer(), check: prefix('sealerSecret_z') },
    { name: 'encrypt (one change)', make: (p) => () => p.encrypt(change, keySecret.secret, nOnceMaterial), check: same },
    { name: 'decrypt (one change)', make: (p) => () => p.decrypt(encrypted, keySecret.secret, nOnceMaterial), check: same },
    { name: 'seal (key map)', make: (p) => () => p.seal({ message: sealMessage, from: sealerA, to: sealerBId, nOnceMaterial }), check: same },
    { name: 'unseal (key map)', make: (p) => () => p.unseal(sealed, sealerB, sealerAId, nOnceMaterial), check: same },
    { name: 'sealForGroup (key map)', make: (p) => () => p.sealForGroup({ message: sealMessage, to: sealerBId, nOnceMaterial }), check: prefix('sealedForGroup_U') },
    { name: 'unsealForGroup (key map)', make: (p) => () => p.unsealForGroup(sealedForGroup, sealerB, nOnceMaterial), check: same },
    { name: 'shortHash (header)', make: (p) => () => p.shortHash(header), check: same },
    { name: 'secureHash (header)', make: (p) => () => p.secureHash(header), check: same },
    { name: 'groupSealerFromReadKey', make: (p) => () => p.groupSealerFromReadKey(readKey.secret), check: same },
    // getAgentID caches per instance; a fresh provider each call would measure
    // construction instead, so this goes through the uncached halves.
    { name: 'getAgentID halves (uncached)', make: (p) => () => { const [a, b] = agentSecret.split('/'); return `${p.getSealerID(a)}/${p.getSignerID(b)}` }, check: same },
  ]
}

export async function providerSection(runSection, providers) {
  return runSection('CryptoProvider (cojson NapiCrypto on each addon; WasmCrypto; our NativeCrypto as `native`)', providerCases(providers.ref), providers)
}
