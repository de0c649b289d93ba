import { useEffect, useRef, useState } from 'preact/hooks';

/** A signing secret, shown this once (the API never shows it again), with a copy button. */
export function SecretOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string>();
  const panel = useRef<HTMLElement>(null);
  // Focus moves to the secret, so that a keyboard or screen reader user lands on what must be kept now.
  useEffect(() => panel.current?.focus(), []);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied('Copied.'),
      // No clipboard (an insecure origin, a frame without the permission): the text is there to select.
      () => setCopied('Could not copy: select the secret and copy it.'),
    );
  return (
    <section class="secret" aria-labelledby="secret-title" tabIndex={-1} ref={panel}>
      <h3 id="secret-title">{title}</h3>
      <p>Shown once: keep it now. Receivers check signatures with it.</p>
      <p>
        <code data-testid="secret">{secret}</code>
      </p>
      <div class="actions">
        <button type="button" onClick={() => void copy()}>
          Copy secret
        </button>
        <button type="button" class="quiet" onClick={onDone}>
          Done
        </button>
        <span role="status">{copied}</span>
      </div>
    </section>
  );
}
