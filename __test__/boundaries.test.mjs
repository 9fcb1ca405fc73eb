// String arguments at the edges of the inline buffers they are read into
// (`src/binding/inline_text.rs`: ids into 192 bytes, headers into 1024), and
// lone surrogates. Every UTF-8 length from N - 8 to N + 8 bytes, with a 1-,
// 2-, 3- and 4-byte character at every offset around the cut, must read back
// exactly as the reference reads it: no id may come back shortened and alias
// another session, no honest header may be refused. Ids and text to hash with
// a lone UTF-16 surrogate are refused (the reference turns it into U+FFFD and
// aliases different strings). Expected values come from the reference.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ours, ref, utf8, generator, attempt } from './helpers/common.mjs'
import { base58 } from './helpers/base58.mjs'

/** The buffer sizes of `SessionIdArg`/`CoValueIdArg` and `HeaderArg`, NUL included. */
const ID_BUFFER = 192
const HEADER_BUFFER = 1024
/** A 1-, 2-, 3- and 4-byte character. */
const WIDE = ['a', 'é', '€', '😀']
const LONE = ['\ud800', '\udbff', '\udc00', '\udfff']

const bytes = (text) => Buffer.byteLength(text, 'utf8')
const signerSecret = 'signerSecret_z' + 'A'.repeat(43)
const signerId = ref.getSignerId(utf8(signerSecret))
const keySecret = 'keySecret_z' + 'B'.repeat(43)
const headerPrefix = '{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":"'
const header = `${headerPrefix}boundaries"}`
const coIdOf = (headerJson) => `co_z${ref.shortHash(headerJson).slice('shortHash_z'.length)}`
const coId = coIdOf(header)

/**
 * Texts `prefix + fill + suffix` whose UTF-8 is `limit - 8` … `limit + 8`
 * bytes, each with one character of every width starting at every byte
 * offset from `limit - 12` on (so it ends before, at or across the cut), and
 * the plain ones from `limit - 12` bytes, which are what a cut text would
 * shorten to.
 */
function boundaryTexts(limit, prefix = '', suffix = '') {
  const fixed = bytes(prefix) + bytes(suffix)
  const out = new Set()
  for (let total = limit - 12; total <= limit + 8; total++) out.add(prefix + 'x'.repeat(total - fixed) + suffix)
  for (let total = limit - 8; total <= limit + 8; total++) {
    for (const wide of WIDE) {
      for (let at = limit - 12; at + bytes(wide) + bytes(suffix) <= total; at++) {
        const before = at - bytes(prefix)
        const after = total - fixed - before - bytes(wide)
        out.add(prefix + 'x'.repeat(before) + wide + 'y'.repeat(after) + suffix)
      }
    }
  }
  return [...out]
}

/** Known state with sessions sorted (the reference's order is a hash map's). */
const knownState = (map) => {
  const { id, header: hasHeader, sessions } = map.getKnownState()
  return { id, header: hasHeader, sessions: Object.entries(sessions).sort() }
}

/** `fn()`, or 'throws'. */
const orThrows = (fn) => {
  const result = attempt(fn)
  return result.error ? 'throws' : result.value
}

/** Everything a reader can get for `sessionId`. */
function readSession(map, sessionId) {
  return [
    map.getTransactionCount(sessionId),
    map.getTransaction(sessionId, 0),
    map.getSessionTransactions(sessionId, 0),
    map.getLastSignature(sessionId),
    map.getSignatureAfter(sessionId, 0),
    map.getLastSignatureCheckpoint(sessionId),
    orThrows(() => map.decryptTransaction(sessionId, 0, keySecret)),
    orThrows(() => map.decryptTransactionMeta(sessionId, 0, keySecret)),
  ]
}

/** Runs `fn(impl)` on ours and the reference and asserts equal results. */
function same(fn, label) {
  const mine = attempt(() => fn(ours))
  const theirs = attempt(() => fn(ref))
  assert.equal(!!mine.error, !!theirs.error, `${label}: ${mine.error ?? theirs.error}`)
  assert.deepEqual(mine.value, theirs.value, label)
  return mine.value
}

const sessionIds = boundaryTexts(ID_BUFFER, 'co_zB_session_z')

test('session ids at the inline cut: each id writes and reads its own session, as in the reference', () => {
  const maps = new Map([ours, ref].map((impl) => [impl, new impl.SessionMap(coId, header, null, false)]))
  sessionIds.forEach((id, i) => {
    // Signatures are deterministic: the same session hash gives the same text.
    same((impl) => maps.get(impl).makeNewTrustingTransaction(id, signerSecret, `[${i}]`, null, 1000), `make ${id}`)
  })
  sessionIds.forEach((id, i) => {
    const read = same((impl) => readSession(maps.get(impl), id), `read ${id}`)
    assert.equal(read[0], 1, `one transaction in ${bytes(id)}-byte ${JSON.stringify(id.slice(-3))}`)
    assert.equal(JSON.parse(read[1]).changes, `[${i}]`, `session ${i} reads its own transaction`)
  })
  const state = same((impl) => knownState(maps.get(impl)), 'known state')
  assert.deepEqual(state.sessions.map(([id]) => id), [...sessionIds].sort())
})

