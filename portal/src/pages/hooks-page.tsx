import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { answer, type CreatedHook, type Hook, type HookStats } from '../client/api';
import { ConfirmButton } from '../components/confirm-button';
import { usePortal } from '../components/context';
import { HookForm } from '../components/hook-form';
import { ErrorNote } from '../components/error-note';
import { HookSwitch } from '../components/hook-switch';
import { Link } from '../components/link';
import { SecretOnce } from '../components/secret-once';
import { percent, when } from '../logic/format';

interface Row {
  hook: Hook;
  /** Over the last 24 h; undefined while it loads or when it could not be read. */
  stats?: HookStats;
}

export function HooksPage() {
  const { api } = usePortal();
  const [rows, setRows] = useState<Row[]>();
  const [failure, setFailure] = useState<unknown>();
  const [created, setCreated] = useState<CreatedHook>();
  const createForm = useRef<HTMLDetailsElement>(null);

  const load = useCallback(async () => {
    try {
      const { data } = await answer(api.GET('/v1/hooks', { params: { query: { limit: 100 } } }));
      setRows(data.map((hook) => ({ hook })));
      const stats = await Promise.all(
        data.map((hook) =>
          answer(
            api.GET('/v1/hooks/{id}/stats', { params: { path: { id: hook.id }, query: { window: '24h' } } }),
          ).catch(() => undefined),
        ),
      );
      setRows(data.map((hook, at) => ({ hook, stats: stats[at] })));
    } catch (error) {
      setFailure(error);
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  const afterChange = (result: unknown) => {
    setFailure(result instanceof Error ? result : undefined);
    void load();
  };
  const remove = (hook: Hook) =>
    answer(api.DELETE('/v1/hooks/{id}', { params: { path: { id: hook.id } } })).then(afterChange, afterChange);

  return (
    <>
      <h1>Hooks</h1>
      <ErrorNote error={failure} />
      {created && (
        <SecretOnce
          title={`Hook “${created.name}” created: its signing secret`}
          secret={created.secret}
          onDone={() => setCreated(undefined)}
        />
      )}
      <details class="create" ref={createForm}>
        <summary>Create hook</summary>
        <HookForm
          onSaved={(hook) => {
            if (createForm.current) createForm.current.open = false;
            setCreated(hook as CreatedHook);
            void load();
          }}
        />
      </details>
      {rows === undefined ? (
        <p>Loading...</p>
      ) : rows.length === 0 ? (
        <p>No hooks yet: create one to receive events.</p>
      ) : (
        <ul class="cards" aria-label="Hooks">
          {rows.map(({ hook, stats }) => (
            <li key={hook.id} class="card" data-hook-id={hook.id}>
              <h2>
                <Link to={{ page: 'hook', hookId: hook.id }}>{hook.name}</Link>
              </h2>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <span class={`status status-${hook.status}`}>{hook.status}</span>
                </dd>
                <dt>Target</dt>
                <dd>{hook.target.type}</dd>
                <dt>Events</dt>
                <dd>{hook.events.join(', ')}</dd>
                <dt>Success rate (24 h)</dt>
                <dd>{stats ? percent(stats.successRate) : '…'}</dd>
                <dt>Last error</dt>
                <dd>{stats?.lastFailure ? `${stats.lastFailure.reason} (${when(stats.lastFailure.at)})` : 'none'}</dd>
              </dl>
              <div class="actions">
                <HookSwitch hook={hook} onDone={afterChange} />
                <ConfirmButton
                  label="Delete"
                  question={`Delete “${hook.name}”? Its deliveries stop.`}
                  confirmLabel="Yes, delete"
                  onConfirm={() => void remove(hook)}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
