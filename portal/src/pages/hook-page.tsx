import { useCallback, useEffect, useState } from 'preact/hooks';
import { answer, ApiError, type Hook, type TestOutcome } from '../client/api';
import { AttemptsChart } from '../components/attempts-chart';
import { ConfirmButton } from '../components/confirm-button';
import { usePortal } from '../components/context';
import { Deliveries } from '../components/deliveries';
import { ErrorNote } from '../components/error-note';
import { HookForm } from '../components/hook-form';
import { HookSwitch } from '../components/hook-switch';
import { Link } from '../components/link';
import { RecoverForm } from '../components/recover-form';
import { SecretOnce } from '../components/secret-once';
import { when } from '../logic/format';

function TestResult({ outcome }: { outcome: TestOutcome }) {
  const { attempt } = outcome;
  return (
    <p role="status" class={outcome.outcome === 'succeeded' ? 'ok' : 'error'}>
      Test event {outcome.outcome}:{' '}
      {attempt.statusCode ? `HTTP ${attempt.statusCode}` : (attempt.errorMessage ?? attempt.errorKind)} in{' '}
      {attempt.durationMs} ms
    </p>
  );
}

/** One hook: what it is, its actions, and its deliveries. */
export function HookPage({ hookId }: { hookId: string }) {
  const { api, navigate } = usePortal();
  const [hook, setHook] = useState<Hook>();
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [secret, setSecret] = useState<string>();
  const [tested, setTested] = useState<TestOutcome>();
  const [testing, setTesting] = useState(false);
  const [editing, setEditing] = useState(false);
  const path = { params: { path: { id: hookId } } };

  const load = useCallback(
    () =>
      answer(api.GET('/v1/hooks/{id}', { params: { path: { id: hookId } } })).then(setHook, (error: unknown) => {
        // Another owner's hook answers 404 too, as if it did not exist.
        if (error instanceof ApiError && (error.status === 404 || error.status === 400)) setMissing(true);
        else setFailure(error);
      }),
    [api, hookId],
  );
  useEffect(() => void load(), [load]);

  if (missing)
    return (
      <section>
        <h1>Hook not found</h1>
        <p>
          No hook <code>{hookId}</code> here. <Link to={{ page: 'hooks' }}>Back to the hooks</Link>
        </p>
      </section>
    );
  if (!hook)
    return (
      <section>
        <ErrorNote error={failure} />
        {!failure && <p>Loading...</p>}
      </section>
    );

  const sendTest = () => {
    setTesting(true);
    setTested(undefined);
    answer(api.POST('/v1/hooks/{id}/test', { ...path, body: {} }))
      .then(setTested, setFailure)
      .finally(() => setTesting(false));
  };
  const rotate = () =>
    answer(api.POST('/v1/hooks/{id}/rotate-secret', path)).then(({ secret }) => setSecret(secret), setFailure);
  const remove = () => answer(api.DELETE('/v1/hooks/{id}', path)).then(() => navigate({ page: 'hooks' }), setFailure);

  return (
    <>
      <p class="crumbs">
        <Link to={{ page: 'hooks' }}>Hooks</Link> /
      </p>
      <h1>{hook.name}</h1>
      <dl class="facts card">
        <dt>Status</dt>
        <dd>
          <span class={`status status-${hook.status}`}>{hook.status}</span>
          {hook.disabledReason ? ` (${hook.disabledReason})` : ''}
        </dd>
        <dt>Target</dt>
        <dd>
          {hook.target.type === 'http' && 'url' in hook.target ? (
            <code>{String(hook.target.url)}</code>
          ) : (
            hook.target.type
          )}
        </dd>
        <dt>Events</dt>
        <dd>{hook.events.join(', ')}</dd>
        <dt>Created</dt>
        <dd>{when(hook.createdAt)}</dd>
      </dl>
      <div class="actions">
        <HookSwitch
          hook={hook}
          onDone={(result) => (result instanceof Error ? setFailure(result) : setHook(result as Hook))}
        />
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          Edit
        </button>
        <button type="button" disabled={testing} onClick={sendTest}>
          Send test event
        </button>
        <button type="button" onClick={() => void rotate()}>
          Rotate secret
        </button>
        <ConfirmButton
          label="Delete"
          question={`Delete “${hook.name}”? Its deliveries stop.`}
          confirmLabel="Yes, delete"
          onConfirm={() => void remove()}
        />
      </div>
      {editing && (
        <HookForm
          hook={hook}
          onSaved={(saved) => {
            setHook(saved);
            setEditing(false);
          }}
        />
      )}
      <ErrorNote error={failure} />
      {tested && <TestResult outcome={tested} />}
      {secret && <SecretOnce title="New signing secret" secret={secret} onDone={() => setSecret(undefined)} />}
      <AttemptsChart hookId={hook.id} />
      <RecoverForm hookId={hook.id} />
      <Deliveries hookId={hook.id} />
    </>
  );
}
