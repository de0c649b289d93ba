import { useState } from 'preact/hooks';
import { isPortalKey } from '../logic/session';

/** Without a portal link's token, an owner signs in with one of its API keys (`hfk_...`). */
export function SignIn({ onKey }: { onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  return (
    <section>
      <h1>Sign in</h1>
      <p>Open the portal link you were given, or sign in with an owner API key.</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const given = key.trim();
          if (isPortalKey(given)) onKey(given);
          else setProblem('An owner API key starts with hfk_.');
        }}
      >
        <div class="field">
          <label for="api-key">Owner API key</label>
          <input
            id="api-key"
            type="password"
            autocomplete="off"
            value={key}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'api-key-error' : undefined}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
          {problem && (
            <p id="api-key-error" class="field-error">
              {problem}
            </p>
          )}
        </div>
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
