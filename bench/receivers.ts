import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type ReceiverRequest = { op: 'count' } | { op: 'take' };

export type ReceiverReply =
  | { op: 'listening'; port: number }
  | { op: 'count'; received: number; succeeded: number }
  | {
      op: 'take';
      /** The webhook-id (or x-bench-id) of each request, in arrival order, with its arrival time (epoch ms). */
      ids: string[];
      times: number[];
      succeeded: number;
      /** CPU time over wall time since the last take: 1 is one core fully busy. */
      busy: number;
      eventLoopUtilization: number;
    };

type Take = Extract<ReceiverReply, { op: 'take' }>;

/** What the receivers saw since the last take, merged. */
export interface Received {
  arrivals: Map<string, number[]>;
  count: number;
  succeeded: number;
  /** The busiest receiver's CPU share of one core, and its event loop utilization. */
  busiest: { busy: number; eventLoopUtilization: number };
}

class ReceiverProcess {
  private pending: ((reply: ReceiverReply) => void)[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (reply: ReceiverReply) => this.pending.shift()?.(reply));
  }

  ask<K extends ReceiverRequest['op']>(op: K): Promise<Extract<ReceiverReply, { op: K }>> {
    return new Promise((resolve) => {
      this.pending.push((reply) => resolve(reply as Extract<ReceiverReply, { op: K }>));
      this.child.send({ op });
    });
  }
}

async function startOne(): Promise<ReceiverProcess> {
  const child = fork(join(__dirname, 'receiver-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (reply: ReceiverReply) => {
      if (reply.op === 'listening') resolve(reply.port);
    });
    child.once('exit', (code) => reject(new Error(`a receiver exited (${code}) before it listened`)));
  });
  return new ReceiverProcess(child, `http://127.0.0.1:${port}`);
}

/** Receiver processes on loopback; hooks are spread over them by `urlFor`. */
export async function startReceivers(count: number) {
  const receivers = await Promise.all(Array.from({ length: count }, startOne));
  return {
    /** The URL for the i-th hook; `failOnce` hooks answer 500 to their first request. */
    urlFor(index: number, name: string, failOnce = false): string {
      const base = (receivers[index % receivers.length] as ReceiverProcess).url;
      return `${base}/${failOnce ? 'fail-once/' : 'h/'}${name}`;
    },
    async counts(): Promise<{ received: number; succeeded: number }> {
      const replies = await Promise.all(receivers.map((receiver) => receiver.ask('count')));
      return {
        received: replies.reduce((sum, reply) => sum + reply.received, 0),
        succeeded: replies.reduce((sum, reply) => sum + reply.succeeded, 0),
      };
    },
    /** Resolves once `succeeded` requests were answered 200; fails after `timeoutMs`. */
    async waitForSucceeded(succeeded: number, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await this.counts();
        if (counts.succeeded >= succeeded) return;
        if (Date.now() > deadline) {
          throw new Error(`receivers got ${counts.succeeded} of ${succeeded} expected successes in ${timeoutMs} ms`);
        }
        await sleep(20);
      }
    },
    /** Everything received since the last take (or the start), and resets. */
    async take(): Promise<Received> {
      const replies: Take[] = await Promise.all(receivers.map((receiver) => receiver.ask('take')));
      const arrivals = new Map<string, number[]>();
      let count = 0;
      for (const reply of replies) {
        reply.ids.forEach((id, i) => {
          const times = arrivals.get(id) ?? [];
          times.push(reply.times[i] as number);
          arrivals.set(id, times);
        });
        count += reply.ids.length;
      }
      const busiest = replies.reduce((a, b) => (b.busy > a.busy ? b : a));
      return {
        arrivals,
        count,
        succeeded: replies.reduce((sum, reply) => sum + reply.succeeded, 0),
        busiest: { busy: busiest.busy, eventLoopUtilization: busiest.eventLoopUtilization },
      };
    },
    async stop(): Promise<void> {
      await Promise.all(
        receivers.map(
          (receiver) =>
            new Promise<void>((resolve) => {
              receiver.child.once('exit', () => resolve());
              receiver.child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

export type Receivers = Awaited<ReturnType<typeof startReceivers>>;
