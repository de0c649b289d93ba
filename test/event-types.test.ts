import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mongoose';
import { loadConfig } from '../infra/config';
import { AppError, ConflictError, UnprocessableError } from '../core/errors';
import { EVENT_CATALOGUE } from '../core/event-catalogue';
import {
  assertEventAccepted,
  assertSubscribable,
  createEventType,
  createEventTypeInput,
  listEventTypes,
  seedEventCatalogue,
} from '../services/event-types';
import { createModels, type Models } from '../infra/models';
import { connectMongo, syncIndexes } from '../infra/mongo';

/** The names each product documents, from the docs in shared/seeds. */
const PRODUCT_EVENTS = {
  creads: ['resource.created', 'resource.updated', 'resource.deleted'],
  misskey: ['follow', 'followed', 'unfollow', 'note', 'reply', 'renote', 'mention', 'reaction'],
  push: [
    'onDeviceRegister',
    'onDeviceUpdate',
    'onDeviceUnregister',
    'onSubscribe',
    'onUnsubscribe',
    'onNotificationSend',
    'onNotificationFailure',
  ],
  dataPortal: [
    'dataset-created',
    'dataset-error',
    'dataset-finalized',
    'dataset-published',
    'dataset-downloaded',
    'visualization-created',
    'visualization-error',
    'visualization-published',
  ],
};

/** A schema with the keys MongoDB cannot store as document keys: `$schema`, `$id`, `$defs`, `$ref`. */
const ORDER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://example.test/schemas/order-paid',
  type: 'object',
  required: ['order'],
  properties: {
    order: { $ref: '#/$defs/order' },
    'customer.email': { type: 'string', format: 'email' },
  },
  $defs: {
    order: {
      type: 'object',
      required: ['id', 'amount'],
      properties: { id: { type: 'string' }, amount: { type: 'integer', minimum: 0 } },
    },
  },
};

