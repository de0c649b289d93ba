import { z } from 'zod';
import {
  createHook,
  createHookInput,
  deleteHook,
  disableHookByOwner,
  disableHookInput,
  enableHook,
  getHook,
  listHooks,
  listHooksQuery,
  rotateSigningSecret,
  updateHook,
  updateHookInput,
} from '../../services/hooks';
import { sendTestEvent, testHookInput } from '../../services/hook-test';
import type { AppDependencies } from '../dependencies';
import { idOf } from '../../core/ids';
import { defineRoute, type RouteDefinition } from '../route';
import { CURSOR_REFUSED } from './refusals';
import { hookSchema, pageOf, testOutcomeSchema } from './schemas';

const HOOK_REFUSED =
  'An event name that is not in the catalogue, or that none of `resourceTypes` has (or a resource type none of the events has); a template that does not parse; a `filter` too large or deep, or whose `$regex` RE2 cannot run in linear time; a target on a loopback or private address; or no `ownerId` with the admin key (`unprocessable`)';

export function hookRoutes({ models, secrets, temporal, config }: AppDependencies): RouteDefinition[] {
  const deps = {
    models,
    secrets,
    allowPrivateTargets: config.allowPrivateTargets,
    deliveryDefaults: config.deliveryDefaults,
  };
  const runDeps = { ...deps, temporal, taskQueue: config.temporal.taskQueue, hookTestWait: config.hookTestWait };
  const id = (params: Record<string, string>) => idOf('hook', params.id as string);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/hooks',
      tag: 'Hooks',
      summary: 'Subscribe a hook to events',
      description:
        'The answer carries the signing `secret` (`whsec_...`); it is shown here and at rotation only. With the admin key, give `ownerId`.',
      access: 'tenant',
      body: createHookInput,
      success: {
        status: 201,
        description: 'The hook and its signing secret',
        schema: hookSchema.extend({ secret: z.string() }),
      },
      errors: { 404: '`ownerId` names no owner', 422: HOOK_REFUSED },
      handle: ({ body, caller }) => createHook(deps, caller, body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/hooks',
      tag: 'Hooks',
      summary: 'List hooks, newest first',
      access: 'tenant',
      query: listHooksQuery,
      success: { status: 200, description: 'A page of hooks', schema: pageOf(hookSchema) },
      errors: { 422: CURSOR_REFUSED },
      handle: ({ query, caller }) => listHooks(deps, caller, query),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/hooks/:id',
      tag: 'Hooks',
      summary: 'Read a hook',
      access: 'tenant',
      success: { status: 200, description: 'The hook', schema: hookSchema },
      handle: ({ params, caller }) => getHook(deps, caller, id(params)),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/hooks/:id',
      tag: 'Hooks',
      summary: 'Change a hook',
      description:
        'Fields given replace the stored ones. A secret header sent back as `{"secret": true}` keeps its stored value; `resourceTypes: null` removes the resource-type restriction, `filter: null` the filter.',
      access: 'tenant',
      body: updateHookInput,
      success: { status: 200, description: 'The hook as changed', schema: hookSchema },
      errors: {
        422: `${HOOK_REFUSED}; or a secret left out that was never stored`,
      },
      handle: ({ params, body, caller }) => updateHook(deps, caller, id(params), body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/hooks/:id',
      tag: 'Hooks',
      summary: 'Delete a hook; its past deliveries stay on record',
      access: 'tenant',
      success: { status: 204, description: 'Deleted' },
      handle: ({ params, caller }) => deleteHook(models, caller, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/enable',
      tag: 'Hooks',
      summary: 'Enable a hook; deliveries paused while it was off resume',
      access: 'tenant',
      success: { status: 200, description: 'The hook', schema: hookSchema },
      handle: ({ params, caller }) => enableHook(runDeps, caller, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/disable',
      tag: 'Hooks',
      summary: 'Disable a hook',
      access: 'tenant',
      body: disableHookInput,
      success: { status: 200, description: 'The hook', schema: hookSchema },
      handle: ({ params, body, caller }) => disableHookByOwner(deps, caller, id(params), body.reason),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/rotate-secret',
      tag: 'Hooks',
      summary: 'Issue a new signing secret',
      description: 'The previous secret keeps signing for 24 hours; both signatures are sent meanwhile.',
      access: 'tenant',
      success: {
        status: 200,
        description: 'The new secret, shown once',
        schema: z.object({ id: z.string(), secret: z.string(), previousSecretsExpireAt: z.iso.datetime() }),
      },
      handle: ({ params, caller }) => rotateSigningSecret(deps, caller, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/test',
      tag: 'Hooks',
      summary: 'Send one test event now, without retries, and return what happened',
      description:
        "Waits for the attempt. If no worker has run it within the hook's delivery timeout plus `HOOKFLOW_HOOK_TEST_WAIT` (10 s by default), answers 504 `test_timed_out`; the test is then dropped and never sent later.",
      access: 'tenant',
      body: testHookInput,
      success: { status: 200, description: 'The outcome of the attempt', schema: testOutcomeSchema },
      errors: { 504: 'No worker took the attempt in time; nothing was sent' },
      handle: ({ params, body, caller }) => sendTestEvent(runDeps, caller, id(params), body),
    }),
  ];
}
