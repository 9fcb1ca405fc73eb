// What a correct demo run looks like, checked by both `npm start` (which
// exits non-zero on a mismatch) and the tests.
import assert from 'node:assert/strict'

/** Throws an AssertionError when the report of `runDemo` is not as expected. */
export function assertFlows(report) {
  const { inbox, tickets } = report
  // Inbox: the client saw every change of its balance, in order.
  assert.deepEqual(inbox.seen, [100, 70, 25, 20])
  assert.deepEqual(inbox.expectedSeen, [100, 70, 25, 20])
  assert.deepEqual(inbox.purchases, ['coffee', 'book', 'tea'])
  assert.equal(inbox.rejected.length, 1)
  assert.equal(inbox.rejected[0].item, 'laptop')
  assert.match(inbox.rejected[0].message, /Insufficient balance: laptop costs 999, the balance is 25/)
  // The client's write to its own (read-only) balance was applied nowhere.
  assert.equal(inbox.clientWrite.appliedLocally, false)
  assert.equal(inbox.finalAmount, 20)
  assert.equal(inbox.workerSeesAmount, 20)
  assert.ok(!inbox.seen.includes(inbox.clientWrite.attempted))
  assert.ok(inbox.latencies.every((l) => l.ms > 0))

  // HTTP endpoint: tickets until full, then 400; replay and tamper refused.
  const byName = Object.fromEntries(tickets.outcomes.map((o) => [o.request, o]))
  assert.equal(byName['book #1'].ok, true)
  assert.equal(byName['book #1'].ticketNumber, 1)
  assert.equal(byName['replay of #1'].ok, false)
  assert.equal(byName['replay of #1'].status, 400)
  assert.match(byName['replay of #1'].message, /already handled/)
  assert.equal(byName.tampered.ok, false)
  assert.equal(byName.tampered.status, 401)
  assert.equal(byName.tampered.message, 'Invalid signature')
  assert.equal(byName['book #2'].ticketNumber, 2)
  assert.equal(byName['book #3'].ticketNumber, 3)
  assert.equal(byName['book #4'].ok, false)
  assert.equal(byName['book #4'].status, 400)
  assert.equal(byName['book #4'].message, 'Event is full')
  assert.equal(tickets.booked, 3)
}
