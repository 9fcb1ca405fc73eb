// Signs `?message=` with a fixed Ed25519 key (RFC 8032 test 1: never use a
// published key for anything real) and verifies the signature, all with
// cojson-native. Answers JSON with hex strings.
import {
  blake3HashOnce,
  ed25519Sign,
  ed25519SigningKeyToPublic,
  ed25519Verify,
  getSignerId,
  sign,
  verify,
} from 'cojson-native'

// The addon needs Node.js, and every request is signed afresh.
export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const SIGNING_KEY = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')
const hex = (bytes) => Buffer.from(bytes).toString('hex')

export function GET(request) {
  const message = Buffer.from(new URL(request.url).searchParams.get('message') ?? '', 'utf8')
  const publicKey = ed25519SigningKeyToPublic(SIGNING_KEY)
  const signature = ed25519Sign(SIGNING_KEY, message)
  const tampered = Buffer.from(signature)
  tampered[0] ^= 1

  // The same key in cojson's text form, as NapiCrypto passes it.
  const signerSecret = Buffer.from(`signerSecret_z${base58(SIGNING_KEY)}`)
  const signatureText = sign(message, signerSecret)
  const signerId = getSignerId(signerSecret)

  return Response.json({
    message: message.toString('utf8'),
    publicKey: hex(publicKey),
    signature: hex(signature),
    verified: ed25519Verify(publicKey, message, signature),
    tamperedVerified: ed25519Verify(publicKey, message, tampered),
    blake3: hex(blake3HashOnce(message)),
    signerId,
    signatureText,
    textVerified: verify(Buffer.from(signatureText), message, Buffer.from(signerId)),
  })
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
function base58(bytes) {
  let value = BigInt(`0x${hex(bytes) || '0'}`)
  let out = ''
  while (value > 0n) {
    out = ALPHABET[Number(value % 58n)] + out
    value /= 58n
  }
  for (const byte of bytes) {
    if (byte !== 0) break
    out = `1${out}`
  }
  return out
}
