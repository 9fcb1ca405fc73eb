// Stands in for cojson's src/crypto/WasmCrypto.ts while cojson's own test suite
// runs (the vitest config resolves every import of that file here). The tests
// write `await WasmCrypto.create()`; through this module they get cojson's own,
// unmodified NapiCrypto, whose `cojson-core-napi` import the config aliases to
// the addon under test. cojson-core-wasm is never loaded.
import { NapiCrypto } from "cojson/src/crypto/NapiCrypto.ts";

export { NapiCrypto as WasmCrypto };

/** WasmCrypto's initialiser; NapiCrypto needs none. */
export async function initWasmCrypto(): Promise<void> {}
