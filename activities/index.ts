import type { Models } from '../domain/models';
import type { SecretBox } from '../domain/secret-box';
import { createFanOutActivities } from './fan-out';
import { createHookTestActivities } from './hook-test';
import type { HttpClient } from './http/client';
import { createHttpTarget } from './targets/http';

export interface ActivityDependencies {
  models: Models;
  http: HttpClient;
  secrets: SecretBox;
}

/** Every activity the worker registers, built from the dependencies worker.ts wires. */
export function createActivities({ models, http, secrets }: ActivityDependencies) {
  const targets = { http: createHttpTarget(http) };
  return {
    ...createFanOutActivities({ models, secrets, targets, concurrency: 50 }),
    ...createHookTestActivities({ models, secrets, targets }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
