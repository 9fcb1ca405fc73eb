// The CoValue schemas both demo patterns use.
import { co, z } from 'jazz-tools'

/** A user's balance: written by the worker only; the user is a reader. */
export const Balance = co.map({
  amount: z.number(),
  purchases: z.array(z.string()),
})

/** What a client sends to the worker's inbox (owned by the client's group). */
export const InboxRequest = co.map({
  kind: z.enum(['createAccount', 'buy']),
  amount: z.number(),
  item: z.optional(z.string()),
  balanceID: z.optional(z.string()),
})

/** The worker's record of an event's bookings. */
export const Event = co.map({
  name: z.string(),
  capacity: z.number(),
  booked: z.number(),
})
