// `node --import ./drop-in.mjs`: maps `cojson-core-napi` to this package
// (demo/drop-in-hook.mjs), so cojson's own NapiCrypto runs on cojson-native,
// as an npm override would make it in an installed app.
import { register } from 'node:module'

register('../../demo/drop-in-hook.mjs', import.meta.url)
