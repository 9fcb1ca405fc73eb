// Pattern 2, "HTTP request": a ticket booking endpoint defined with
// jazz-tools' experimental_defineRequest. Every request is a signed CoValue
// envelope; the worker verifies it, refuses replays, and answers with a
// CoValue shared with the caller.
import { createServer } from 'node:http'
import { experimental_defineRequest, Group, JazzRequestError, z } from 'jazz-tools'
import { Event } from './schema.mjs'
import { messageOf, timed } from './util.mjs'

const MAX_BODY_BYTES = 1 << 20

/** The request definition, shared by the worker and its clients. */
export function defineBookTicket({ url, workerId }) {
  return experimental_defineRequest({
    url,
    workerId,
    request: { schema: { event: z.string() } },
    response: { schema: { event: z.string(), ticketNumber: z.number() } },
  })
}

/** The body of an HTTP request as text; destroys the request past 1 MiB. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) req.destroy(new Error('Request body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * Worker side: an HTTP server on 127.0.0.1 (free port) whose `POST /book`
 * books a seat of a `capacity`-seat event owned by the worker, then answers
 * 400 "Event is full". For the demo it keeps the last request body
 * (`lastBody`) and can rewrite the next one (`tamperNext`), like an attacker
 * on the wire.
 */
export async function startTicketServer({ worker, capacity = 3, eventName = 'Jazz night' }) {
  const event = Event.create({ name: eventName, capacity, booked: 0 }, Group.create({ owner: worker }))
  const state = { lastBody: undefined, tamperNext: undefined }
  let route

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || req.url !== '/book') {
        res.writeHead(404).end()
        return
      }
      let body = await readBody(req)
      state.lastBody = body
      if (state.tamperNext) {
        body = JSON.stringify(state.tamperNext(JSON.parse(body)))
        state.tamperNext = undefined
      }
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const response = await route.handle(request, worker, async (booking) => {
        if (booking.event !== event.name) throw new JazzRequestError(`Unknown event ${booking.event}`, 404)
        if (event.booked >= event.capacity) throw new JazzRequestError('Event is full', 400)
        event.$jazz.set('booked', event.booked + 1)
        return { event: event.name, ticketNumber: event.booked }
      })
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(await response.text())
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: messageOf(error) }))
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const url = `http://127.0.0.1:${server.address().port}/book`
  route = defineBookTicket({ url, workerId: worker.$jazz.id })
  return {
    url,
    event,
    state,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/**
 * Client side: books until the event is full, replays a request, sends a
 * tampered one, and reports each outcome with its latency.
 */
export async function runTicketFlow({ client, ticketServer, workerID, bookings, log = () => {} }) {
  const route = defineBookTicket({ url: ticketServer.url, workerId: workerID })
  const outcomes = []
  const record = (label, result) => {
    const outcome = result.error
      ? { request: label, ok: false, status: result.error.code, message: messageOf(result.error), ms: result.ms }
      : { request: label, ok: true, ...result.value, ms: result.ms }
    outcomes.push(outcome)
    const what = outcome.ok ? `ticket #${outcome.ticketNumber}` : `${outcome.status} ${outcome.message}`
    log(`  http ${label}: ${what} (${result.ms.toFixed(1)} ms)`)
    return outcome
  }
  const book = async (label) => {
    const result = await timed(async () => {
      const response = await route.send({ event: ticketServer.event.name }, { owner: client })
      return { ticketNumber: response.ticketNumber, event: response.event }
    })
    return record(label, result)
  }

  await book('book #1')

  // Replay the request just handled, byte for byte.
  const replayBody = ticketServer.state.lastBody
  record(
    'replay of #1',
    await timed(async () => {
      const response = await fetch(ticketServer.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: replayBody,
      })
      const json = await response.json()
      if (!response.ok) throw { code: response.status, message: json.message }
      return { ticketNumber: json.payload?.id }
    }),
  )

  // A fresh, validly signed request altered on the wire.
  ticketServer.state.tamperNext = (body) => ({ ...body, createdAt: body.createdAt + 1 })
  await book('tampered')

  for (let i = 2; i <= bookings; i++) await book(`book #${i}`)
  return { outcomes }
}
