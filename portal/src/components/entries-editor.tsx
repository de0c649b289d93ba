import type { Entry } from '../logic/entries';
import type { RecordField } from '../logic/hook-form-values';
import { FieldError } from './form-fields';

/**
 * An object-valued field (HTTP headers, GA4 params) as rows of name and value, each input labelled with its
 * row's number, rows added and removed by buttons; the API's refusal of any row is shown under the group.
 */
export function EntriesEditor(props: {
  id: string;
  legend: string;
  spec: RecordField;
  entries: Entry[];
  error: string | undefined;
  onChange: (entries: Entry[]) => void;
}) {
  const { id, spec, entries, onChange } = props;
  const noun = spec.noun.toLowerCase();
  const change = (index: number, row: Partial<Entry>) =>
    onChange(entries.map((entry, at) => (at === index ? { ...entry, ...row } : entry)));
  return (
    <fieldset class="field entries" aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
      <FieldError id={`${id}-error`} text={props.error} />
      {entries.map((entry, index) => {
        const name = `${spec.noun} ${index + 1}`;
        return (
          <div class="entry" key={index}>
            <label>
              {name} name
              <input value={entry.key} onInput={(e) => change(index, { key: e.currentTarget.value })} />
            </label>
            <label>
              {name} value
              <input
                value={entry.value}
                placeholder={entry.secret ? 'kept secret: leave blank to keep it' : undefined}
                onInput={(e) => change(index, { value: e.currentTarget.value })}
              />
            </label>
            {spec.secrets && (
              <label class="inline">
                <input
                  type="checkbox"
                  checked={entry.secret}
                  onChange={(e) => change(index, { secret: e.currentTarget.checked })}
                />
                {name} secret
              </label>
            )}
            <button type="button" class="quiet" onClick={() => onChange(entries.filter((_, at) => at !== index))}>
              Remove {noun} {index + 1}
            </button>
          </div>
        );
      })}
      <button type="button" class="quiet" onClick={() => onChange([...entries, { key: '', value: '', secret: false }])}>
        Add {noun}
      </button>
    </fieldset>
  );
}
