/** A field's message, tied to its input for screen readers. */
export function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} class="field-error">
      {text}
    </p>
  ) : null;
}

export const invalid = (text: string | undefined, id: string) =>
  text ? { 'aria-invalid': true, 'aria-describedby': id } : {};

/** One text input (or textarea), its label, and the API's word on it. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  placeholder?: string;
  numeric?: boolean;
  multiline?: boolean;
  onInput: (value: string) => void;
}) {
  const shared = {
    id: props.id,
    value: props.value,
    placeholder: props.placeholder,
    onInput: (e: { currentTarget: { value: string } }) => props.onInput(e.currentTarget.value),
    ...invalid(props.error, `${props.id}-error`),
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea rows={6} {...shared} />
      ) : (
        // A text input that brings up digits, not type=number, whose value is '' for anything it cannot parse.
        <input {...shared} inputMode={props.numeric ? 'numeric' : undefined} />
      )}
      <FieldError id={`${props.id}-error`} text={props.error} />
    </div>
  );
}

/** A select of `choices`; `none`, when given, is the first option, for '' (the API's default). */
export function SelectField(props: {
  id: string;
  label: string;
  value: string;
  choices: readonly string[];
  none?: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        {...invalid(props.error, `${props.id}-error`)}
      >
        {props.none !== undefined && <option value="">{props.none}</option>}
        {props.choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
      <FieldError id={`${props.id}-error`} text={props.error} />
    </div>
  );
}
