import { CommanderError } from '@commander-js/extra-typings';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import {
  ConnectionError,
  HookflowError,
  NotFoundError,
  ServiceUnavailableError,
  WebhookVerificationError,
} from './sdk.js';

/** What a failed run prints on stderr, and the exit code scripts branch on. */
export function describeFailure(error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  // commander has printed its own message (unknown option, missing argument) already.
  if (error instanceof CommanderError) return { message: '', exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
  if (error instanceof WebhookVerificationError) {
    return { message: `Signature does not verify: ${error.message}`, exitCode: EXIT.badSignature };
  }
  if (error instanceof HookflowError) return { message: apiMessage(error), exitCode: apiExitCode(error) };
  throw error;
}

function apiExitCode(error: HookflowError): ExitCode {
  if (error instanceof NotFoundError) return EXIT.notFound;
  // The client has retried these already: the API is down or unreachable, not refusing.
  if (error instanceof ConnectionError || error instanceof ServiceUnavailableError) return EXIT.unreachable;
  return EXIT.apiError;
}

/** The API's message, its code and request id (to quote when reporting it), and the fields it names. */
function apiMessage(error: HookflowError): string {
  const about = [error.status, error.code, error.requestId && `request ${error.requestId}`].filter(Boolean);
  const details = error.details === undefined ? '' : `\n${JSON.stringify(error.details, null, 2)}`;
  return `${error.message} (${about.join(', ')})${details}`;
}
