/** A Flume event: string headers and an opaque body. */
export interface Event {
  /** Event headers; empty unless a source or interceptor adds some. */
  headers: Record<string, string>;
  /** The payload bytes. */
  body: Uint8Array;
}

const ENCODER = new TextEncoder();

/** Builds an event whose body is the UTF-8 encoding of `text`. */
export function textEvent(text: string, headers: Record<string, string> = {}): Event {
  return { headers, body: ENCODER.encode(text) };
}
