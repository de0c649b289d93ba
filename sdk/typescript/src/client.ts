import { HookflowResources } from './generated/resources.js';
import { Transport, type HookflowOptions } from './transport.js';

/**
 * The Hookflow API: `new Hookflow({ baseUrl, apiKey })`, then one namespace per resource with one method per
 * operation (`client.hooks.create(...)`, `client.events.create(...)`, `client.deliveries.list(...)`).
 */
export class Hookflow extends HookflowResources {
  constructor(options: HookflowOptions) {
    super(new Transport(options));
  }
}
