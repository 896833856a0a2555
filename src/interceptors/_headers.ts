import type { Event } from "../api/event.ts";

/**
 * Gives `event` a fresh headers object: its headers with `changes` applied.
 * The old object is never mutated, since a source may share one headers
 * object between many events.
 */
export function withHeaders(event: Event, changes: Readonly<Record<string, string>>): void {
  event.headers = { ...event.headers, ...changes };
}

/** Gives `event` a fresh headers object with `name` set to `value`. */
export function withHeader(event: Event, name: string, value: string): void {
  event.headers = { ...event.headers, [name]: value };
}

/**
 * Whether a header-setting interceptor leaves `event` alone: with
 * `preserveExisting`, an event that already has the header keeps it.
 */
export function keepsExisting(event: Event, name: string, preserveExisting: boolean): boolean {
  return preserveExisting && Object.hasOwn(event.headers, name);
}
