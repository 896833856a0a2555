import type { Event } from "./event.ts";

/**
 * Flume's Interceptor: sees every batch a source puts, in the listed order
 * of the source's `interceptors`, before the selector. It may change
 * headers, and may drop events by leaving them out (counted, not an error).
 */
export interface Interceptor {
  /** The events to go on with, in order. */
  intercept(events: readonly Event[]): readonly Event[];
}
