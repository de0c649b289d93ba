/** Refusals several routes share, in the words the OpenAPI document uses. */
export const CURSOR_REFUSED = 'The `cursor` is not a `nextCursor` this API returned (`unprocessable`)';
