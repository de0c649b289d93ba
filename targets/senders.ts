import type { OpenedTarget, TargetType } from './catalogue';
import type { Sender, SenderDependencies } from './contract';
import { TARGETS } from './registry';

/** Every target type's sender, by type: the worker's half of the registry. */
export type Senders = ReadonlyMap<TargetType, Sender<OpenedTarget>>;

/**
 * Loads each registered type's sender module and builds its sender. Only
 * the worker calls this: the API never loads a sender.
 */
export async function createSenders(deps: SenderDependencies): Promise<Senders> {
  const entries = await Promise.all(
    TARGETS.map(async (target) => {
      const module = await target.loadSender();
      return [target.type, module.createSender(deps)] as const;
    }),
  );
  return new Map(entries);
}