test('session ids at the inline cut: a session never reads another one, nor one that does not exist', () => {
  // Only the plain ids exist; the others shorten to them if cut.
  const plain = sessionIds.filter((id) => !/[aéy€😀]/u.test(id.slice('co_zB_session_z'.length)))
  const maps = new Map([ours, ref].map((impl) => [impl, new impl.SessionMap(coId, header, null, false)]))
  for (const id of plain) {
    same((impl) => maps.get(impl).makeNewTrustingTransaction(id, signerSecret, '[1]', null, 1000), `make ${id}`)
  }
  for (const id of sessionIds) {
    const read = same((impl) => readSession(maps.get(impl), id), `read ${id}`)
    if (!plain.includes(id)) assert.deepEqual(read.slice(0, 6), [-1, null, null, null, null, null], `${id} is empty`)
  }
})

test('session ids at the inline cut: received transactions land in the session named', () => {
  const author = new ref.SessionMap(coId, header, null, false)
  const sample = sessionIds.filter((_, i) => i % 3 === 0)
  const signed = sample.map((id, i) => JSON.parse(author.makeNewTrustingTransaction(id, signerSecret, `[${i}]`, null, 1000)))
  const maps = new Map([ours, ref].map((impl) => [impl, new impl.SessionMap(coId, header, null, false)]))
  sample.forEach((id, i) => {
    const batch = JSON.stringify([signed[i].transaction])
    same((impl) => maps.get(impl).addTransactions(id, signerId, batch, signed[i].signature, false), `add ${id}`)
  })
  sample.forEach((id) => same((impl) => readSession(maps.get(impl), id), `read ${id}`))
  same((impl) => knownState(maps.get(impl)), 'known state')
})

test('CoValue ids at the inline cut read back whole, as in the reference', () => {
  for (const id of boundaryTexts(ID_BUFFER, 'co_z')) {
    const state = same((impl) => knownState(new impl.SessionMap(id, header, null, true)), id)
    assert.equal(state.id, id)
    // Without skipVerify, none of them is the header's id.
    same((impl) => new impl.SessionMap(id, header, null, false) && 'accepted', id)
  }
})

test('headers at the 1 KiB inline cut: every header the reference accepts is accepted, byte for byte', () => {
  const headers = boundaryTexts(HEADER_BUFFER, headerPrefix, '"}')
  assert.ok(headers.length > 500)
  for (const headerJson of headers) {
    const id = coIdOf(headerJson)
    assert.equal(ours.shortHash(headerJson), ref.shortHash(headerJson))
    const [header, state] = same((impl) => {
      const map = new impl.SessionMap(id, headerJson, null, false)
      return [map.getHeader(), knownState(map)]
    }, `${bytes(headerJson)}-byte header ending ${JSON.stringify(headerJson.slice(-4))}`)
    assert.equal(header, headerJson)
    assert.equal(state.id, id)
  }
})

test('transaction JSON and key ids at the inline sizes: made and received byte for byte as the reference', () => {
  const texts = [...boundaryTexts(ID_BUFFER, '["', '"]'), ...boundaryTexts(HEADER_BUFFER, '["', '"]')]
  const keyIds = boundaryTexts(ID_BUFFER, 'key_z')
  const session = 'co_zB_session_zTx'
  const makers = new Map([ours, ref].map((impl) => [impl, new impl.SessionMap(coId, header, null, false)]))
  const made = []
  texts.forEach((changes, i) => {
    made.push(
      same(
        (impl) => makers.get(impl).makeNewPrivateTransaction(session, signerSecret, changes, keyIds[i % keyIds.length], keySecret, changes, 1000 + i),
        `private ${bytes(changes)} bytes`,
      ),
    )
  })
  keyIds.forEach((keyId, i) => {
    made.push(same((impl) => makers.get(impl).makeNewPrivateTransaction(session, signerSecret, '[1]', keyId, keySecret, null, i), keyId))
  })
  texts.forEach((changes, i) => same((impl) => makers.get(impl).makeNewTrustingTransaction(session, signerSecret, changes, changes, i), `trusting ${i}`))
  const transactions = same((impl) => makers.get(impl).getSessionTransactions(session, 0), 'stored')
  const signature = same((impl) => makers.get(impl).getLastSignature(session), 'signature')
  same((impl) => {
    const map = new impl.SessionMap(coId, header, null, false)
    map.addTransactions(session, signerId, `[${transactions.join(',')}]`, signature, false)
    return [map.getSessionTransactions(session, 0), texts.map((_, i) => map.decryptTransaction(session, i, keySecret))]
  }, 'received')
  made.forEach((out, i) => {
    const keyId = i < texts.length ? keyIds[i % keyIds.length] : keyIds[i - texts.length]
    assert.equal(JSON.parse(out).transaction.keyUsed, keyId)
  })
})

