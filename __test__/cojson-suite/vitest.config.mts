// Runs the own test suite of the cojson release chosen by COJSON_SUITE_VERSION
// (default 0.20.19: node_modules/cojson/src; older releases are installed under
// aliases such as node_modules/cojson-0-18; all unmodified) with that release's
// NapiCrypto on the addon chosen by COJSON_SUITE_ADDON. Two redirects:
//
//   1. every import of cojson's src/crypto/WasmCrypto.ts resolves to
//      wasm-crypto-as-napi.ts, so `WasmCrypto.create()` in the tests makes a
//      NapiCrypto;
//   2. the specifier `cojson-core-napi` (imported by NapiCrypto.ts) resolves to
//      the chosen addon's CommonJS entry, loaded by Node itself (external).
// Our own files import cojson's sources as `cojson/src/…`; that prefix is
// aliased to the chosen release's directory.
//
// setup.ts checks both before each test file; scripts/cojson-suite.mjs also
// runs the suite with a canary addon and requires that run to fail.
// Run it with `npm run test:cojson`, or directly:
//   npx vitest run --config __test__/cojson-suite/vitest.config.mts
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";
import { repoRoot, selectedAddon, selectedSuite, suiteDir } from "./addon-targets.mjs";
import { excludedTests } from "./exclusions.mjs";

const addon = selectedAddon();
const suite = selectedSuite();
const cojsonRoot = suite.cojsonRoot;
// `node_modules/cojson`, `node_modules/cojson-0-18`, …
const cojsonDir = relative(repoRoot, cojsonRoot);
// The canary wrapper finds the real addon through this (workers inherit env).
process.env.COJSON_SUITE_CANARY_BASE = addon.path;

const wasmCryptoSource = join(cojsonRoot, "src", "crypto", "WasmCrypto.ts");
const wasmCryptoShim = join(suiteDir, "wasm-crypto-as-napi.ts");
const cojsonSetup = join(cojsonRoot, "src", "tests", "setup.ts");
const excluded: Array<{ file?: string; test?: string }> = excludedTests[suite.version] ?? [];
const excludedNames = excluded.flatMap((entry) => (entry.test ? [entry.test] : []));

/** `text` with every RegExp metacharacter escaped. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A RegExp that matches exactly this absolute path. */
function exactPath(path: string): RegExp {
  return new RegExp(`^${escapeRegExp(path)}$`);
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
  cacheDir: join(repoRoot, "node_modules", `.vite-cojson-suite-${suite.version}`),
  plugins: [redirectWasmCrypto()],
  resolve: {
    alias: [
      { find: /^cojson-core-napi$/, replacement: addon.aliasPath },
      { find: /^cojson\/src\//, replacement: `${cojsonRoot}/src/` },
    ],
  },
  test: {
    name: `cojson@${suite.version}`,
    include: [
      `${cojsonDir}/src/**/*.test.ts`,
      "__test__/cojson-suite/**/*.test.ts",
    ],
    // The default exclude would drop everything under node_modules.
    exclude: excluded.flatMap((entry) => (entry.file ? [entry.file] : [])),
    // Single excluded tests: every name but theirs.
    ...(excludedNames.length > 0 && {
      testNamePattern: new RegExp(`^(?!(?:${excludedNames.map(escapeRegExp).join("|")})$)`),
    }),
    // cojson's own setup file, where the release has one (0.19 and later).
    setupFiles: [join(suiteDir, "setup.ts"), cojsonSetup].filter((file) => existsSync(file)),
    server: {
      deps: {
        // cojson's TypeScript sources go through Vite (and so through the redirects)...
        inline: [new RegExp(`${escapeRegExp(cojsonRoot)}/src/`)],
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
