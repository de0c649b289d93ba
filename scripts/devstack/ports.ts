import { createServer } from 'node:net';

/**
 * Ports we hand to services are taken below the kernel's ephemeral range
 * (32768 and up on Linux). Temporal binds several internal services to
 * kernel-chosen ports as it starts; a port from outside that range can never
 * be given to one of them before the service it was meant for binds it.
 */
const RANGE = { from: 20_000, to: 32_000 };

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that was free on loopback a moment ago, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = RANGE.from + Math.floor(Math.random() * (RANGE.to - RANGE.from));
    if (await tryListen(port)) return port;
  }
  throw new Error(`No free port found between ${RANGE.from} and ${RANGE.to}`);
}

/** Fails with a clear message when a fixed dev port is already taken. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await tryListen(port))) {
    throw new Error(
      `Port ${port} (${what}) is already in use on 127.0.0.1: stop whatever holds it, or set its address`,
    );
  }
}
