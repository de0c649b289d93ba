import { DELIVERY_SETTINGS, type DeliveryValues } from '../logic/delivery-values';
import { SelectField, TextField } from './form-fields';

/** Every delivery setting the API has, each optional: left blank, it follows the defaults (or is off). */
export function DeliveryFields(props: {
  prefix: string;
  values: DeliveryValues;
  errors: Record<string, string>;
  onChange: (change: Partial<DeliveryValues>) => void;
}) {
  return (
    <>
      {DELIVERY_SETTINGS.map((setting) => {
        const common = {
          key: setting.field,
          id: `${props.prefix}-${setting.field}`,
          label: setting.label,
          value: props.values[setting.field],
          error: props.errors[setting.errorPath],
        };
        return setting.choices ? (
          <SelectField
            {...common}
            choices={setting.choices}
            none={setting.none}
            onChange={(value) => props.onChange({ [setting.field]: value })}
          />
        ) : (
          <TextField
            {...common}
            placeholder={setting.placeholder}
            numeric={setting.numeric}
            onInput={(value) => props.onChange({ [setting.field]: value })}
          />
        );
      })}
    </>
  );
}
