/**
 * A benchmark receiver, in a process of its own so that it competes with the
 * stack only for CPU: answers every request 200 with an empty body (paths
 * under /fail-once/ answer 500 the first time), and remembers when each
 * message arrived. The parent talks to it over IPC (see receivers.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ReceiverReply, ReceiverRequest } from './receivers';

const FAIL_ONCE_PREFIX = '/fail-once/';

let ids: string[] = [];
let times: number[] = [];
let succeeded = 0;
const failedOnce = new Set<string>();
let cpuSince = process.cpuUsage();
let eluSince = performance.eventLoopUtilization();
let wallSince = performance.now();

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url ?? '';
    const fails = path.startsWith(FAIL_ONCE_PREFIX) && !failedOnce.has(path);
    if (fails) failedOnce.add(path);
    else succeeded++;
    ids.push(String(req.headers['webhook-id'] ?? req.headers['x-bench-id'] ?? ''));
    times.push(performance.timeOrigin + performance.now());
    res.writeHead(fails ? 500 : 200, { 'content-length': '0' }).end();
  });
});
server.keepAliveTimeout = 60_000;

function reply(message: ReceiverReply): void {
  process.send?.(message);
}

process.on('message', (request: ReceiverRequest) => {
  if (request.op === 'count') {
    reply({ op: 'count', received: ids.length, succeeded });
  } else if (request.op === 'take') {
    const wallMs = performance.now() - wallSince;
    const cpu = process.cpuUsage(cpuSince);
    reply({
      op: 'take',
      ids,
      times,
      succeeded,
      busy: (cpu.user + cpu.system) / 1000 / wallMs,
      eventLoopUtilization: performance.eventLoopUtilization(eluSince).utilization,
    });
    ids = [];
    times = [];
    succeeded = 0;
    failedOnce.clear();
    cpuSince = process.cpuUsage();
    eluSince = performance.eventLoopUtilization();
    wallSince = performance.now();
  }
});

server.listen(0, '127.0.0.1', () => {
  reply({ op: 'listening', port: (server.address() as AddressInfo).port });
});
// The parent going away (Ctrl-C, a crash) ends the receiver too.
process.on('disconnect', () => process.exit(0));
