import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHeaderValue, renderUrl, urlTemplateProblem } from '../core/http-templates';
import { RenderError } from '../core/payloads';

const scope = {
  event: { type: 'user.updated', data: { id: 'u/42', name: 'Zoé Martin & co', path: '@127.0.0.1/admin', n: 7 } },
  hook: { id: 'hook_1' },
};

const renderFails = (render: () => unknown, message: RegExp) =>
  assert.throws(render, (error: unknown) => error instanceof RenderError && message.test(error.message));

describe('Liquid in an HTTP hook URL and headers', () => {
  it('percent-encodes every printed value, in the path and in the query, and keeps the literal text', () => {
    assert.equal(
      renderUrl(
        'https://api.example.test/users/{{ event.data.id }}?name={{ event.data.name }}&n={{ event.data.n }}&t=a+b',
        scope,
      ),
      'https://api.example.test/users/u%2F42?name=Zo%C3%A9%20Martin%20%26%20co&n=7&t=a+b',
    );
    assert.equal(
      renderUrl('https://api.example.test/{% if event.data.n > 5 %}big{% endif %}', scope),
      'https://api.example.test/big',
    );
    assert.equal(
      renderUrl('https://api.example.test/?missing={{ event.data.nothing }}', scope),
      'https://api.example.test/?missing=',
    );
    assert.equal(renderUrl('https://api.example.test/plain?a=1', scope), 'https://api.example.test/plain?a=1');
  });

  it('sends a `| raw` value as it is, and the host stays the literal one whatever it holds', () => {
    const url = renderUrl('https://api.example.test/{{ event.data.path | raw }}', scope);
    assert.equal(url, 'https://api.example.test/@127.0.0.1/admin');
    assert.equal(new URL(url).host, 'api.example.test');
    assert.equal(
      new URL(renderUrl('https://api.example.test/{{ "/127.0.0.1/" | raw }}', scope)).host,
      'api.example.test',
    );
  });

  it('fails a render that can never make a URL: a raw space, a loop without end', () => {
    renderFails(() => renderUrl('https://api.example.test/?q={{ event.data.name | raw }}', scope), /not a URL/);
    renderFails(
      () => renderUrl('https://api.example.test/{% for i in (1..1000000000) %}{% endfor %}', scope),
      /The URL template failed to render: .*limit exceeded/,
    );
    renderFails(
      () => renderUrl(`https://api.example.test/{% for i in (1..2000) %}{{ event.data.name }}{% endfor %}`, scope),
      /more than 8192/,
    );
  });

  it('refuses Liquid in the scheme, host or port, Liquid that does not parse, and bare spaces', () => {
    assert.match(urlTemplateProblem('https://{{ event.data.host }}/x')?.message ?? '', /host and port must be literal/);
    assert.match(urlTemplateProblem('https://api.example.test:{{ p }}/x')?.message ?? '', /must be literal/);
    assert.match(
      urlTemplateProblem('https://api.example.test/{{ event.type')?.message ?? '',
      /not a valid Liquid template/,
    );
    assert.equal(urlTemplateProblem("https://api.example.test/{% include 'x' %}")?.fileTag, true);
    assert.match(
      urlTemplateProblem('https://api.example.test/a b')?.message ?? '',
      /spaces .* must be percent-encoded/,
    );
    assert.match(urlTemplateProblem('https://api.example.test/{{ a }} b')?.message ?? '', /percent-encoded/);
    assert.equal(
      urlTemplateProblem('https://api.example.test/{{ event.type }}?q={{ event.data.name | default: "a b" }}'),
      undefined,
    );
    assert.equal(
      urlTemplateProblem('https://api.example.test/{{- event.type -}} /x'),
      undefined,
      'whitespace control trims it',
    );
  });

  it('renders header values, and fails one that renders to what no header may hold', () => {
    assert.equal(renderHeaderValue('X-User', 'user {{ event.data.id }}', scope), 'user u/42');
    assert.equal(renderHeaderValue('X-Plain', 'no liquid', scope), 'no liquid');
    renderFails(
      () => renderHeaderValue('X-Two', '{{ "a" }}\n{{ "b" }}', scope),
      /Header X-Two rendered to a line break/,
    );
    renderFails(
      () => renderHeaderValue('X-Euro', '{{ "€" }}', scope),
      /Header X-Euro rendered to a line break or a character/,
    );
    renderFails(
      () => renderHeaderValue('X-Bad', '{{ event.type | no_such_filter }}', scope),
      /header X-Bad failed to render/,
    );
  });
});
