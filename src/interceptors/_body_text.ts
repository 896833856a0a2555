import { type Event, eventText } from "../api/event.ts";

const DECODER = new TextDecoder("utf-8", { fatal: false });

/**
 * The body as text: a text event's own text (never re-encoded), otherwise
 * its bytes decoded as UTF-8, malformed bytes replaced (as Java's
 * `new String(bytes, UTF_8)` does).
 */
export function bodyText(event: Event): string {
  return eventText(event) ?? DECODER.decode(event.body);
}