function isUnprocessable(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof UnprocessableError, `expected an UnprocessableError, got ${String(error)}`);
    assert.equal(error.status, 422);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('event type catalogue', () => {
  let connection: Connection;
  let models: Models;

  before(async () => {
    const uri = new URL(loadConfig().mongodbUri);
    uri.pathname = `/hookflow_test_evtypes_${randomBytes(4).toString('hex')}`;
    connection = await connectMongo(uri.toString());
    models = createModels(connection);
    await syncIndexes(connection);
  });

  after(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  describe('seeding', () => {
    it('inserts each default once, even when four processes seed at the same time', async () => {
      for (let round = 0; round < 5; round++) {
        await models.EventType.deleteMany({});
        await Promise.all(Array.from({ length: 4 }, () => seedEventCatalogue(models)));
        assert.equal(await models.EventType.countDocuments(), EVENT_CATALOGUE.length);
      }
      await seedEventCatalogue(models);
      assert.equal(await models.EventType.countDocuments(), EVENT_CATALOGUE.length);
      const names = (await listEventTypes(models)).map((eventType) => eventType.name);
      assert.equal(new Set(names).size, EVENT_CATALOGUE.length);
    });

    it("keeps an operator's edits when seeding again", async () => {
      await models.EventType.updateOne({ _id: 'follow' }, { $set: { description: 'Edited by the operator' } });
      await seedEventCatalogue(models);
      const edited = await models.EventType.findById('follow').lean();
      assert.equal(edited?.description, 'Edited by the operator');
      assert.equal(edited?.source, 'catalogue');
      assert.equal(await models.EventType.countDocuments({ _id: 'follow' }), 1);
      assert.equal(await models.EventType.countDocuments(), EVENT_CATALOGUE.length);
      // Seeding does not touch the types it finds: their version stays the same.
      const untouched = await models.EventType.findById('note').lean();
      assert.ok(untouched);
      assert.equal(untouched.createdAt.getTime(), untouched.updatedAt.getTime());
    });

    it("lists every seed product's event names, sorted, with descriptions", async () => {
      const listed = await listEventTypes(models);
      const names = listed.map((eventType) => eventType.name);
      assert.deepEqual(names, [...names].sort());
      for (const [product, expected] of Object.entries(PRODUCT_EVENTS)) {
        for (const name of expected) assert.ok(names.includes(name), `${product}: ${name} is missing`);
      }
      for (const eventType of listed) {
        assert.ok(eventType.description.length > 0, `${eventType.name} has no description`);
        assert.equal(eventType.source, 'catalogue');
        assert.ok(eventType.createdAt instanceof Date);
      }
      const created = listed.find((eventType) => eventType.name === 'resource.created');
      // Creads' organizations and products are only ever updated (see test/creads-rules.test.ts).
      assert.deepEqual(created?.resourceTypes, [
        'invitation',
        'membership',
        'project',
        'project-message',
        'work',
        'webhook',
        'comment',
      ]);
      assert.equal(created?.schema, undefined);
      const follow = listed.find((eventType) => eventType.name === 'follow');
      assert.deepEqual(follow?.schema?.required, ['user']);
      assert.equal(follow?.resourceTypes, undefined);
    });
  });

  describe('subscriptions', () => {
    it('accepts catalogued names and patterns', async () => {
      await assertSubscribable(models, ['resource.created', 'onDeviceRegister', 'dataset-created', 'follow']);
      await assertSubscribable(models, ['*', 'resource.*', 'anything.at.all.*']);
      await assertSubscribable(models, []);
    });

    it('refuses unknown names, naming them', async () => {
      await assert.rejects(
        assertSubscribable(models, ['resource.created', 'foo.bar']),
        isUnprocessable(
          /^events: unknown event type "foo\.bar"; register it with POST \/v1\/event-types or use a pattern$/,
        ),
      );
      await assert.rejects(assertSubscribable(models, ['nope', 'resource.*', 'dataset-creatd', 'nope']), (error) => {
        assert.ok(error instanceof UnprocessableError);
        assert.match(error.message, /unknown event types "nope", "dataset-creatd"/);
        assert.deepEqual(error.details, [
          { path: 'events.0', message: 'unknown event type' },
          { path: 'events.2', message: 'unknown event type' },
        ]);
        return true;
      });
    });
  });

  describe('accepting events', () => {
    it('refuses an unknown type with a 422 naming `type`', async () => {
      await assert.rejects(
        assertEventAccepted(models, { type: 'order.paid.typo', data: {} }),
        isUnprocessable(/^type: unknown event type "order\.paid\.typo"/),
      );
    });

    it("checks the resource type against the type's list", async () => {
      await assertEventAccepted(models, { type: 'resource.created', data: {}, resourceType: 'project-message' });
      await assertEventAccepted(models, { type: 'resource.created', data: {} });
      await assert.rejects(
        assertEventAccepted(models, { type: 'resource.created', data: {}, resourceType: 'invoice' }),
        isUnprocessable(/^resourceType: "invoice" is not one of the resource types of "resource\.created"/),
      );
      // A type without a list takes any resource type.
      await assertEventAccepted(models, { type: 'dataset-created', data: {}, resourceType: 'dataset' });
    });

    it('checks data against a catalogued schema, answering 422 with the findings', async () => {
      await assertEventAccepted(models, { type: 'follow', data: { user: { id: 'u1', username: 'alice' } } });
      await assertEventAccepted(models, { type: 'mention', data: { note: { id: 'n1' }, extra: true } });
      await assert.rejects(assertEventAccepted(models, { type: 'follow', data: { user: 'alice' } }), (error) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.status, 422);
        assert.equal(error.code, 'schema_mismatch');
        assert.match(error.message, /"follow"/);
        assert.deepEqual(error.details, [{ path: 'data.user', message: 'must be object' }]);
        return true;
      });
      await assert.rejects(assertEventAccepted(models, { type: 'note', data: {} }), (error) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.status, 422);
        assert.deepEqual(error.details, [{ path: 'data', message: "must have required property 'note'" }]);
        return true;
      });
      // No schema: any data goes.
      await assertEventAccepted(models, { type: 'reaction', data: { anything: [1, 2, 3] } });
    });

    it('stores schemas with $-keys intact and validates with their $refs', async () => {
      const created = await createEventType(models, {
        name: 'order.paid',
        description: 'An order was paid.',
        schema: ORDER_SCHEMA,
        resourceTypes: ['order'],
      });
      assert.equal(created.source, 'custom');
      assert.deepEqual(created.schema, ORDER_SCHEMA);
      const listed = (await listEventTypes(models)).find((eventType) => eventType.name === 'order.paid');
      assert.deepEqual(listed?.schema, ORDER_SCHEMA);

      await assertEventAccepted(models, {
        type: 'order.paid',
        data: { order: { id: 'o1', amount: 1200 }, 'customer.email': 'a@example.test' },
        resourceType: 'order',
      });
      await assert.rejects(
        assertEventAccepted(models, {
          type: 'order.paid',
          data: { order: { id: 'o1', amount: -5 }, 'customer.email': 'not-an-email' },
        }),
        (error) => {
          assert.ok(error instanceof AppError);
          assert.equal(error.status, 422);
          assert.match(error.message, /^data does not match the schema of event type "order\.paid": /);
          assert.deepEqual(
            new Set((error.details as { path: string }[]).map((problem) => problem.path)),
            new Set(['data.order.amount', 'data.customer.email']),
          );
          return true;
        },
      );
    });

    it('uses the new schema once a type is edited', async () => {
      await assertEventAccepted(models, { type: 'renote', data: { note: {} } });
      const stricter = {
        type: 'object',
        required: ['note'],
        properties: { note: { type: 'object', required: ['id'] } },
      };
      await models.EventType.updateOne({ _id: 'renote' }, { $set: { schemaJson: JSON.stringify(stricter) } });
      await assert.rejects(assertEventAccepted(models, { type: 'renote', data: { note: {} } }), (error) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'schema_mismatch');
        return true;
      });
    });
  });

  describe('registering event types', () => {
    it('refuses a name that is taken, by the catalogue or by an earlier registration', async () => {
      await assert.rejects(createEventType(models, { name: 'follow' }), (error) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.status, 409);
        assert.match(error.message, /"follow" already exists/);
        return true;
      });
      const first = await createEventType(models, { name: 'invoice-sent' });
      assert.deepEqual(
        { ...first, createdAt: undefined },
        {
          name: 'invoice-sent',
          description: '',
          schema: undefined,
          resourceTypes: undefined,
          source: 'custom',
          createdAt: undefined,
        },
      );
      await assert.rejects(createEventType(models, { name: 'invoice-sent' }), ConflictError);
    });

    it('refuses a schema that does not compile, naming `schema` and what is wrong', async () => {
      await assert.rejects(
        createEventType(models, { name: 'broken.one', schema: { type: 'objekt' } }),
        isUnprocessable(/^schema: .*must be equal to one of the allowed values/),
      );
      await assert.rejects(
        createEventType(models, { name: 'broken.two', schema: { properties: { a: { $ref: '#/$defs/missing' } } } }),
        isUnprocessable(/^schema: .*can't resolve reference #\/\$defs\/missing/),
      );
      await assert.rejects(
        createEventType(models, { name: 'broken.three', schema: { type: 'string', format: 'no-such-format' } }),
        isUnprocessable(/^schema: .*unknown format "no-such-format"/),
      );
      assert.equal(await models.EventType.countDocuments({ _id: /^broken\./ }), 0);
    });

    it('refuses the non-standard url format, whose check is quadratic, and keeps the standard uri', async () => {
      await assert.rejects(
        createEventType(models, { name: 'link.url', schema: { type: 'string', format: 'url' } }),
        isUnprocessable(/^schema: .*unknown format "url"/),
      );
      await createEventType(models, {
        name: 'link.uri',
        schema: { type: 'object', properties: { href: { type: 'string', format: 'uri' } } },
      });
      await assertEventAccepted(models, { type: 'link.uri', data: { href: 'https://example.test/a' } });
      await assert.rejects(assertEventAccepted(models, { type: 'link.uri', data: { href: 'not a uri' } }), AppError);
    });

    it('refuses $async schemas, whose validator answers a promise', async () => {
      await assert.rejects(
        createEventType(models, { name: 'async.one', schema: { $async: true, type: 'object' } }),
        isUnprocessable(/^schema: \$async is not supported/),
      );
    });

    it('refuses a schema 10,000 levels deep without walking it recursively', async () => {
      const deep = JSON.parse(`${'{"not":'.repeat(10_000)}{}${'}'.repeat(10_000)}`) as Record<string, unknown>;
      await assert.rejects(
        createEventType(models, { name: 'deep.one', schema: deep }),
        isUnprocessable(/^schema: nested deeper than 32 levels/),
      );
    });

    it('refuses events of a type whose stored schema is past the limits (stored before them), saying why', async () => {
      await models.EventType.create({
        _id: 'legacy.lookahead',
        description: '',
        schemaJson: JSON.stringify({ type: 'string', pattern: '^(?=a)(a+)+$' }),
        source: 'custom',
      });
      await assert.rejects(assertEventAccepted(models, { type: 'legacy.lookahead', data: 'aaaa' }), (error) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.status, 422);
        assert.equal(error.code, 'schema_unusable');
        assert.match(
          error.message,
          /"legacy\.lookahead" cannot be used \(pattern "\^\(\?=a\)\(a\+\)\+\$" cannot run in linear time/,
        );
        return true;
      });
    });

    it('validates the request: names, not patterns; slugs for resource types', () => {
      assert.equal(createEventTypeInput.safeParse({ name: 'order.refunded' }).success, true);
      assert.equal(createEventTypeInput.safeParse({ name: 'onOrderRefund', resourceTypes: ['order'] }).success, true);
      for (const name of ['*', 'order.*', '1order', '.order', '', 'a'.repeat(129), 'order paid']) {
        assert.equal(createEventTypeInput.safeParse({ name }).success, false, `${JSON.stringify(name)} was accepted`);
      }
      assert.equal(createEventTypeInput.safeParse({ name: 'x', resourceTypes: ['Order'] }).success, false);
      assert.equal(createEventTypeInput.safeParse({ name: 'x', schema: 'not an object' }).success, false);
      assert.equal(createEventTypeInput.safeParse({ name: 'x', extra: 1 }).success, false);
    });
  });
});
