// Runs before every test file of cojson's suite (before cojson's own setup.ts).
// It fails the file unless the crypto the tests will get is the NapiCrypto of the
// cojson release chosen by COJSON_SUITE_VERSION on the addon chosen by
// COJSON_SUITE_ADDON (see addon-targets.mjs). `cojson/src/…` is that release's
// source (aliased in the vitest config).
import { createRequire } from "node:module";
import * as napi from "cojson-core-napi";
import { NapiCrypto } from "cojson/src/crypto/NapiCrypto.ts";
import { WasmCrypto } from "cojson/src/crypto/WasmCrypto.ts";
import { addonTargets, selectedAddon, selectedSuite } from "./addon-targets.mjs";

const require = createRequire(import.meta.url);
const addon = selectedAddon();
const suite = selectedSuite();

// cojson's tests use Promise.withResolvers (ES2024, Node >= 22); this package
// supports Node >= 20, so give Node 20 the standard behaviour.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

function fail(message: string): never {
  throw new Error(`cojson-suite setup: ${message}`);
}

// 1. `WasmCrypto` in the tests is cojson's NapiCrypto class, and create() makes one.
if (WasmCrypto !== NapiCrypto) {
  fail("src/crypto/WasmCrypto was not redirected to NapiCrypto");
}
if (!((await WasmCrypto.create()) instanceof NapiCrypto)) {
  fail("WasmCrypto.create() did not return a NapiCrypto");
}

// 2. `cojson-core-napi` (as NapiCrypto imports it) is the chosen addon: the very
//    same function objects as requiring that addon's entry directly.
const expected = require(addon.aliasPath);
if (typeof (napi as Record<string, unknown>)[suite.logClass] !== "function") {
  fail(`cojson-core-napi has no ${suite.logClass}, which cojson@${suite.version}'s NapiCrypto needs`);
}
for (const name of ["sign", "verify", "blake3HashOnce", "seal", "encrypt", suite.logClass]) {
  if ((napi as Record<string, unknown>)[name] !== expected[name]) {
    fail(`cojson-core-napi.${name} is not the one from ${addon.aliasPath}`);
  }
}

// 3. With our addon (or another build of it), nothing may come from the reference package.
if (addon.name !== "reference") {
  const reference = require(addonTargets.reference);
  if (napi.blake3HashOnce === reference.blake3HashOnce) {
    fail("cojson-core-napi resolved to the reference package, not ours");
  }
}
