/** A handler's answer that is an HTML page rather than JSON. */
export class HtmlReply {
  constructor(readonly html: string) {}
}

/** A handler's answer that is text of its own media type (Prometheus' exposition format) rather than JSON. */
export class TextReply {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

/** A handler's answer when the route's usual status does not fit (a repeat of an accepted event is 200, not 202). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
