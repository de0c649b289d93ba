import { resolveConnection, type Connection } from './connection.js';
import { CliError } from './exit-codes.js';
import { json, print } from './output.js';
import { Hookflow } from './sdk.js';

/** The root's options, which every command reads. */
export interface GlobalOptions {
  json?: boolean;
  profile?: string;
  apiUrl?: string;
}

/** What a command's action needs of the whole run: the client, and whether to answer in JSON. */
export interface Session {
  /** Reads the address and key (main runs it before each action, as commander's preAction hook). */
  connect(): Promise<void>;
  /**
   * The client for what connect() read. A missing key or a bad profile file is reported here, not by connect():
   * commands that call no API (verify, completion) never ask, and run without either.
   */
  client(): Hookflow;
  readonly json: boolean;
  /** Prints `value` as JSON with `--json`, else what `human` makes of it. */
  show<T>(value: T, human: (value: T) => string): void;
}

export function createSession(globals: () => GlobalOptions, env: NodeJS.ProcessEnv): Session {
  let connection: Connection | CliError | undefined;
  let client: Hookflow | undefined;
  return {
    async connect() {
      connection = await resolveConnection(globals(), env).catch((error: unknown) => {
        if (error instanceof CliError) return error;
        throw error;
      });
    },
    client() {
      if (connection instanceof CliError) throw connection;
      if (!connection) throw new Error('session.client() before session.connect()');
      client ??= new Hookflow(connection);
      return client;
    },
    get json() {
      return globals().json === true;
    },
    show(value, human) {
      print(this.json ? json(value) : human(value));
    },
  };
}