const loneSurrogateError = (what) => ({
  code: 'InvalidArg',
  message: `Invalid ${what}: contains a lone surrogate (not well-formed UTF-16)`,
})

/** Strings with a lone surrogate: short, long, and next to the inline cut. */
function withLoneSurrogates(prefix) {
  const out = []
  for (const lone of LONE) {
    out.push(prefix + lone, lone + prefix, `${prefix}${lone}😀`, `${prefix}😀${lone}`, `${prefix}\ufffd${lone}`, prefix + 'x'.repeat(300) + lone)
    // Reversed pair: two lone surrogates.
    out.push(`${prefix}\ude00\ud83d`)
    for (let k = ID_BUFFER - 8 - bytes(prefix); k <= ID_BUFFER + 2 - bytes(prefix); k++) out.push(prefix + 'x'.repeat(k) + lone, prefix + 'x'.repeat(k) + lone + 'y')
  }
  return out
}

test('lone surrogates in session ids are refused by every SessionMap method (the reference aliases them)', () => {
  const map = new ours.SessionMap(coId, header, null, false)
  const refused = loneSurrogateError('session ID')
  for (const id of withLoneSurrogates('co_zB_session_z')) {
    assert.throws(() => map.makeNewTrustingTransaction(id, signerSecret, '[1]', null, 1), refused, JSON.stringify(id))
    assert.throws(() => map.makeNewPrivateTransaction(id, signerSecret, '[1]', 'key_z1', keySecret, null, 1), refused)
    assert.throws(() => map.addTransactions(id, signerId, '[]', 'signature_z1', true), refused)
    assert.throws(() => map.getTransactionCount(id), refused)
    assert.throws(() => map.getTransaction(id, 0), refused)
    assert.throws(() => map.getSessionTransactions(id, 0), refused)
    assert.throws(() => map.getLastSignature(id), refused)
    assert.throws(() => map.getSignatureAfter(id, 0), refused)
    assert.throws(() => map.getLastSignatureCheckpoint(id), refused)
    assert.throws(() => map.decryptTransaction(id, 0, keySecret), refused)
    assert.throws(() => map.decryptTransactionMeta(id, 0, keySecret), refused)
  }
  assert.deepEqual(map.getKnownState().sessions, {})

  // The reference: three different ids are one session.
  const theirs = new ref.SessionMap(coId, header, null, false)
  theirs.makeNewTrustingTransaction('co_zB_session_z\ud800', signerSecret, '[1]', null, 1)
  assert.equal(theirs.getTransactionCount('co_zB_session_z\udc00'), 1)
  assert.equal(theirs.getTransactionCount('co_zB_session_z\ufffd'), 1)
  // Ours: U+FFFD itself, and pairs, are ordinary characters.
  for (const id of ['co_zB_session_z\ufffd', 'co_zB_session_z😀\ufffd', 'co_zB_session_z' + 'x'.repeat(300) + '\ufffd']) {
    map.makeNewTrustingTransaction(id, signerSecret, '[1]', null, 1)
    assert.equal(map.getTransactionCount(id), 1)
  }
  assert.equal(map.getTransactionCount('co_zB_session_z😀'), -1)
})

test('lone surrogates in CoValue ids and key ids are refused', () => {
  for (const id of withLoneSurrogates('co_z')) {
    assert.throws(() => new ours.SessionMap(id, header, null, true), loneSurrogateError('CoValue ID'), JSON.stringify(id))
  }
  assert.equal(new ref.SessionMap('co_z\ud800', header, null, true).getKnownState().id, 'co_z\ufffd')
  const map = new ours.SessionMap(coId, header, null, false)
  for (const keyId of withLoneSurrogates('key_z')) {
    assert.throws(
      () => map.makeNewPrivateTransaction('co_zB_session_zK', signerSecret, '[1]', keyId, keySecret, null, 1),
      loneSurrogateError('key ID'),
    )
  }
  assert.equal(map.getTransactionCount('co_zB_session_zK'), -1)
})

