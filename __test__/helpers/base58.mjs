// Bitcoin-alphabet base58, the encoding of every cojson key and id, written
// independently of the addon so tests can build key texts from raw bytes.
// No imports: the portable tests (cross-smoke, which also runs under QEMU
// with only the addon and pure-JS packages) use it too.

/** The 58 characters, in digit order. */
export const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** The base58 text of `bytes` (one leading '1' per leading zero byte). */
export function base58(bytes) {
  let value = 0n
  for (const byte of bytes) value = value * 256n + BigInt(byte)
  let out = ''
  while (value > 0n) {
    out = ALPHABET[Number(value % 58n)] + out
    value /= 58n
  }
  for (const byte of bytes) {
    if (byte !== 0) break
    out = '1' + out
  }
  return out
}
