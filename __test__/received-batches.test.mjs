// Received transaction batches (`SessionMap.addTransactions`) whose fields
// hold the wrong kind of JSON value, against cojson-core-napi@0.20.19: every
// field holding every kind of value, `null` where the reference allows it
// and where it does not, duplicate keys, and inputs of several MiB. Where
// the reference accepts, ours stores exactly what it stores, or (only for a
// `null` the reference silently drops) refuses with a clear error. Where
// the reference refuses, ours refuses too, with its own message.
// The memory side (no JSON tree is built from such a field) is measured by
// bench/received-memory.mjs and bounded by tests/received_memory.rs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ours, ref } from './helpers/common.mjs'

const header = JSON.stringify({ meta: null, ruleset: { type: 'unsafeAllowAll' }, type: 'comap', uniqueness: 'received' })
const coId = `co_z${ref.shortHash(header).slice('shortHash_z'.length)}`
const session = 'co_zReceiver_session_zFields1'
const secret = `signerSecret_z${'A'.repeat(43)}`
const { signature } = JSON.parse(new ref.SessionMap(coId, header, null, false).makeNewTrustingTransaction(session, secret, '[]', null, 1))

/** Adds `json` to a fresh map (signature not checked): what was stored, or the error message. */
function receive(lib, json) {
  const map = new lib.SessionMap(coId, header, null, false)
  try {
    map.addTransactions(session, undefined, json, signature, true)
  } catch (error) {
    // (The reference may leave an empty session behind.)
    if (lib === ours) assert.equal(map.getTransactionCount(session), -1, 'a refused batch leaves nothing behind')
    return { error: error.message }
  }
  return { stored: map.getSessionTransactions(session, 0) }
}

const FIELD_MESSAGES = {
  changes: 'Invalid transaction: changes must be a string',
  encryptedChanges: 'Invalid transaction: encryptedChanges must be a string',
  keyUsed: 'Invalid transaction: keyUsed must be a string',
  meta: 'Invalid transaction: meta must be a string when present',
}

const BASE = {
  trusting: { privacy: 'trusting', madeAt: 1700000000000, changes: '[{"op":"set","key":"k","value":1}]' },
  private: { privacy: 'private', madeAt: 1700000000000, encryptedChanges: 'encrypted_UAAAA', keyUsed: 'key_z1' },
}

const nest = (depth) => '['.repeat(depth) + '0' + ']'.repeat(depth)

/** JSON texts of every kind of value. */
const VALUES = {
  'an array': '[0,0,0]',
  'an empty array': '[]',
  'an object': '{"a":"b"}',
  'an empty object': '{}',
  'a number': '5',
  'a float': '-1.5e3',
  'true': 'true',
  'false': 'false',
  'null': 'null',
  'nesting within the depth limit': nest(100),
  'nesting beyond the depth limit': nest(300),
  'an array holding a number out of range': '[1e400]',
}

/** `{...base, [field]: <raw JSON value>}` as text, `field` last. */
function withField(base, field, rawValue) {
  const rest = { ...base }
  delete rest[field]
  const text = JSON.stringify(rest)
  return `[${text.slice(0, -1)},${JSON.stringify(field)}:${rawValue}}]`
}

test('a string field holding anything but a string: refused where the reference refuses', () => {
  let compared = 0
  for (const privacy of ['trusting', 'private']) {
    for (const field of ['changes', 'encryptedChanges', 'keyUsed', 'meta']) {
      for (const [what, raw] of Object.entries(VALUES)) {
        const json = withField(BASE[privacy], field, raw)
        const theirs = receive(ref, json)
        const mine = receive(ours, json)
        const unused = privacy === 'trusting' ? ['encryptedChanges', 'keyUsed'] : ['changes']
        if (theirs.stored) {
          // The reference drops a `null` meta, and a field the privacy does
          // not use whatever it holds, and stores the rest: ours refuses
          // such non-canonical input (SECURITY.md, docs/session-map.md).
          assert.ok((field === 'meta' && raw === 'null') || unused.includes(field), `${privacy} ${field} ${what}: the reference accepted`)
          assert.match(mine.error, /^Invalid transaction: /, `${privacy} ${field} ${what}`)
          continue
        }
        assert.ok(mine.error, `${privacy} ${field} ${what}: ours accepted ${json.slice(0, 120)}`)
        assert.equal(mine.error, FIELD_MESSAGES[field], `${privacy} ${field} ${what}`)
        compared++
      }
    }
  }
  assert.ok(compared >= 50, `${compared} cases compared`)
})

test('privacy and madeAt of the wrong kind: both refuse; another privacy string: ours refuses', () => {
  for (const field of ['privacy', 'madeAt']) {
    for (const [what, raw] of Object.entries(VALUES)) {
      if (field === 'madeAt' && raw === '5') continue // a valid madeAt
      for (const privacy of ['trusting', 'private']) {
        const json = withField(BASE[privacy], field, raw)
        assert.ok(receive(ref, json).error, `${field} ${what}: the reference accepted`)
        assert.match(
          receive(ours, json).error,
          /^(Serialization error: (unexpected JSON value|invalid JSON) at line 1 column \d+|Invalid transaction: .*)$/,
          `${field} ${what}`,
        )
      }
    }
  }
  for (const raw of ['1.0', '-1', '"1"', '1e3']) {
    const json = withField(BASE.trusting, 'madeAt', raw)
    assert.ok(receive(ref, json).error, `reference: madeAt ${raw}`)
    assert.match(receive(ours, json).error, /^(Invalid transaction|Serialization error): /, `madeAt ${raw}`)
  }
  // Any other privacy string: the reference rewrites it from the fields
  // present; ours refuses non-canonical input.
  for (const raw of ['"Trusting"', '""', '"trusting "', `"${'x'.repeat(1 << 20)}"`]) {
    const json = withField(BASE.trusting, 'privacy', raw)
    assert.ok(receive(ref, json).stored, `reference: privacy ${raw.slice(0, 20)}`)
    assert.equal(receive(ours, json).error, 'Invalid transaction: privacy must be "private" or "trusting"')
  }
})