test('lone surrogates in text to hash, messages and nonce material are refused; U+FFFD and pairs hash as in the reference', () => {
  const engine = new ours.NativeCryptoEngine()
  const nonce = '{"in":"co_zX","tx":{"sessionID":"co_zA_session_zB","txIndex":0}}'
  const big = 'x'.repeat(1 << 20)
  for (const text of [...withLoneSurrogates('{"k":"'), `${big}\ud800`, `\udfff${big}`]) {
    assert.throws(() => ours.shortHash(text), loneSurrogateError('text to hash'))
    assert.throws(() => engine.shortHash(text), loneSurrogateError('text to hash'))
    assert.throws(() => engine.secureHash(text), loneSurrogateError('text to hash'))
    assert.throws(() => engine.sign(signerSecret, text), loneSurrogateError('message'))
    assert.throws(() => engine.verify('signature_z1', text, signerId), loneSurrogateError('message'))
    assert.throws(() => engine.encrypt('m', keySecret, text), loneSurrogateError('nonce material'))
    assert.throws(() => engine.decrypt(new Uint8Array(1), keySecret, text), loneSurrogateError('nonce material'))
  }
  // The reference hashes them as U+FFFD: different strings, one hash.
  assert.equal(ref.shortHash('\ud800'), ref.shortHash('\udc00'))
  assert.equal(ref.shortHash('\ud800'), ref.shortHash('\ufffd'))
  for (const text of ['\ufffd', 'a\ufffdb', '😀', '\ud83d\ude00\ufffd', `${big}\ufffd`, '{"k":"€\ufffd😀"}']) {
    assert.equal(ours.shortHash(text), ref.shortHash(text))
    assert.equal(engine.shortHash(text), ref.shortHash(text))
    assert.equal(engine.secureHash(text), `hash_z${base58(ref.blake3HashOnce(utf8(text)))}`)
  }
})

/** A random code point that needs no JSON escaping: ASCII, 2-, 3-byte (U+FFFD included) or astral. */
function randomChar(g) {
  switch (g.int(5)) {
    case 0:
      return String.fromCodePoint(0x20 + g.int(0x5f)).replace(/["\\]/, 'q')
    case 1:
      return String.fromCodePoint(0x80 + g.int(0x780))
    case 2: {
      const c = 0x800 + g.int(0xf800 - 0x800)
      return c >= 0xd800 && c <= 0xdfff ? '\ufffd' : String.fromCodePoint(c)
    }
    default:
      return String.fromCodePoint(0x10000 + g.int(0x100000))
  }
}

/** `prefix` and random characters up to about `target` UTF-8 bytes (± 12). */
function randomText(g, prefix, target) {
  const goal = target - 12 + g.int(25)
  let out = prefix
  while (bytes(out) < goal) out += randomChar(g)
  return out
}

test('random Unicode near the limits: ours reads what the reference reads (seeded)', () => {
  const g = generator(0x1d5)
  const maps = new Map([ours, ref].map((impl) => [impl, new impl.SessionMap(coId, header, null, false)]))
  const ids = []
  for (let i = 0; i < 400; i++) {
    const id = randomText(g, 'co_zR_session_z', ID_BUFFER)
    if (ids.includes(id)) continue
    ids.push(id)
    same((impl) => maps.get(impl).makeNewTrustingTransaction(id, signerSecret, `[${i}]`, null, i), `make ${JSON.stringify(id)}`)
    const coValueId = randomText(g, 'co_z', ID_BUFFER)
    same((impl) => new impl.SessionMap(coValueId, header, null, true).getKnownState().id, coValueId)
  }
  for (const id of ids) same((impl) => readSession(maps.get(impl), id), `read ${JSON.stringify(id)}`)
  same((impl) => knownState(maps.get(impl)), 'known state')
  for (let i = 0; i < 150; i++) {
    const headerJson = randomText(g, headerPrefix, HEADER_BUFFER - 2) + '"}'
    const id = coIdOf(headerJson)
    same((impl) => new impl.SessionMap(id, headerJson, null, false).getHeader(), `header ${i}`)
    assert.equal(ours.shortHash(headerJson), ref.shortHash(headerJson))
  }
  // The same with a lone surrogate spliced in: refused here, accepted there.
  for (let i = 0; i < 100; i++) {
    const text = randomText(g, 'co_zR_session_z', ID_BUFFER)
    const chars = [...text]
    const at = 'co_zR_session_z'.length + g.int(chars.length - 'co_zR_session_z'.length + 1)
    const id = [...chars.slice(0, at), g.pick(LONE), ...chars.slice(at)].join('')
    assert.throws(() => maps.get(ours).getTransactionCount(id), loneSurrogateError('session ID'))
    assert.throws(() => ours.shortHash(id), loneSurrogateError('text to hash'))
    assert.equal(typeof ref.shortHash(id), 'string')
  }
})
