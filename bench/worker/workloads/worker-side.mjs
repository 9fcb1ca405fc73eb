// Worker-side helper of the workloads that write: where the worker keeps
// what it writes.
import { Group } from 'jazz-tools'

/**
 * A new `Schema` value made from `init` in a new group owned by `worker`
 * and readable by everyone (so the checking client can read it), once the
 * sync server has it.
 */
export async function createPublic(Schema, init, worker) {
  const group = Group.create({ owner: worker })
  group.makePublic()
  const value = Schema.create(init, group)
  await value.$jazz.waitForSync()
  return value
}