test('duplicate keys: both refuse; unknown keys: ours refuses at the key', () => {
  for (const [privacy, field, raw] of [
    ['trusting', 'changes', '"[2]"'],
    ['trusting', 'changes', '[0,0]'],
    ['trusting', 'privacy', '"trusting"'],
    ['trusting', 'madeAt', '1'],
    ['private', 'encryptedChanges', '"encrypted_UAAAA"'],
    ['private', 'keyUsed', '"key_z1"'],
  ]) {
    const json = `[${JSON.stringify(BASE[privacy]).slice(0, -1)},${JSON.stringify(field)}:${raw}}]`
    assert.ok(receive(ref, json).error, `reference: ${json}`)
    assert.match(receive(ours, json).error, /^Serialization error: unexpected JSON value at line 1 column \d+$/, json)
  }
  const meta = `[${JSON.stringify({ ...BASE.trusting, meta: 'a' }).slice(0, -1)},"meta":"b"}]`
  assert.ok(receive(ref, meta).error)
  assert.ok(receive(ours, meta).error)
  // The reference drops unknown keys, whatever they hold, after reading
  // their values in full; ours refuses at the key, before the value.
  for (const raw of ['1', '[0,0]', `[${'0,'.repeat(1 << 20)}0]`, '['.repeat(1 << 20)]) {
    const json = withField(BASE.trusting, 'x', raw)
    if (!raw.endsWith('[')) assert.ok(receive(ref, json).stored, 'the reference drops it')
    assert.equal(receive(ours, json).error, `Serialization error: unexpected JSON value at line 1 column ${json.indexOf('"x"') + 3}`)
  }
})

test('transactions must be objects: an array in their place is refused', () => {
  // serde's derive would read these field by field; the reference accepts
  // its own field order, ours accepts none.
  for (const json of [
    '[["trusting",1700000000000,"[1]"]]',
    '[["[1]",1700000000000,null,"trusting"]]',
    '[["encrypted_UAAAA","key_z1",1700000000000,null,"private"]]',
    '[[]]',
    '[1]',
    '[null]',
    '["x"]',
  ]) {
    assert.match(receive(ours, json).error, /^Serialization error: unexpected JSON value at line 1 column \d+$/, json)
  }
})

test('inputs of several MiB: refused or stored exactly as the reference does', () => {
  const MiB = 1 << 20
  const zeros = `[${'0,'.repeat(2 * MiB)}0]`
  const trees = `[${'{"a":[{"a":[{"a":[0]}]}]},'.repeat(MiB / 8)}0]`
  for (const [field, privacy] of [
    ['changes', 'trusting'],
    ['meta', 'trusting'],
    ['encryptedChanges', 'private'],
    ['keyUsed', 'private'],
  ]) {
    for (const raw of [zeros, trees, '['.repeat(4 * MiB)]) {
      const json = withField(BASE[privacy], field, raw)
      assert.ok(receive(ref, json).error, `reference: ${field}`)
      assert.equal(receive(ours, json).error, FIELD_MESSAGES[field], field)
    }
  }
  const large = 'x'.repeat(4 * MiB) + 'é😀\n"\\'
  const many = Array.from({ length: 20000 }, (_, i) => ({ privacy: 'trusting', madeAt: i, changes: `[${i}]` }))
  for (const json of [
    JSON.stringify([{ ...BASE.trusting, changes: large }]),
    JSON.stringify([{ changes: large, madeAt: 1, privacy: 'trusting' }]),
    JSON.stringify([{ ...BASE.trusting, meta: large }]),
    JSON.stringify(many),
    JSON.stringify(many.map((t) => ({ changes: t.changes, madeAt: t.madeAt, privacy: t.privacy }))),
  ]) {
    const theirs = receive(ref, json)
    assert.ok(theirs.stored, 'the reference accepts')
    assert.deepEqual(receive(ours, json), theirs)
  }
})

test('valid batches in any key order, with whitespace and escapes: stored exactly as the reference does', () => {
  const batch = [
    { ...BASE.trusting, changes: '["\\"q\\" \\\\ \u0001 \u001f é 😀 \n\t/"]', meta: '{"m":"\u0002"}' },
    { ...BASE.private, meta: 'encrypted_UAA==' },
    { ...BASE.trusting, madeAt: 0 },
    { ...BASE.private, encryptedChanges: 'encrypted_U', keyUsed: 'key_\u00e9"' },
  ]
  const reversed = batch.map((tx) => Object.fromEntries(Object.entries(tx).reverse()))
  for (const json of [
    JSON.stringify(batch),
    JSON.stringify(reversed),
    JSON.stringify(reversed, null, 2),
    JSON.stringify(batch).replaceAll('é', '\\u00e9').replaceAll('/', '\\/'),
  ]) {
    const theirs = receive(ref, json)
    assert.ok(theirs.stored, json)
    assert.deepEqual(receive(ours, json), theirs, json)
  }
})
