import { durationMs } from '../domain/durations';
import { templateView } from '../domain/hooks';
import type { Hook } from '../domain/models/hook';
import type { SecretBox } from '../domain/secret-box';
import type { PreparedHook } from './targets/target';

/** Opens a stored hook's secrets for one send: secret header values and the signing secrets still in force. */
export function prepareHook(hook: Hook & { _id: string }, secrets: SecretBox, now: Date): PreparedHook {
  const headers = Object.fromEntries(
    hook.target.headers.map((h) => [h.name, h.secret ? secrets.open(h.value) : h.value] as const),
  );
  return {
    id: hook._id,
    format: hook.format,
    template: templateView(hook.template),
    timeoutMs: durationMs(hook.delivery.timeout),
    signingSecrets: hook.signingSecrets
      .filter((s) => !s.expiresAt || s.expiresAt > now)
      .map((s) => secrets.open(s.sealed)),
    target: { type: hook.target.type, url: hook.target.url, method: hook.target.method, headers },
  };
}
