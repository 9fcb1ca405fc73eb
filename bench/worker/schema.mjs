// The CoValue schemas of the worker benchmark's workloads.
import { co, experimental_defineRequest, z } from 'jazz-tools'

/** A map written many times: the cold-load history and the worker's writes. */
export const History = co.record(z.string(), z.number())

/** One of the deep-load maps. */
export const Item = co.map({ name: z.string(), index: z.number(), tags: z.array(z.string()) })

/** The deep-load list. */
export const ItemList = co.list(Item)

/** What a client sends to the worker's inbox. */
export const InboxMessage = co.map({ n: z.number(), amount: z.number() })

/** The worker's running total (inbox) or request counter (RPC), readable by everyone. */
export const Ledger = co.map({ total: z.number(), count: z.number() })

/** The JazzRPC request of the RPC workload, for the worker and its clients. */
export function defineEcho({ url, workerId }) {
  return experimental_defineRequest({
    url,
    workerId,
    request: { schema: { n: z.number() } },
    response: { schema: { n: z.number(), doubled: z.number(), ticket: z.number() } },
  })
}
