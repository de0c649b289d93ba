import { useEffect, useState } from 'preact/hooks';
import { answer, ApiError, type EventType, type Hook } from '../client/api';
import { fieldErrors, type FieldErrors } from '../logic/field-errors';
import {
  createBody,
  EMPTY_FORM,
  errorFields,
  fieldLabel,
  FORMAT_TARGETS,
  FORMATS,
  patchBody,
  TARGET_FIELDS,
  TARGET_TYPES,
  valuesOf,
  type HookFormValues,
  type TargetType,
} from '../logic/hook-form-values';
import { usePortal } from './context';
import { ErrorNote } from './error-note';

/** A field's message, tied to its input for screen readers. */
function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} class="field-error">
      {text}
    </p>
  ) : null;
}

const invalid = (text: string | undefined, id: string) =>
  text ? { 'aria-invalid': true, 'aria-describedby': id } : {};

/** One text input of the form, its label, and the API's word on it. */
function TextField(props: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  placeholder?: string;
  onInput: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        {...invalid(props.error, `${props.id}-error`)}
      />
      <FieldError id={`${props.id}-error`} text={props.error} />
    </div>
  );
}

/**
 * A hook's name, the catalogue's events it takes, its target (any type the API has, with that type's fields),
 * payload format and delivery settings. Without `hook` it creates one; with it, it saves the changes.
 */
export function HookForm({ hook, onSaved }: { hook?: Hook; onSaved: (hook: Hook & { secret?: string }) => void }) {
  const { api } = usePortal();
  const [eventTypes, setEventTypes] = useState<EventType[]>();
  const [values, setValues] = useState<HookFormValues>(hook ? valuesOf(hook) : EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({ byField: {}, general: [] });
  const [failure, setFailure] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const set = (change: Partial<HookFormValues>) => setValues((now) => ({ ...now, ...change }));
  const prefix = hook ? 'edit' : 'hook';

  useEffect(() => {
    answer(api.GET('/v1/event-types')).then(({ data }) => setEventTypes(data), setFailure);
  }, [api]);

  const submit = async () => {
    setSending(true);
    setFailure(undefined);
    try {
      const saved = hook
        ? await answer(
            api.PATCH('/v1/hooks/{id}', {
              params: { path: { id: hook.id } },
              body: patchBody(hook, values),
            }),
          )
        : await answer(api.POST('/v1/hooks', { body: createBody(values) }));
      setErrors({ byField: {}, general: [] });
      if (!hook) setValues(EMPTY_FORM);
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 422))
        setErrors(fieldErrors(error, errorFields(values.targetType)));
      else setFailure(error);
    } finally {
      setSending(false);
    }
  };
  const { byField } = errors;
  const fields = TARGET_FIELDS[values.targetType] as readonly string[];

  return (
    <form
      class="card"
      noValidate
      aria-label={hook ? 'Edit hook' : 'New hook'}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <TextField
        id={`${prefix}-name`}
        label="Name"
        value={values.name}
        error={byField.name}
        onInput={(name) => set({ name })}
      />
      <fieldset class="field" aria-describedby={byField.target ? `${prefix}-target-error` : undefined}>
        <legend>Target</legend>
        <FieldError id={`${prefix}-target-error`} text={byField.target} />
        <div class="field">
          <label for={`${prefix}-target-type`}>Target type</label>
          <select
            id={`${prefix}-target-type`}
            value={values.targetType}
            onChange={(e) => set({ targetType: e.currentTarget.value as TargetType, target: {}, secretFields: [] })}
          >
            {TARGET_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        {fields.map((field) => (
          <TextField
            key={`${values.targetType}.${field}`}
            id={`${prefix}-target-${field}`}
            label={fieldLabel(field)}
            value={values.target[field] ?? ''}
            error={byField[`target.${field}`]}
            placeholder={values.secretFields.includes(field) ? 'kept secret: leave blank to keep it' : undefined}
            onInput={(value) => set({ target: { ...values.target, [field]: value } })}
          />
        ))}
        {FORMAT_TARGETS.includes(values.targetType) && (
          <div class="field">
            <label for={`${prefix}-format`}>Payload format</label>
            <select
              id={`${prefix}-format`}
              value={values.format}
              onChange={(e) => set({ format: e.currentTarget.value })}
              {...invalid(byField.format, `${prefix}-format-error`)}
            >
              <option value="">the API's default</option>
              {FORMATS.map((format) => (
                <option key={format} value={format}>
                  {format}
                </option>
              ))}
            </select>
            <FieldError id={`${prefix}-format-error`} text={byField.format} />
          </div>
        )}
      </fieldset>
      <fieldset class="field" aria-describedby={byField.events ? `${prefix}-events-error` : undefined}>
        <legend>Events</legend>
        <FieldError id={`${prefix}-events-error`} text={byField.events} />
        {eventTypes === undefined ? (
          <p>Loading the event types...</p>
        ) : (
          <ul class="event-types">
            {eventTypes.map((type) => (
              <li key={type.name}>
                <label>
                  <input
                    type="checkbox"
                    checked={values.events.includes(type.name)}
                    onChange={(e) =>
                      set({
                        events: e.currentTarget.checked
                          ? [...values.events, type.name]
                          : values.events.filter((n) => n !== type.name),
                      })
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
      <fieldset class="field" aria-describedby={byField.delivery ? `${prefix}-delivery-error` : undefined}>
        <legend>Delivery (optional)</legend>
        <FieldError id={`${prefix}-delivery-error`} text={byField.delivery} />
        <TextField
          id={`${prefix}-timeout`}
          label="Timeout"
          placeholder="e.g. 10s"
          value={values.timeout}
          error={byField['delivery.timeout']}
          onInput={(timeout) => set({ timeout })}
        />
        <TextField
          id={`${prefix}-retry-schedule`}
          label="Retry schedule"
          placeholder="e.g. 10s, 1m, 10m, 1h"
          value={values.retrySchedule}
          error={byField['delivery.retrySchedule']}
          onInput={(retrySchedule) => set({ retrySchedule })}
        />
      </fieldset>
      {errors.general.map((text) => (
        <p class="error" role="alert" key={text}>
          {text}
        </p>
      ))}
      <ErrorNote error={failure} />
      <button type="submit" disabled={sending}>
        {hook ? 'Save' : 'Create'}
      </button>
    </form>
  );
}
