import { ApiError } from '../client/api';

/** What went wrong, said for the person: an ended session, a refusal's message, or a network failure. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'This portal link has ended or was revoked: ask for a new one.';
    if (error.code === 'read_only') return 'This portal link may only look, not change anything.';
    return error.message;
  }
  return `The API could not be reached (${error instanceof Error ? error.message : String(error)}).`;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (error === undefined) return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}
