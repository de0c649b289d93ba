export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

/** What the sender gets: every header value in the clear. */
export interface HttpConfig {
  type: 'http';
  /** Liquid may follow the host (core/http-templates.ts). */
  url: string;
  method: (typeof HTTP_METHODS)[number];
  /** Plain headers: each value is Liquid, rendered at each send. */
  headers: Record<string, string>;
  /**
   * Secret headers, sent as stored, never rendered: a secret is a constant, and the attempt record hides
   * it as the value it is (a rendered one would differ from what the record knows to hide).
   */
  secretHeaders: Record<string, string>;
}
