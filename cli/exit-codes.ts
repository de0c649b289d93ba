/**
 * What `hookflow` exits with, so that scripts can branch on the kind of failure (README, "### CLI").
 * Everything the API refused that has no code of its own below is `apiError`.
 */
export const EXIT = {
  ok: 0,
  apiError: 1,
  usage: 2,
  unreachable: 3,
  notFound: 4,
  badSignature: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI itself reports (bad arguments, an unreadable file, a missing key): exits `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
