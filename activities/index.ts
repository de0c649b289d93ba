import type { Models } from '../domain/models';
import { createFanOutActivities } from './fan-out';
import type { HttpClient } from './http/client';
import { createHttpTarget } from './targets/http';

export interface ActivityDependencies {
  models: Models;
  http: HttpClient;
}

/** Every activity the worker registers, built from the dependencies worker.ts wires. */
export function createActivities({ models, http }: ActivityDependencies) {
  return {
    ...createFanOutActivities({ models, targets: { http: createHttpTarget(http) }, concurrency: 50 }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
