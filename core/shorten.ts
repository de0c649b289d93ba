/** The text as it is when it fits in `chars`, else cut with an ellipsis to exactly `chars` characters. */
export function shorten(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}
