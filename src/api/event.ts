/** A Flume event: string headers and an opaque body. */
export interface Event {
  /** Event headers; empty unless a source or interceptor adds some. */
  headers: Record<string, string>;
  /** The payload bytes. */
  body: Uint8Array;
}

const ENCODER = new TextEncoder();

/**
 * An event whose body arrived as text (a WebSocket text frame): the UTF-8
 * bytes are made when something first reads `body`, so a pipeline that
 * never looks at the bytes (a null sink) or can use the text itself (the
 * json serializer) does not pay for encoding.
 */
export class TextEvent implements Event {
  headers: Record<string, string>;
  /** The body as the text it came as. */
  readonly text: string;
  #body: Uint8Array | undefined;

  /** An event for `text`; `headers` may be shared if nothing mutates it. */
  constructor(text: string, headers: Record<string, string> = {}) {
    this.text = text;
    this.headers = headers;
  }

  /** The UTF-8 encoding of the text, made once on first use. */
  get body(): Uint8Array {
    return this.#body ??= ENCODER.encode(this.text);
  }
}

/** Builds an event whose body is the UTF-8 encoding of `text`. */
export function textEvent(text: string, headers: Record<string, string> = {}): Event {
  return { headers, body: ENCODER.encode(text) };
}

/**
 * The size a channel accounts for an event: its body's bytes, or for a text
 * event its length in UTF-16 code units (the same bytes for ASCII, an
 * estimate otherwise, as Flume's byteCapacity is) without encoding it.
 */
export function eventSize(event: Event): number {
  return event instanceof TextEvent ? event.text.length : event.body.byteLength;
}

/** The body as text when the event arrived as text; undefined otherwise. */
export function eventText(event: Event): string | undefined {
  return event instanceof TextEvent ? event.text : undefined;
}

/** The headers as JSON: `{}` without calling JSON.stringify when there are none (most events). */
export function headersJson(headers: Record<string, string>): string {
  for (const _ in headers) return JSON.stringify(headers);
  return "{}";
}
