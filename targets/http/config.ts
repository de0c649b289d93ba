export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

/** What the sender gets: every header value in the clear. */
export interface HttpConfig {
  type: 'http';
  url: string;
  method: (typeof HTTP_METHODS)[number];
  headers: Record<string, string>;
}
