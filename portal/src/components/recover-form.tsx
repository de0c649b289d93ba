import { useEffect, useState } from 'preact/hooks';
import { answer } from '../client/api';
import { usePortal } from './context';
import { ErrorNote } from './error-note';

type Replay = Awaited<ReturnType<typeof answer<{ id: string; status: string; total: number; done: number }>>>;

/** How often a running recovery's progress is read. */
const PROGRESS_MS = 1000;

/** "Recover since...": delivers again what failed since a time, with a bar that follows the replay's progress. */
export function RecoverForm({ hookId }: { hookId: string }) {
  const { api } = usePortal();
  const [since, setSince] = useState('');
  const [replay, setReplay] = useState<Replay>();
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => {
    if (!replay || replay.status !== 'running') return;
    const timer = setTimeout(() => {
      answer(api.GET('/v1/replays/{id}', { params: { path: { id: replay.id } } })).then(setReplay, setFailure);
    }, PROGRESS_MS);
    return () => clearTimeout(timer);
  }, [api, replay]);

  const start = () => {
    setFailure(undefined);
    const from = new Date(since);
    if (Number.isNaN(from.getTime())) return setFailure(new Error('give the time to recover from'));
    answer(
      api.POST('/v1/hooks/{id}/recover', { params: { path: { id: hookId } }, body: { since: from.toISOString() } }),
    ).then(setReplay, setFailure);
  };

  return (
    <form
      class="card"
      aria-label="Recover"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        start();
      }}
    >
      <div class="field inline">
        <label for="recover-since">Recover since</label>
        <input
          id="recover-since"
          type="datetime-local"
          value={since}
          onInput={(e) => setSince(e.currentTarget.value)}
        />
        <button type="submit">Recover</button>
      </div>
      <p class="hint">Delivers again this hook's failed and paused deliveries since then.</p>
      <ErrorNote error={failure} />
      {replay && (
        <p>
          <label for="recover-progress">
            Recovery {replay.status}: {replay.done} of {replay.total}
          </label>{' '}
          <progress id="recover-progress" max={Math.max(replay.total, 1)} value={replay.done} />
        </p>
      )}
    </form>
  );
}
