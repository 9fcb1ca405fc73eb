// Inbox: a backlog of 600 messages in the worker's inbox (jazz-tools'
// experimental Inbox API), sent by a client before the clock starts, each a
// CoMap in its own group as InboxSender expects. At `go` the worker
// subscribes and works through them (the Inbox's default 10 at a time),
// adding each amount to a ledger it owns. The clock runs until the client has
// seen every message marked processed. Sending is left out of the time: in
// this one process the WasmCrypto client and server would otherwise be the
// bottleneck, not the worker. Every run has a new worker account, so no run
// inherits a previous run's inbox.
import { Group, InboxSender } from 'jazz-tools'
import { waitFor, withTimeout } from '../../../demo/util.mjs'
import { canonicalJson, coreReport, sha256 } from '../digest.mjs'
import { InboxMessage, Ledger } from '../schema.mjs'
import { yieldToLoop } from '../sync-wait.mjs'
import { clientView, closeFreshServer, freshServer, sameAsClient } from './client-side.mjs'
import { createPublic } from './worker-side.mjs'

const SEND_TIMEOUT_MS = 120_000
const amountOf = (n) => (n * 7) % 100 + 1
const messagesDigest = (messages) => sha256(canonicalJson([...messages].sort((a, b) => a.n - b.n)))

export default {
  name: 'inbox',
  selfTimed: false,
  throughput: (sizes) => ({ count: sizes.inboxMessages, unit: 'msg/s' }),
  describe: (sizes) => `inbox, ${sizes.inboxMessages} messages`,

  fixture() {
    return {}
  },

  // Sends the backlog; `run.answers` settle when the worker has processed each message.
  async beforeRun(ctx) {
    const { server, credentials, client } = await freshServer()
    const run = { server, client, answers: [] }
    const account = client.account
    const sender = await InboxSender.load(credentials.accountID, account)
    for (let n = 0; n < ctx.sizes.inboxMessages; n++) {
      const answer = sender.sendMessage(InboxMessage.create({ n, amount: amountOf(n) }, Group.create({ owner: account })))
      answer.catch(() => {}) // awaited in drive(); a failure before then must not go unhandled
      run.answers.push(answer)
      await yieldToLoop() // keeps answering the server's pings
    }
    const feed = sender.messages.core
    const session = account.$jazz.localNode.currentSessionID
    await waitFor(() => (feed.knownState().sessions[session] ?? 0) >= ctx.sizes.inboxMessages, 'the backlog to be sent', SEND_TIMEOUT_MS)
    await withTimeout(feed.waitForSync(), SEND_TIMEOUT_MS, 'the backlog to reach the sync server')
    return { syncServer: server.url, credentials, params: {}, run }
  },

  async drive(ctx, fixture, run) {
    await Promise.all(run.answers)
  },

  async verify(ctx, fixture, run, report) {
    const count = ctx.sizes.inboxMessages
    const sent = Array.from({ length: count }, (_, n) => ({ n, amount: amountOf(n) }))
    const total = sent.reduce((sum, m) => sum + m.amount, 0)
    if (report.messages !== messagesDigest(sent)) throw new Error('inbox: the worker read different messages than were sent')
    const view = await clientView(Ledger, report.ledgerID, run.client.account, report.ledger.sessions, 'the ledger')
    if (view.content.total !== total || view.content.count !== count) {
      throw new Error(`inbox: ledger says ${view.content.count} messages, total ${view.content.total}; expected ${count}, ${total}`)
    }
    sameAsClient('inbox ledger', report.ledger, view)
  },

  afterRun: closeFreshServer,

  worker: {
    async prepare({ worker, inbox }) {
      const ledger = await createPublic(Ledger, { total: 0, count: 0 }, worker)
      return { inbox, ledger, total: 0, count: 0, received: [] }
    },

    run(state) {
      state.inbox.subscribe(InboxMessage, async (message) => {
        state.received.push({ n: message.n, amount: message.amount })
        state.total += message.amount
        state.count += 1
        state.ledger.$jazz.set('total', state.total)
        state.ledger.$jazz.set('count', state.count)
      })
    },

    report(state) {
      return {
        ledgerID: state.ledger.$jazz.id,
        ledger: coreReport(state.ledger.$jazz.raw.core),
        messages: messagesDigest(state.received),
      }
    },
  },
}
