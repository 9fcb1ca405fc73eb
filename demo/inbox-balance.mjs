// Pattern 1, "inbox": a balance service. Clients send requests to the
// worker's inbox; the worker owns every balance (the user is only a reader),
// so only the worker can change it.
import { co, Group, InboxSender } from 'jazz-tools'
import { Balance, InboxRequest } from './schema.mjs'
import { messageOf, timed, waitFor } from './util.mjs'

/**
 * Worker side: handles `createAccount` and `buy`. Returns the unsubscribe
 * function. `concurrencyLimit` is the inbox's (jazz-tools default: 10).
 */
export function serveBalances({ worker, inbox, concurrencyLimit = 10 }) {
  return inbox.subscribe(
    InboxRequest,
    async (request, senderID) => {
      if (request.kind === 'createAccount') {
        const sender = await co.account().load(senderID, { loadAs: worker })
        if (!sender.$isLoaded) throw new Error('Unknown sender account')
        const group = Group.create({ owner: worker })
        group.addMember(sender, 'reader')
        return Balance.create({ amount: request.amount, purchases: [] }, group)
      }
      if (request.kind === 'buy') {
        const balance = await Balance.load(request.balanceID, { loadAs: worker })
        if (!balance.$isLoaded) throw new Error('Unknown balance')
        if (balance.$jazz.owner.getRoleOf(senderID) !== 'reader') throw new Error('Not your balance')
        // Check and write with no await in between: concurrent handlers
        // cannot both spend the same money.
        if (balance.amount < request.amount) {
          throw new Error(
            `Insufficient balance: ${request.item} costs ${request.amount}, the balance is ${balance.amount}`,
          )
        }
        balance.$jazz.set('amount', balance.amount - request.amount)
        balance.$jazz.set('purchases', [...balance.purchases, request.item])
        return undefined
      }
      throw new Error(`Unknown request kind ${request.kind}`)
    },
    { concurrencyLimit },
  )
}

/**
 * Client side, against a worker serving balances: creates an account with
 * `initialBalance`, buys `items` in order (one is expected to be refused),
 * tries to write its own balance, and reports what it saw.
 */
export async function runInboxFlow({ client, workerID, initialBalance = 100, items, log = () => {} }) {
  const latencies = []
  const sender = await InboxSender.load(workerID, client)
  const send = async (label, init) => {
    const result = await timed(() => sender.sendMessage(InboxRequest.create(init, Group.create({ owner: client }))))
    latencies.push({ request: label, ms: result.ms, ok: !result.error })
    log(`  inbox ${label}: ${result.error ? `rejected: ${messageOf(result.error)}` : 'ok'} (${result.ms.toFixed(1)} ms)`)
    return result
  }

  const created = await send(`createAccount(${initialBalance})`, { kind: 'createAccount', amount: initialBalance })
  if (created.error) throw created.error
  const balanceID = created.value

  const seen = []
  const balance = await Balance.load(balanceID, { loadAs: client })
  const unsubscribe = Balance.subscribe(balanceID, { loadAs: client }, (value) => {
    if (seen.at(-1) !== value.amount) seen.push(value.amount)
  })
  try {
    await waitFor(() => seen.length > 0, 'the first balance update')
    let expected = initialBalance
    const expectedSeen = [initialBalance]
    const rejected = []
    for (const { name, price } of items) {
      const bought = await send(`buy(${name}, ${price})`, { kind: 'buy', item: name, amount: price, balanceID })
      if (bought.error) {
        rejected.push({ item: name, price, message: messageOf(bought.error) })
        continue
      }
      expected -= price
      expectedSeen.push(expected)
      await waitFor(() => seen.at(-1) === expected, `the client to see balance ${expected}`)
    }

    // The user is a reader: its own write is not applied anywhere.
    const forged = expected + 1_000_000
    let writeError
    try {
      balance.$jazz.set('amount', forged)
    } catch (error) {
      writeError = messageOf(error)
    }
    await balance.$jazz.waitForSync().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 200))
    const reloaded = await Balance.load(balanceID, { loadAs: client })
    log(`  client wrote amount=${forged} to its own balance: ${writeError ? `threw ${writeError}` : 'not thrown'}; balance is still ${reloaded.amount}`)

    return {
      balanceID,
      seen: [...seen],
      expectedSeen,
      finalAmount: reloaded.amount,
      purchases: [...reloaded.purchases],
      rejected,
      clientWrite: { attempted: forged, threw: writeError, appliedLocally: balance.amount === forged },
      latencies,
    }
  } finally {
    unsubscribe()
  }
}
