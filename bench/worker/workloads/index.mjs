// The workloads by name (see config.mjs for their order). Each module's
// default export holds both sides of one workload:
//
//   name, describe(sizes)  key and table label
//   selfTimed              true: the worker says when it is done; false: the
//                          parent's `drive` decides (clients or the server)
//   throughput(sizes)      undefined for a wall-time figure, else
//                          { count, unit } to report count per second
//   fixture(ctx)           parent, once before the rounds
//   beforeRun(ctx, fixture)   parent, per run: { syncServer?, credentials, params, run }
//                          (syncServer: the run's own; default the shared one)
//   beforeGo(ctx, fixture, run, ready)   optional: parent, with the worker up, before the clock
//   drive(ctx, fixture, run, ready)   parent, the timed part (not selfTimed)
//   verify(ctx, fixture, run, report)   parent, after the clock: throws on any mismatch
//   afterRun(run)          parent, cleanup
//   worker.prepare({ worker, inbox, params })   worker, before the clock; `.info` goes to the parent
//   worker.run(state)      worker, the timed part (or what serves the parent's clients)
//   worker.report(state)   worker, after the clock: content and history digests

const MODULES = {
  'cold-load': () => import('./cold-load.mjs'),
  'deep-load': () => import('./deep-load.mjs'),
  inbox: () => import('./inbox.mjs'),
  rpc: () => import('./rpc.mjs'),
  writes: () => import('./writes.mjs'),
}

/** The workload called `name`. */
export async function loadWorkload(name) {
  const load = MODULES[name]
  if (!load) throw new Error(`unknown workload ${name}`)
  return (await load()).default
}
