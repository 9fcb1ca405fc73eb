// Module resolve hook of the benchmark: lets one process hold cojson's
// NapiCrypto twice, once on the reference addon and once on ours.
//
// `cojson/dist/crypto/NapiCrypto.js` is imported a second time with the query
// `?impl=cojson-native`. ESM caches modules by full URL, so that is a second,
// independent instance of the same file. Its `import … from "cojson-core-napi"`
// arrives here with that URL as `parentURL`, and only then is the specifier
// redirected to this package. Every other module (cojson's CryptoProvider base
// class, base64url, stableStringify) resolves normally and is shared by both
// instances, so the two providers run the very same JS apart from the addon.
import { pathToFileURL, fileURLToPath } from 'node:url'
import { join, dirname } from 'node:path'

const ours = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'ours-esm.mjs')).href
export const QUERY = 'impl=cojson-native'

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'cojson-core-napi' && context.parentURL?.includes(`?${QUERY}`)) {
    return { url: ours, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}
