// Runs inside cojson's suite (same config, same setup): checks that the nodes
// cojson's own test helpers build really sign, verify and hash with the chosen
// release's NapiCrypto on the chosen addon, not with WasmCrypto or the
// reference package. `cojson/src/…` is that release's source.
import { createRequire } from "node:module";
import * as napi from "cojson-core-napi";
import { NapiCrypto } from "cojson/src/crypto/NapiCrypto.ts";
import { WasmCrypto } from "cojson/src/crypto/WasmCrypto.ts";
import { createTestNode } from "cojson/src/tests/testUtils.ts";
import { describe, expect, it } from "vitest";
import { selectedAddon, selectedSuite } from "./addon-targets.mjs";

const require = createRequire(import.meta.url);
const addon = selectedAddon();
const suite = selectedSuite();

describe(`cojson@${suite.version} suite wiring`, () => {
  it("gives cojson's test helpers a NapiCrypto", () => {
    const node = createTestNode();
    expect(node.crypto).toBeInstanceOf(NapiCrypto);
    expect(WasmCrypto).toBe(NapiCrypto);
  });

  it("resolves cojson-core-napi to the chosen addon", () => {
    const chosen = require(addon.aliasPath);
    expect(napi.sign).toBe(chosen.sign);
    expect(napi.verify).toBe(chosen.verify);
    // The class that release's NapiCrypto keeps transactions in.
    const logClass = (napi as Record<string, unknown>)[suite.logClass];
    expect(typeof logClass).toBe("function");
    expect(logClass).toBe(chosen[suite.logClass]);
  });

  it("signs through that addon: NapiCrypto.sign equals the addon's sign", () => {
    const node = createTestNode();
    const secret = node.crypto.newRandomSigner();
    const message = { hello: "world", n: 1 };
    const signature = node.crypto.sign(secret, message);
    const direct = require(addon.path).sign(
      new TextEncoder().encode('{"hello":"world","n":1}'),
      new TextEncoder().encode(secret),
    );
    expect(signature).toBe(direct);
    expect(node.crypto.verify(signature, message, node.crypto.getSignerID(secret))).toBe(true);
  });
});
