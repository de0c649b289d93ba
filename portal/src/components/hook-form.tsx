import { useEffect, useState } from 'preact/hooks';
import { answer, ApiError, type EventType, type Hook } from '../client/api';
import { fieldErrors, type FieldErrors } from '../logic/field-errors';
import {
  createBody,
  EMPTY_FORM,
  errorFields,
  FIELD_CHOICES,
  fieldLabel,
  FORMAT_TARGETS,
  FORMATS,
  patchBody,
  RECORD_FIELDS,
  TARGET_FIELDS,
  TARGET_TYPES,
  valuesOf,
  type HookFormValues,
  type TargetType,
} from '../logic/hook-form-values';
import { usePortal } from './context';
import { DeliveryFields } from './delivery-fields';
import { EntriesEditor } from './entries-editor';
import { ErrorNote } from './error-note';
import { FieldError, SelectField, TextField } from './form-fields';

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
            onChange={(e) =>
              set({ targetType: e.currentTarget.value as TargetType, target: {}, secretFields: [], entries: {} })
            }
          >
            {TARGET_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        {fields.map((field) => {
          const common = {
            key: `${values.targetType}.${field}`,
            id: `${prefix}-target-${field}`,
            label: fieldLabel(field),
            error: byField[`target.${field}`],
          };
          const choices = FIELD_CHOICES[values.targetType]?.[field];
          const onChange = (value: string) => set({ target: { ...values.target, [field]: value } });
          return choices ? (
            <SelectField
              {...common}
              value={values.target[field] || choices[0]!}
              choices={choices}
              onChange={onChange}
            />
          ) : (
            <TextField
              {...common}
              value={values.target[field] ?? ''}
              placeholder={values.secretFields.includes(field) ? 'kept secret: leave blank to keep it' : undefined}
              onInput={onChange}
            />
          );
        })}
        {Object.entries(RECORD_FIELDS[values.targetType] ?? {}).map(([field, spec]) => (
          <EntriesEditor
            key={`${values.targetType}.${field}`}
            id={`${prefix}-target-${field}`}
            legend={fieldLabel(field)}
            spec={spec}
            entries={values.entries[field] ?? []}
            error={byField[`target.${field}`]}
            onChange={(entries) => set({ entries: { ...values.entries, [field]: entries } })}
          />
        ))}
        {FORMAT_TARGETS.includes(values.targetType) && (
          <SelectField
            id={`${prefix}-format`}
            label="Payload format"
            value={values.format}
            choices={FORMATS}
            none="the API's default"
            error={byField.format}
            onChange={(format) => set({ format })}
          />
        )}
        {FORMAT_TARGETS.includes(values.targetType) && values.format === 'template' && (
          <fieldset class="field" aria-describedby={byField.template ? `${prefix}-template-error` : undefined}>
            <legend>Template</legend>
            <FieldError id={`${prefix}-template-error`} text={byField.template} />
            <TextField
              id={`${prefix}-template-content-type`}
              label="Template content type"
              value={values.templateContentType}
              error={byField['template.contentType']}
              onInput={(templateContentType) => set({ templateContentType })}
            />
            <TextField
              id={`${prefix}-template-body`}
              label="Template (Liquid)"
              multiline
              placeholder={'{"id": "{{ event.id }}", "type": "{{ event.type }}"}'}
              value={values.templateBody}
              error={byField['template.body']}
              onInput={(templateBody) => set({ templateBody })}
            />
          </fieldset>
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
        <DeliveryFields prefix={prefix} values={values} errors={byField} onChange={set} />
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
