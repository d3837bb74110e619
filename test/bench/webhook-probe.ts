// Loaded into the operator process by webhook.bench.ts (`node --import <this file>`), never by the
// operator itself: it observes, it changes nothing. With MAO_BENCH_WEBHOOK_PROBE=<file> it appends
// JSON lines to that file:
//   - {"type":"webhook","path":"/validate","name":"…","ms":1.2,"at":…} per admission call: the
//     webhook's own handling time, from the request's headers parsed to its response flushed
//     (node's http.server.request.start and http.server.response.finish diagnostics channels);
//     `name` is the AdmissionReview's request.name, read from the body's first chunk;
//   - {"type":"lag","at":…,"maxMs":…,"p99Ms":…} every 500 ms: the event loop's delay over those
//     500 ms (monitorEventLoopDelay, 10 ms resolution), reset after each line.
// Lines are buffered and written every 500 ms (one appendFileSync), so the probe itself costs a
// regex per request and a small write twice a second.
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.MAO_BENCH_WEBHOOK_PROBE;
const PATHS = new Set(['/validate', '/mutate']);
const FLUSH_MS = 500;

if (out !== undefined && out !== '') {
  const pending = new WeakMap<ServerResponse, { start: number; path: string; name: string }>();
  let lines: string[] = [];
  subscribe('http.server.request.start', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (!PATHS.has(path)) return;
    const entry = { start: performance.now(), path, name: '' };
    pending.set(response, entry);
    // request.name comes before the object in the API server's AdmissionReview (after uid, kind, resource).
    request.once('data', (chunk: Buffer) => { entry.name = /"name":"([^"]*)"/.exec(chunk.toString('utf8', 0, Math.min(chunk.length, 2048)))?.[1] ?? ''; });
  });
  subscribe('http.server.response.finish', (message) => {
    const { response } = message as { response: ServerResponse };
    const entry = pending.get(response);
    if (entry === undefined) return;
    lines.push(JSON.stringify({ type: 'webhook', path: entry.path, name: entry.name, ms: performance.now() - entry.start, at: Date.now() }));
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    lines.push(JSON.stringify({ type: 'lag', at: Date.now(), maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 }));
    delay.reset();
    const batch = lines;
    lines = [];
    appendFileSync(out, `${batch.join('\n')}\n`);
  }, FLUSH_MS).unref();
}
