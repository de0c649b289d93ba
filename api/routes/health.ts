import { Router } from 'express';

/** A readiness check; `signal` aborts when its time is up, so that nothing it started lingers. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

/** Each check's time: `/readyz` answers within 2 s however the service fails (hung, refusing, slow). */
export const READINESS_TIMEOUT_MS = 1_500;

/** `check`'s outcome, or a failure once READINESS_TIMEOUT_MS has passed without one. */
async function runWithin(check: ReadinessCheck): Promise<void> {
  const controller = new AbortController();
  const timedOut = new Promise<never>((_resolve, reject) =>
    controller.signal.addEventListener(
      'abort',
      () => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)),
      { once: true },
    ),
  );
  const timer = setTimeout(() => controller.abort(), READINESS_TIMEOUT_MS);
  try {
    await Promise.race([check(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is up. `/readyz`: it can also reach every service it needs, checked in parallel. */
export function healthRoutes(checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await runWithin(check);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });
  return router;
}
