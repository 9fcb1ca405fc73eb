// The group the parent's author client puts load fixtures in: private, with
// the benchmark's loader worker account as a reader, so the worker has to
// unseal the read key and decrypt every transaction.
import { co, Group } from 'jazz-tools'

/** A new group owned by `author`, readable by the account `readerID`. */
export async function groupReadableBy(author, readerID) {
  const reader = await co.account().load(readerID, { loadAs: author })
  if (!reader.$isLoaded) throw new Error(`reader account ${readerID} not found`)
  const group = Group.create({ owner: author })
  group.addMember(reader, 'reader')
  return group
}
