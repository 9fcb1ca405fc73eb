// The performance fast paths return exactly what the general paths and the
// reference return: Blake3Hasher's small-input buffering around its 1 KiB
// switch-over, and SessionMap batches that are already canonical (borrowed)
// against the same transactions in another key order (re-serialised).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'

const require = createRequire(import.meta.url)
const ref = require('cojson-core-napi')
const ours = require('../index.js')
const hex = (b) => Buffer.from(b).toString('hex')

test('Blake3Hasher agrees with the reference across the buffering threshold, forks included', () => {
  for (const sizes of [[0], [1024], [1025], [1000, 24], [1000, 25], [512, 512, 1], [3000], [1, 2000, 7, 70000]]) {
    const mine = new ours.Blake3Hasher()
    const theirs = new ref.Blake3Hasher()
    const forks = []
    for (const size of sizes) {
      const data = randomBytes(size)
      mine.update(data)
      theirs.update(data)
      forks.push([mine.clone(), hex(theirs.finalize())])
      assert.equal(hex(mine.finalize()), hex(theirs.finalize()), `sizes ${sizes}`)
    }
    for (const [fork, expected] of forks) assert.equal(hex(fork.finalize()), expected)
    const extra = randomBytes(600)
    const fork = mine.clone()
    fork.update(extra)
    theirs.update(extra)
    assert.equal(hex(fork.finalize()), hex(theirs.finalize()))
  }
})

function reorder(tx) {
  // Same transaction, keys in reverse order: not canonical text.
  return Object.fromEntries(Object.entries(tx).reverse())
}

test('received batches: canonical and reordered texts store the same transactions as the reference', () => {
  const header = JSON.stringify({ meta: null, ruleset: { type: 'unsafeAllowAll' }, type: 'comap', uniqueness: 'fast1' })
  const coId = `co_z${ref.shortHash(header).slice('shortHash_z'.length)}`
  const secret = 'signerSecret_z' + 'A'.repeat(43)
  const signerId = ref.getSignerId(new TextEncoder().encode(secret))
  const author = new ref.SessionMap(coId, header, null, false)
  const session = 'co_zAuthor_session_zFast1'
  const texts = ['[1]', '["\\"quoted\\" \\\\ \u0001 \u001f é 😀 \n\t/"]', JSON.stringify([{ op: 'set', key: 'k', value: 'x'.repeat(200) }])]
  const txs = []
  let signature
  texts.forEach((changes, i) => {
    const out =
      i % 2
        ? author.makeNewPrivateTransaction(session, secret, changes, 'key_z1', 'keySecret_z' + 'B'.repeat(43), i ? '{"m":1}' : null, 1000 + i)
        : author.makeNewTrustingTransaction(session, secret, changes, i ? '{"m":"\u0002"}' : null, 1000 + i)
    const parsed = JSON.parse(out)
    txs.push(parsed.transaction)
    signature = parsed.signature
  })
  for (const batch of [JSON.stringify(txs), JSON.stringify(txs.map(reorder))]) {
    const mine = new ours.SessionMap(coId, header, null, false)
    const theirs = new ref.SessionMap(coId, header, null, false)
    mine.addTransactions(session, signerId, batch, signature, false)
    theirs.addTransactions(session, signerId, batch, signature, false)
    assert.deepEqual(mine.getSessionTransactions(session, 0), theirs.getSessionTransactions(session, 0))
    assert.deepEqual(mine.getSessionTransactions(session, 1), theirs.getSessionTransactions(session, 1))
    assert.deepEqual(mine.getSessionTransactions(session, 9), [])
    for (let i = 0; i < texts.length; i++) {
      assert.equal(mine.getTransaction(session, i), theirs.getTransaction(session, i))
      assert.equal(mine.decryptTransaction(session, i, 'keySecret_z' + 'B'.repeat(43)), texts[i])
    }
    assert.equal(mine.getTransaction(session, texts.length), null)
  }
})
