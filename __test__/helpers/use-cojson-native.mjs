// `node --import ./use-cojson-native.mjs`: registers the alias hook.
import { register } from 'node:module'

register('./alias-hooks.mjs', import.meta.url)
