import type { Hook } from '../infra/models/hook';

/** The template as the API shows it and as targets render it: fields back as an object. */
export function templateView(template: Hook['template']) {
  if (!template) return undefined;
  return {
    contentType: template.contentType,
    body: template.body ?? undefined,
    fields: template.fields ? Object.fromEntries(template.fields.map((f) => [f.name, f.value])) : undefined,
  };
}
