import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FILTER_LIMITS, filterMatcher, filterProblems, type FilterSubject, type HookFilter } from '../core/hook-filter';

const event = (overrides: Partial<FilterSubject> = {}): FilterSubject => ({
  id: 'evt_1',
  type: 'resource.created',
  ownerId: 'own_1',
  resourceType: 'project',
  resourceId: 'prj_1',
  data: { amount: 150, currency: 'EUR', title: 'Logo refresh', tags: ['design', 'urgent'], lines: [{ sku: 'a' }] },
  createdAt: new Date('2026-12-01T10:00:00.000Z'),
  ...overrides,
});

/** Whether a hook with this filter takes the event. */
const takes = (filter: HookFilter, subject = event()) =>
  filterMatcher()({ filterJson: JSON.stringify(filter) }, subject);

/** The one problem of a refused filter, as the API words it. */
function refusal(filter: HookFilter) {
  const problems = filterProblems(filter);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0] as NonNullable<(typeof problems)[number]>;
}

describe('hook filters', () => {
  describe('matching', () => {
    it('compares fields of the event as templates see it', () => {
      assert.equal(takes({ 'data.amount': { $gte: 100 } }), true);
      assert.equal(takes({ 'data.amount': { $gte: 200 } }), false);
      assert.equal(takes({ type: 'resource.created', resourceType: 'project' }), true);
      assert.equal(takes({ resourceType: { $in: ['comment', 'work'] } }), false);
      assert.equal(takes({ 'data.currency': { $ne: 'USD' }, 'data.amount': { $lt: 1000 } }), true);
      assert.equal(takes({ createdAt: { $gte: '2026-12-01T00:00:00.000Z' } }), true);
      assert.equal(takes({ resourceId: { $regex: '^prj_', $options: 'i' } }), true);
    });

    it('goes into arrays as MongoDB does', () => {
      assert.equal(takes({ 'data.tags': 'urgent' }), true);
      assert.equal(takes({ 'data.tags': { $all: ['design', 'urgent'] } }), true);
      assert.equal(takes({ 'data.tags': { $size: 3 } }), false);
      assert.equal(takes({ 'data.lines': { $elemMatch: { sku: 'a' } } }), true);
      assert.equal(takes({ 'data.lines.sku': { $nin: ['a'] } }), false);
    });

    it('combines with $and, $or, $nor and $not', () => {
      assert.equal(takes({ $or: [{ 'data.amount': { $gt: 1000 } }, { 'data.tags': 'urgent' }] }), true);
      assert.equal(takes({ $and: [{ 'data.amount': { $gt: 100 } }, { 'data.currency': 'USD' }] }), false);
      assert.equal(takes({ $nor: [{ 'data.currency': 'USD' }] }), true);
      assert.equal(takes({ 'data.title': { $not: { $regex: '^Logo' } } }), false);
    });

    it('sees missing fields as missing, not as undefined values', () => {
      const bare = event({ resourceType: undefined, resourceId: undefined });
      assert.equal(takes({ resourceType: { $exists: false } }, bare), true);
      assert.equal(takes({ messageId: { $exists: true } }, bare), false);
      assert.equal(takes({ resourceType: { $exists: true } }), true);
    });

    it('lets a hook without a filter take every event, and an empty filter too', () => {
      const matcher = filterMatcher();
      assert.equal(matcher({}, event()), true);
      assert.equal(matcher({ filterJson: null }, event()), true);
      assert.equal(takes({}), true);
    });

    it('matches nothing when a stored filter cannot run, rather than throwing', () => {
      const matcher = filterMatcher();
      assert.equal(matcher({ filterJson: '{"data.x": {"$where": "true"}}' }, event()), false);
      assert.equal(matcher({ filterJson: 'not json' }, event()), false);
    });

    it('gives up on patterns too costly for the event, as no match', () => {
      // A linear pattern, but with a program of some thousand steps: on 40,000 characters, far past the budget.
      const costly = event({ data: { text: 'ab'.repeat(20_000) } });
      const started = Date.now();
      assert.equal(takes({ 'data.text': { $regex: '[ab]{500}c' } }, costly), false);
      assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
      assert.equal(takes({ 'data.text': { $regex: 'abab' } }, costly), true);
    });
  });

  describe('checks at creation', () => {
    it('accepts what the examples of the README use', () => {
      for (const filter of [
        { 'data.amount': { $gte: 100 } },
        { type: { $in: ['dataset-created', 'dataset-error'] }, 'data.owner.id': 'u1' },
        { $or: [{ resourceType: 'project' }, { 'data.tags': { $all: ['a'] } }] },
        { 'data.title': { $regex: '^(Logo|Icon)', $options: 'i' } },
        { 'data.lines': { $elemMatch: { qty: { $gt: 1 }, sku: { $ne: 'x' } } } },
        { 'data.meta': { a: 1, b: [1, 2] } },
      ]) {
        assert.deepEqual(filterProblems(filter), [], JSON.stringify(filter));
      }
    });

    it('refuses operators that run code or are not on the list, naming them (a 400)', () => {
      for (const operator of ['$where', '$function', '$expr', '$accumulator', '$jsonSchema', '$mod', '$type']) {
        const problem = refusal({ 'data.amount': { [operator]: 'x' } });
        assert.deepEqual(problem.path, ['data.amount', operator]);
        assert.match(
          problem.message,
          new RegExp(`^operator \\${operator} is not allowed here \\(filters may use \\$eq,`),
        );
        assert.equal(problem.beyondSchema, false);
      }
      const top = refusal({ $where: 'this.data.amount > 1' });
      assert.deepEqual(top.path, ['$where']);
      assert.match(top.message, /^operator \$where is not allowed here/);
      assert.deepEqual(refusal({ $or: [{ $expr: {} }] }).path, ['$or', '0', '$expr']);
    });

    it('refuses a malformed shape, saying where (a 400)', () => {
      assert.deepEqual(refusal({ $or: [] }).path, ['$or']);
      assert.match(refusal({ $or: [] }).message, /must NOT have fewer than 1 items/);
      assert.deepEqual(refusal({ 'data.amount': { $in: 5 } }).path, ['data.amount', '$in']);
      assert.match(refusal({ 'data.amount': { $in: 5 } }).message, /must be array/);
      assert.match(refusal({ 'data.x': { $exists: 'yes' } }).message, /must be boolean/);
      assert.match(refusal({ 'data.x': { $options: 'i' } }).message, /must have property \$regex/);
      assert.match(refusal({ 'data.x': { $regex: 'a', $options: 'g' } }).message, /must match pattern/);
      assert.deepEqual(refusal({ 'data..x': 1 }).path, ['data..x']);
      assert.match(refusal({ 'data..x': 1 }).message, /^is not a field path: dotted names, none empty/);
      assert.deepEqual(refusal({ 'data.x': { $gt: 1, y: 2 } }).path, ['data.x']);
      assert.match(refusal({ 'data.x': { $gt: 1, y: 2 } }).message, /^mixes operators with other keys/);
      const wide = Object.fromEntries(Array.from({ length: FILTER_LIMITS.keysPerObject + 1 }, (_, i) => [`f${i}`, i]));
      assert.match(refusal(wide).message, /must NOT have more than 20 properties/);
      for (const problem of [refusal({ $or: [] }), refusal(wide)]) assert.equal(problem.beyondSchema, false);
    });

    it('refuses what the document cannot state, as a 422: depth, size, non-linear patterns', () => {
      let deep: HookFilter = { x: 1 };
      for (let i = 0; i < FILTER_LIMITS.depth; i++) deep = { $and: [deep] };
      assert.match(refusal(deep).message, /nests deeper than 10 levels/);
      const huge = { 'data.x': { $in: Array.from({ length: 100 }, () => 'y'.repeat(200)) } };
      assert.match(refusal(huge).message, /characters of JSON; a filter may have 16384/);
      const lookahead = refusal({ $or: [{ 'data.title': { $regex: '^(?=Logo)' } }] });
      assert.deepEqual(lookahead.path, ['$or', '0', 'data.title', '$regex']);
      assert.match(lookahead.message, /^pattern "\^\(\?=Logo\)" cannot run in linear time \(RE2\)/);
      for (const problem of [refusal(deep), refusal(huge), lookahead]) assert.equal(problem.beyondSchema, true);
    });

    it('counts every condition and operator against the limit', () => {
      const conditions = () => ({
        $and: Array.from({ length: 20 }, (_, i) => ({
          [`a${i}`]: { $gt: 1, $lt: 9 },
          [`b${i}`]: 1,
        })),
      });
      // Each item: a$i, $gt, $lt, b$i (4), plus $and itself.
      assert.deepEqual(filterProblems(conditions()), [], '81 of them');
      const over = { $or: [conditions(), conditions()] };
      assert.match(refusal(over).message, /^has 163 conditions and operators; a filter may have 100$/);
    });
  });
});
