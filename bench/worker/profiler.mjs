// In the worker process: a V8 CPU profile of the timed part of a run, taken
// through the inspector (no restart with --cpu-prof, so start-up is left out).
import { Session } from 'node:inspector/promises'

/** Sampling interval in µs: ~10 samples per ms of CPU. */
const SAMPLING_INTERVAL_US = 100

/** Starts profiling; returns `stop()`, which resolves to the V8 profile object. */
export async function startProfiler() {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US })
  await session.post('Profiler.start')
  return async function stop() {
    const { profile } = await session.post('Profiler.stop')
    await session.post('Profiler.disable')
    session.disconnect()
    return profile
  }
}
