import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { runCli, runCliOnTerminal, startCli, type CliRun } from './support/cli-process';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';
import { throwawayDir } from './support/throwaway-dir';

/** `npx hookflow`, the real binary in a child process, against the real stack: what a user types and sees. */
describe('the hookflow CLI', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** XDG_CONFIG_HOME for every run: no profile of the machine's user is read. */
  const configHome = throwawayDir('hookflow-cli-');
  let admin: Record<string, string>;
  /** The owner's runs: its key comes from a profile file, as a user would keep it. */
  let owner: Record<string, string>;
  let hookId: string;
  let secret: string;
  const eventIds: string[] = [];

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    admin = {
      XDG_CONFIG_HOME: configHome,
      HOOKFLOW_URL: hookflow.url,
      HOOKFLOW_API_KEY: hookflow.config.adminKey as string,
    };
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  /** A run that must succeed: its stdout. */
  async function ok(args: string[], env: Record<string, string>, input?: string): Promise<string> {
    const run = await runCli(args, env, input);
    assert.equal(run.code, 0, `hookflow ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return run.stdout;
  }
  const json = async (args: string[], env: Record<string, string>, input?: string) =>
    JSON.parse(await ok(['--json', ...args], env, input));

  it('creates an owner with the admin key and prints its API key once', async () => {
    const table = await ok(['owners', 'create', '--name', 'Acme', '--email', 'ops@acme.test'], admin);
    assert.match(table, /API key\s*│\s*hfk_/);
    const created = await json(['owners', 'create', '--name', 'Shop', '--email', 'ops@shop.test'], admin);
    assert.match(created.id, /^own_/);
    mkdirSync(join(configHome, 'hookflow'), { recursive: true });
    writeFileSync(
      join(configHome, 'hookflow', 'config.json'),
      JSON.stringify({ profiles: { shop: { url: hookflow.url, apiKey: created.apiKey } } }),
    );
    owner = { XDG_CONFIG_HOME: configHome, HOOKFLOW_PROFILE: 'shop' };
    const list = await ok(['owners', 'list'], admin);
    assert.match(list, /ID\s*│\s*Name\s*│\s*Email/);
    assert.ok(list.includes(created.id) && list.includes('Acme'), list);
  });

  it('registers event types with the admin key; an owner lists them', async () => {
    const schema = join(configHome, 'schema.json');
    writeFileSync(schema, JSON.stringify({ type: 'object', required: ['n'] }));
    const created = await ok(
      ['event-types', 'create', 'order.created', '--description', 'An order was placed', '--schema', `@${schema}`],
      admin,
    );
    assert.match(created, /Name\s*│\s*order\.created/);
    assert.match(created, /Schema\s*│\s*\{"type":"object","required":\["n"\]\}/);
    for (const name of ['order.paid', 'order.shipped']) await ok(['event-types', 'create', name], admin);
    const list = await ok(['event-types', 'list'], owner);
    assert.match(list, /Name\s*│\s*Source\s*│\s*Description/);
    assert.match(list, /order\.created\s*│\s*custom\s*│\s*An order was placed/);
  });

  it('creates a hook with the profile named by --profile and shows it', async () => {
    const profile = { XDG_CONFIG_HOME: configHome };
    const created = await json(
      ['--profile', 'shop', 'hooks', 'create', '--name', 'Orders', '--event', 'order.*', '--url', `${receiver.url}/in`],
      profile,
    );
    hookId = created.id;
    secret = created.secret;
    assert.match(secret, /^whsec_/);
    const shown = await ok(['hooks', 'get', hookId], owner);
    assert.match(shown, new RegExp(`ID\\s*│\\s*${hookId}`));
    assert.match(shown, /Status\s*│\s*enabled/);
    assert.ok(shown.includes(`${receiver.url}/in`), shown);
    const list = await ok(['hooks', 'list'], owner);
    assert.match(list, /ID\s*│\s*Name\s*│\s*Status\s*│\s*Events\s*│\s*Target/);
    assert.ok(list.includes(hookId), list);
    // --data gives any body; an option beside it wins.
    const data = '{"name":"Ignored","events":["order.created","order.paid","order.shipped"]}';
    const updated = await ok(['hooks', 'update', hookId, '--data', data, '--name', 'Orders v2'], owner);
    assert.match(updated, /Name\s*│\s*Orders v2/);
    assert.match(updated, /Events\s*│\s*order\.created, order\.paid, order\.shipped/);
  });

  it('sends events from an argument, a file and stdin', async () => {
    const fromArgument = await json(['events', 'send', '{"type":"order.created","data":{"n":1}}'], owner);
    const file = join(configHome, 'event.json');
    writeFileSync(file, JSON.stringify({ n: 2 }));
    const fromFile = await json(['events', 'send', '--type', 'order.paid', `@${file}`], owner);
    const fromStdin = await ok(['events', 'send', '-'], owner, '{"type":"order.shipped","data":{"n":3}}');
    const stdinId = /ID\s*│\s*(\S+)/.exec(fromStdin)?.[1] ?? '';
    assert.match(fromStdin, /Type\s*│\s*order\.shipped/);
    eventIds.push(fromArgument.id, fromFile.id, stdinId);
    assert.equal(fromFile.type, 'order.paid');
    const received = await receiver.waitForRequests(3);
    assert.deepEqual(received.map((request) => JSON.parse(request.body).data.n).sort(), [1, 2, 3]);
  });

  it('lists the deliveries as JSON and as a table', async () => {
    const deliveries = await eventually(async () => {
      const listed = await json(['deliveries', 'list', '--hook', hookId, '--status', 'succeeded'], owner);
      assert.equal(listed.length, 3);
      return listed;
    });
    assert.deepEqual(deliveries.map((delivery: any) => delivery.eventId).sort(), [...eventIds].sort());
    const table = await ok(['deliveries', 'list', '--limit', '2'], owner);
    assert.match(table, /ID\s*│\s*Status\s*│\s*Hook\s*│\s*Event/);
    assert.equal(table.match(/dlv_/g)?.length, 2, table);
    const events = await ok(['events', 'list'], owner);
    assert.match(events, /ID\s*│\s*Type\s*│\s*Owner\s*│\s*Created/);
    for (const id of eventIds) assert.ok(events.includes(id), events);
    const shown = await ok(['deliveries', 'get', deliveries[0].id], owner);
    assert.match(shown, /Attempts:/);
    assert.match(shown, /HTTP 200/);
  });

  it('follows deliveries: a new one is printed as it happens, until Ctrl-C', async () => {
    const follow = startCli(['deliveries', 'list', '--follow', '--interval', '1', '--hook', hookId], owner);
    // The newest ones first, as a tail does.
    await eventually(() => assert.equal(follow.output().stdout.match(/dlv_/g)?.length, 3, follow.output().stderr));
    const sent = await json(['events', 'send', '{"type":"order.created","data":{"n":4}}'], owner);
    await eventually(() => assert.ok(follow.output().stdout.includes(`event ${sent.id}`), follow.output().stdout));
    const stopped: CliRun = await follow.interrupt();
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout.match(/dlv_/g)?.length, 4, stopped.stdout);
  });

  it('replays a delivery and waits until the replay is done', async () => {
    const [delivery] = await json(['deliveries', 'list', '--hook', hookId, '--limit', '1'], owner);
    const before = receiver.requests.length;
    const piped = await runCli(['replay', 'delivery', delivery.id], owner);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '', 'no progress bar in a pipe');
    const done = piped.stdout;
    assert.match(done, /Status\s*│\s*completed/);
    assert.match(done, /Done\s*│\s*1 of 1/);
    assert.match(done, /Succeeded\s*│\s*1/);
    assert.equal(receiver.requests.length, before + 1);
    const event = await json(['events', 'get', delivery.eventId], owner);
    assert.deepEqual(JSON.parse(receiver.requests.at(-1)?.body ?? '{}').data, event.data);

    // On a terminal, a progress bar (on stderr) until the replay is done. Another event: each keeps one
    // delivery that no replay superseded.
    const onTerminal = await runCliOnTerminal(['replay', 'event', eventIds[0] as string], owner);
    assert.equal(onTerminal.code, 0, onTerminal.stdout);
    assert.match(onTerminal.stdout, /Replay rpl_\w+ \[[█░]+\] 1\/1 deliveries \| completed/);
  });

  it('disables and enables a hook, and rotates its secret', async () => {
    assert.match(await ok(['hooks', 'disable', hookId, '--reason', 'maintenance'], owner), /Status\s*│\s*disabled/);
    assert.match(await ok(['hooks', 'enable', hookId], owner), /Status\s*│\s*enabled/);
    const rotated = await json(['hooks', 'rotate-secret', hookId], owner);
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, secret);
  });

  it('tests a hook, and recovers an hour of its deliveries', async () => {
    const tested = await ok(['hooks', 'test', hookId], owner);
    assert.match(tested, /Outcome: succeeded/);
    assert.match(tested, /HTTP 200/);
    const recovered = await json(['replay', 'recover', hookId, '--since', '1h', '--status', 'succeeded'], owner);
    assert.equal(recovered.kind, 'recovery');
    assert.equal(recovered.status, 'completed');
    assert.ok(recovered.total > 0 && recovered.done === recovered.total, JSON.stringify(recovered));
  });

  it('verifies a saved request signed with the secret, and refuses a tampered one', async () => {
    const received = receiver.requests[0];
    assert.ok(received);
    const saved = join(configHome, 'request.json');
    writeFileSync(saved, JSON.stringify({ headers: received.headers, body: received.body }));
    const verified = await ok(['verify', '--secret', secret, `@${saved}`], {});
    assert.match(verified, new RegExp(`Signature verified: webhook-id ${String(received.headers['webhook-id'])}`));

    const tampered = join(configHome, 'tampered.json');
    writeFileSync(
      tampered,
      JSON.stringify({ headers: received.headers, body: received.body.replace('"n":', '"n": 9') }),
    );
    const refused = await runCli(['verify', '--secret', secret, `@${tampered}`], {});
    assert.equal(refused.code, 5);
    assert.match(refused.stderr, /Signature does not verify/);
  });

  it('verifies a request saved an hour ago by its signature, and refuses it as too old with --fresh', async () => {
    const received = receiver.requests[0];
    assert.ok(received);
    // The same request as Hookflow signed it an hour ago, with the hook's secret.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const id = String(received.headers['webhook-id']);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(anHourAgo.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, anHourAgo, received.body),
    };
    const saved = join(configHome, 'old-request.json');
    writeFileSync(saved, JSON.stringify({ headers, body: received.body }));
    const verified = await ok(['verify', '--secret', secret, `@${saved}`], {});
    assert.match(verified, new RegExp(`signed at ${anHourAgo.toISOString().slice(0, 16)}`));
    const fresh = await runCli(['verify', '--fresh', '--secret', secret, `@${saved}`], {});
    assert.equal(fresh.code, 5);
    assert.match(fresh.stderr, /too old/);
  });

  it('deletes a hook, which is then not found', async () => {
    assert.equal((await ok(['hooks', 'delete', hookId], owner)).trim(), `Deleted hook ${hookId}`);
    const gone = await runCli(['hooks', 'get', hookId], owner);
    assert.equal(gone.code, 4, gone.stderr);
  });

  it('exits 4 with the API message for an unknown hook', async () => {
    const run = await runCli(['hooks', 'get', 'hook_nonexistent'], owner);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /No hook with id "hook_nonexistent" \(404, not_found, request \S+\)/);
    assert.equal(run.stdout, '');
  });

  it('exits 2 on bad usage, naming the problem', async () => {
    const unknownOption = await runCli(['hooks', 'list', '--colour'], owner);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /unknown option '--colour'/);
    const badJson = await runCli(['events', 'send', '{"type":'], owner);
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /The event is not JSON/);
    const noKey = await runCli(['hooks', 'list'], { XDG_CONFIG_HOME: configHome, HOOKFLOW_URL: hookflow.url });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /No API key: set HOOKFLOW_API_KEY/);
  });

  it('exits 3 when the API cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const run = await runCli(['hooks', 'list'], {
      XDG_CONFIG_HOME: configHome,
      HOOKFLOW_URL: `http://127.0.0.1:${port}`,
      HOOKFLOW_API_KEY: 'hf_x',
    });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /connection/i);
  });

  it('prints a bash completion script that completes commands', async () => {
    const script = await ok(['completion', 'bash'], {});
    assert.match(script, /complete -F _hookflow hookflow/);
    // What bash offers after `hookflow hooks ro<Tab>`.
    const tab = 'COMP_WORDS=(hookflow hooks ro); COMP_CWORD=2; _hookflow; echo "${COMPREPLY[@]}"';
    const completed = execFileSync('bash', ['-c', `${script}\n${tab}`], { encoding: 'utf8' });
    assert.equal(completed.trim(), 'rotate-secret');
    assert.match(await ok(['completion', 'zsh'], {}), /bashcompinit/);
  });
});
