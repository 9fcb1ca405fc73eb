// A Node ESM resolve hook that makes `import … from "cojson-core-napi"`
// load this package instead, so cojson's own NapiCrypto runs on
// cojson-native (what an npm override does in an installed app).
// Register it with `module.register(new URL('./drop-in-hook.mjs', import.meta.url))`
// before cojson's NapiCrypto is imported.
import { pathToFileURL } from 'node:url'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = pathToFileURL(join(root, 'index.js')).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'cojson-core-napi') return { url: target, format: 'commonjs', shortCircuit: true }
  return nextResolve(specifier, context)
}
