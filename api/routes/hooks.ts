import { z } from 'zod';
import {
  createHook,
  createHookInput,
  deleteHook,
  getHook,
  listHooks,
  listHooksQuery,
  rotateSigningSecret,
  updateHook,
  updateHookInput,
} from '../../services/hooks';
import { disableHookByOwner, disableHookInput, enableHook, enableHookInput } from '../../services/hook-switching';
import { sendTestEvent, testHookInput } from '../../services/hook-test';
import type { AppDependencies } from '../dependencies';
import { idOf } from '../../core/ids';
import { defineRoute, type RouteDefinition } from '../route';
import { CURSOR_REFUSED } from './refusals';
import { enabledHookSchema, hookSchema, pageOf, testOutcomeSchema } from './schemas';

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
      operationId: 'hooks.create',
      tag: 'Hooks',
      summary: 'Subscribe a hook to events',
      description:
        'The answer carries the signing `secret` (`whsec_...`); it is shown here and at rotation only. A `secret` given is that signing secret, except with `format: "misskey"`: there it is the plain secret Misskey receivers check (`X-Misskey-Hook-Secret`), never shown back, and the signing secret is generated. With the admin key, give `ownerId`.',
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
      operationId: 'hooks.list',
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
      operationId: 'hooks.get',
      tag: 'Hooks',
      summary: 'Read a hook',
      access: 'tenant',
      success: { status: 200, description: 'The hook', schema: hookSchema },
      handle: ({ params, caller }) => getHook(deps, caller, id(params)),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/hooks/:id',
      operationId: 'hooks.update',
      tag: 'Hooks',
      summary: 'Change a hook',
      description:
        'Fields given replace the stored ones. A secret header sent back as `{"secret": true}` keeps its stored value; `resourceTypes: null` removes the resource-type restriction, `filter: null` the filter. `secret` sets a misskey hook\'s own secret (`null` sends the signing secret instead); leaving the misskey format drops it.',
      access: 'tenant',
      body: updateHookInput,
      success: { status: 200, description: 'The hook as changed', schema: hookSchema },
      errors: {
        422: `${HOOK_REFUSED}; a secret left out that was never stored; or a \`secret\` for a hook whose format is not misskey`,
      },
      handle: ({ params, body, caller }) => updateHook(deps, caller, id(params), body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/hooks/:id',
      operationId: 'hooks.delete',
      tag: 'Hooks',
      summary: 'Delete a hook; its past deliveries stay on record',
      access: 'tenant',
      success: { status: 204, description: 'Deleted' },
      handle: ({ params, caller }) => deleteHook(models, caller, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/enable',
      operationId: 'hooks.enable',
      tag: 'Hooks',
      summary: 'Enable a hook; what it kept while off resumes, oldest first',
      description:
        'The deliveries kept while the hook was off go out one at a time, oldest first, at a bounded rate; `parked` ' +
        'says how many will go. With `resume: false` they are cancelled instead, each on record with its reason.',
      access: 'tenant',
      body: enableHookInput,
      success: {
        status: 200,
        description: 'The hook, and what became of its parked deliveries',
        schema: enabledHookSchema,
      },
      handle: ({ params, body, caller }) => enableHook(runDeps, caller, id(params), body),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/disable',
      operationId: 'hooks.disable',
      tag: 'Hooks',
      summary: 'Disable a hook',
      description:
        'With `park` (the default), each event that arrives while the hook is off still gets its delivery, kept as ' +
        '`paused` (subject to retention) until the hook is enabled again; with `park: false` such events pass it by.',
      access: 'tenant',
      body: disableHookInput,
      success: { status: 200, description: 'The hook', schema: hookSchema },
      handle: ({ params, body, caller }) => disableHookByOwner(runDeps, caller, id(params), body),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/hooks/:id/rotate-secret',
      operationId: 'hooks.rotateSecret',
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
      operationId: 'hooks.test',
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
