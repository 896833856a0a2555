import type { Event } from "../../api/event.ts";

/**
 * Flume's HTTPSourceHandler: turns one request into the events it holds.
 * Throws {@linkcode BadRequestError} for a request it cannot read (the
 * source answers 400); any other error is the source's 500.
 */
export interface HttpHandler {
  /** The events of `request`, in order; all of them go to the channels in one transaction. */
  events(request: Request): Promise<Event[]>;
}

/** Flume's HTTPBadRequestException: the client sent what the handler cannot read. */
export class BadRequestError extends Error {
  override name = "BadRequestError";
}
