// The five promise-returning exports, each with valid arguments and the
// result the reference cojson-core-napi@0.20.19 gives for them (shown as
// text, so results compare with assert.equal / deepEqual).
import { base58 } from '@scure/base'
import { utf8, hex } from './common.mjs'

/** Calls with valid arguments and expected results, from the seeded generator `g` and the reference `ref`. */
export function asyncCalls(g, ref) {
  const secret = utf8(`signerSecret_z${base58.encode(g.bytes(32))}`)
  const message = g.bytes(1 + g.int(300))
  const signature = ref.sign(message, secret)
  const signerId = ref.getSignerId(secret)
  const from = `sealerSecret_z${base58.encode(g.bytes(32))}`
  const to = `sealerSecret_z${base58.encode(g.bytes(32))}`
  const fromId = ref.getSealerId(utf8(from))
  const toId = ref.getSealerId(utf8(to))
  const nonce = g.bytes(1 + g.int(60))
  const sealed = ref.seal(message, from, toId, nonce)
  return [
    { name: 'signAsync', args: [message, secret], expected: signature, show: (v) => v },
    { name: 'verifyAsync', args: [utf8(signature), message, utf8(signerId)], expected: true, show: (v) => v },
    { name: 'sealAsync', args: [message, from, toId, nonce], expected: hex(sealed), show: hex },
    { name: 'unsealAsync', args: [sealed, to, fromId, nonce], expected: hex(message), show: hex },
    {
      name: 'verifyBatchAsync',
      args: [[{ signature, message, signerId }, { signature, message: utf8('other'), signerId }]],
      expected: [true, false],
      show: (v) => v,
    },
  ]
}
