// A Node module resolve hook that maps the specifier `cojson-core-napi` to this
// package, the way an npm alias would: cojson's own NapiCrypto then imports our
// addon without any change to cojson.
import { pathToFileURL } from 'node:url'
import { fileURLToPath } from 'node:url'
import { join, dirname } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const target = pathToFileURL(join(root, 'index.js')).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'cojson-core-napi') return { url: target, shortCircuit: true }
  return nextResolve(specifier, context)
}
