// Runs every *Async export a few times and lists the results that differ
// from the reference's (an empty list when all agree).
import { ours, ref, generator } from './common.mjs'
import { asyncCalls } from './async-calls.mjs'

/** The mismatches of one round of checks seeded by `seed`. */
export async function mismatches(seed) {
  const g = generator(9_000 + seed)
  const wrong = []
  for (let i = 0; i < 4; i++) {
    for (const { name, args, expected, show } of asyncCalls(g, ref)) {
      const got = show(await ours[name](...args))
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push({ name, got, expected })
    }
  }
  return wrong
}
