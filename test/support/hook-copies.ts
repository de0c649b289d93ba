import { newId, type HookId } from '../../core/ids';
import type { Models } from '../../infra/models';

/**
 * Replaces a hook the API created by `count` copies of it under their own
 * ids, each sending to `urlFor(id, index)`, inserted in bulk: creating
 * thousands through the API one at a time would be the slow part of a test or
 * a benchmark setup. Answers the copies' ids.
 */
export async function replaceByCopies(
  models: Models,
  templateId: HookId,
  count: number,
  urlFor: (hookId: string, index: number) => string,
): Promise<HookId[]> {
  const template = await models.Hook.findById(templateId).lean();
  if (!template) throw new Error(`Hook ${templateId} does not exist`);
  await models.Hook.deleteOne({ _id: templateId });
  const ids = Array.from({ length: count }, () => newId('hook'));
  const BATCH = 2_000;
  for (let start = 0; start < count; start += BATCH) {
    await models.Hook.insertMany(
      ids.slice(start, start + BATCH).map((id, offset) => ({
        ...template,
        _id: id,
        name: `${template.name} ${start + offset}`,
        target: { ...template.target, url: urlFor(id, start + offset) },
      })),
      { lean: true },
    );
  }
  return ids;
}
