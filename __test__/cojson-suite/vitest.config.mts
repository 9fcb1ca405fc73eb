// Runs cojson@0.20.19's own test suite (node_modules/cojson/src, unmodified) with
// cojson's NapiCrypto on the addon chosen by COJSON_SUITE_ADDON. Two redirects:
//
//   1. every import of cojson's src/crypto/WasmCrypto.ts resolves to
//      wasm-crypto-as-napi.ts, so `WasmCrypto.create()` in the tests makes a
//      NapiCrypto;
//   2. the specifier `cojson-core-napi` (imported by NapiCrypto.ts) resolves to
//      the chosen addon's CommonJS entry, loaded by Node itself (external).
//
// setup.ts checks both before each test file; scripts/cojson-suite.mjs also
// runs the suite with a canary addon and requires that run to fail.
// Run it with `npm run test:cojson`, or directly:
//   npx vitest run --config __test__/cojson-suite/vitest.config.mts
import { join } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";
import { cojsonRoot, repoRoot, selectedAddon, suiteDir } from "./addon-targets.mjs";
import { excludedTests } from "./exclusions.mjs";

const addon = selectedAddon();
// The canary wrapper finds the real addon through this (workers inherit env).
process.env.COJSON_SUITE_CANARY_BASE = addon.path;

const wasmCryptoSource = join(cojsonRoot, "src", "crypto", "WasmCrypto.ts");
const wasmCryptoShim = join(suiteDir, "wasm-crypto-as-napi.ts");

/** A RegExp that matches exactly this absolute path. */
function exactPath(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

/** Resolves any import that lands on cojson's WasmCrypto.ts to our shim. */
function redirectWasmCrypto(): Plugin {
  return {
    name: "cojson-suite:wasm-crypto-as-napi",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!/WasmCrypto(\.[jt]s)?$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === wasmCryptoSource ? wasmCryptoShim : null;
    },
  };
}

export default defineConfig({
  root: repoRoot,
  cacheDir: join(repoRoot, "node_modules", ".vite-cojson-suite"),
  plugins: [redirectWasmCrypto()],
  resolve: {
    alias: [{ find: /^cojson-core-napi$/, replacement: addon.aliasPath }],
  },
  test: {
    name: "cojson",
    include: [
      "node_modules/cojson/src/**/*.test.ts",
      "__test__/cojson-suite/**/*.test.ts",
    ],
    // The default exclude would drop everything under node_modules.
    exclude: excludedTests.map((entry) => entry.file),
    setupFiles: [join(suiteDir, "setup.ts"), join(cojsonRoot, "src", "tests", "setup.ts")],
    server: {
      deps: {
        // cojson's TypeScript sources go through Vite (and so through the redirects)...
        inline: [/node_modules\/cojson\/src\//],
        // ...while the addons are plain CommonJS that Node loads itself.
        // (String patterns here only match below node_modules, hence exact RegExps.)
        external: [addon.path, addon.aliasPath].map(exactPath),
      },
    },
    pool: "forks",
    maxWorkers: 2,
    // A few of cojson's tests wait fixed times (setTimeout 100 ms) for background work;
    // on a loaded 2-core machine they can lose that race. Retries are reported
    // by scripts/cojson-suite.mjs as "flaky", never hidden.
    retry: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
