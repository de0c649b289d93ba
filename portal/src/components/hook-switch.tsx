import { answer, type Hook } from '../client/api';
import { usePortal } from './context';

/** "Enable" on a disabled hook, "Disable" on an enabled one; `onDone` gets the hook as changed, or the refusal. */
export function HookSwitch({ hook, onDone }: { hook: Hook; onDone: (result: unknown) => void }) {
  const { api } = usePortal();
  const path = { params: { path: { id: hook.id } } };
  const act = () =>
    (hook.status === 'enabled'
      ? answer(api.POST('/v1/hooks/{id}/disable', { ...path, body: {} }))
      : answer(api.POST('/v1/hooks/{id}/enable', { ...path, body: {} }))
    ).then(onDone, onDone);
  return (
    <button type="button" onClick={() => void act()}>
      {hook.status === 'enabled' ? 'Disable' : 'Enable'}
    </button>
  );
}
