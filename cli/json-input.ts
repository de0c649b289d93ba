import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { CliError } from './exit-codes.js';

/**
 * A JSON argument as curl takes it: the JSON itself, `@path` for a file's, or `-` for standard input's.
 * `what` names it in the error when it is not JSON.
 */
export async function readJson(argument: string, what: string): Promise<unknown> {
  let source: string;
  if (argument === '-') source = await text(process.stdin);
  else if (argument.startsWith('@')) source = await readFileText(argument.slice(1));
  else source = argument;
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new CliError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** `readJson` for a JSON object: what the API's bodies are. */
export async function readJsonObject(argument: string, what: string): Promise<Record<string, unknown>> {
  const value = await readJson(argument, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

async function readFileText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}
