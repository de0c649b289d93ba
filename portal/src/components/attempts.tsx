import { useEffect, useState } from 'preact/hooks';
import { answer, type Attempt, type Delivery } from '../client/api';
import { firstChars, when } from '../logic/format';
import { usePortal } from './context';
import { ErrorNote } from './error-note';

/** The first bytes of an answer's body the list shows; the record keeps 4 KiB. */
const BODY_PREVIEW = 300;

function AttemptItem({ attempt, number }: { attempt: Attempt; number: number }) {
  const headers = Object.entries(attempt.responseHeaders ?? {});
  return (
    <li>
      <p>
        <strong>Attempt {number}</strong>: {attempt.statusCode ? `HTTP ${attempt.statusCode}` : attempt.errorKind}
        {attempt.errorMessage ? ` (${attempt.errorMessage})` : ''}, {attempt.durationMs} ms, {when(attempt.startedAt)}
      </p>
      {headers.length > 0 && (
        <details>
          <summary>Answer headers ({headers.length})</summary>
          <pre>{headers.map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>
        </details>
      )}
      {attempt.responseBody ? <pre class="body">{firstChars(attempt.responseBody, BODY_PREVIEW)}</pre> : null}
    </li>
  );
}

/** Every attempt of one delivery, read when it is opened. */
export function Attempts({ deliveryId }: { deliveryId: string }) {
  const { api } = usePortal();
  const [delivery, setDelivery] = useState<Delivery>();
  const [failure, setFailure] = useState<unknown>();
  useEffect(() => {
    answer(api.GET('/v1/deliveries/{id}', { params: { path: { id: deliveryId } } })).then(setDelivery, setFailure);
  }, [api, deliveryId]);
  if (failure) return <ErrorNote error={failure} />;
  if (!delivery) return <p>Loading the attempts...</p>;
  if (delivery.attempts.length === 0) return <p>No attempt yet.</p>;
  return (
    <ol class="attempts" aria-label="Attempts">
      {delivery.attempts.map((attempt, at) => (
        <AttemptItem key={attempt.startedAt} attempt={attempt} number={at + 1} />
      ))}
    </ol>
  );
}
