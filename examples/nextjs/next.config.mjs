import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** @type {import('next').NextConfig} */
const config = {
  // Load cojson-native with Node's own require at run time instead of bundling
  // it: a bundler cannot follow the loader's choice of `.node` binary.
  serverExternalPackages: ['cojson-native'],
  // `NEXT_OUTPUT=standalone next build` gives a self-contained .next/standalone.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // This example lives inside the cojson-native repository: keep file tracing
  // and Turbopack rooted here, not at the repository's lockfile.
  outputFileTracingRoot: here,
  turbopack: { root: here },
}

export default config
