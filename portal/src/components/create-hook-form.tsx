import { useEffect, useState } from 'preact/hooks';
import { answer, ApiError, type CreatedHook, type EventType } from '../client/api';
import { fieldErrors, type FieldErrors } from '../logic/field-errors';
import { usePortal } from './context';
import { ErrorNote } from './error-note';

const FIELDS = ['name', 'events', 'target.url', 'target'];

/** A field's message, tied to its input for screen readers. */
function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} class="field-error">
      {text}
    </p>
  ) : null;
}

/** A new HTTP hook: its name, the catalogue's events it takes, and the URL that receives them. */
export function CreateHookForm({ onCreated }: { onCreated: (hook: CreatedHook) => void }) {
  const { api } = usePortal();
  const [eventTypes, setEventTypes] = useState<EventType[]>();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({ byField: {}, general: [] });
  const [failure, setFailure] = useState<unknown>();
  const [sending, setSending] = useState(false);

  useEffect(() => {
    answer(api.GET('/v1/event-types')).then(({ data }) => setEventTypes(data), setFailure);
  }, [api]);

  const submit = async () => {
    setSending(true);
    setFailure(undefined);
    try {
      const hook = await answer(
        api.POST('/v1/hooks', {
          body: { name: name.trim(), events, target: { type: 'http', url: url.trim(), method: 'POST', headers: {} } },
        }),
      );
      setErrors({ byField: {}, general: [] });
      setName('');
      setUrl('');
      setEvents([]);
      onCreated(hook);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 422))
        setErrors(fieldErrors(error, FIELDS));
      else setFailure(error);
    } finally {
      setSending(false);
    }
  };
  const urlError = errors.byField['target.url'] ?? errors.byField.target;
  const invalid = (text: string | undefined, id: string) =>
    text ? { 'aria-invalid': true, 'aria-describedby': id } : {};

  return (
    <form
      class="card"
      noValidate
      aria-label="New hook"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div class="field">
        <label for="hook-name">Name</label>
        <input
          id="hook-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          {...invalid(errors.byField.name, 'hook-name-error')}
        />
        <FieldError id="hook-name-error" text={errors.byField.name} />
      </div>
      <div class="field">
        <label for="hook-url">Target URL</label>
        <input
          id="hook-url"
          type="url"
          placeholder="https://example.com/webhooks"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          {...invalid(urlError, 'hook-url-error')}
        />
        <FieldError id="hook-url-error" text={urlError} />
      </div>
      <fieldset class="field" aria-describedby={errors.byField.events ? 'hook-events-error' : undefined}>
        <legend>Events</legend>
        <FieldError id="hook-events-error" text={errors.byField.events} />
        {eventTypes === undefined ? (
          <p>Loading the event types...</p>
        ) : (
          <ul class="event-types">
            {eventTypes.map((type) => (
              <li key={type.name}>
                <label>
                  <input
                    type="checkbox"
                    checked={events.includes(type.name)}
                    onChange={(e) =>
                      setEvents(
                        e.currentTarget.checked ? [...events, type.name] : events.filter((n) => n !== type.name),
                      )
                    }
                  />
                  <code>{type.name}</code>
                  <span class="hint">{type.description}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {errors.general.map((text) => (
        <p class="error" role="alert" key={text}>
          {text}
        </p>
      ))}
      <ErrorNote error={failure} />
      <button type="submit" disabled={sending}>
        Create hook
      </button>
    </form>
  );
}
