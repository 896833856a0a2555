import type { Event } from "../../api/event.ts";
import { charsetParameter, decodeText, encodeText, jsonCharset } from "./charsets.ts";
import { BadRequestError, type HttpHandler } from "./handler.ts";

/**
 * Flume's JSONHandler: the body is a JSON array of `{"headers": {…},
 * "body": "text"}` objects, in the charset of the Content-Type (UTF-8,
 * UTF-16 or UTF-32; UTF-8 without one). Each body becomes its text encoded
 * in that same charset, as Flume's JSONEvent does. Header values and bodies
 * that are numbers or booleans become their text (as Gson reads them); a
 * missing or null `headers` or `body` is empty.
 */
export class JsonHandler implements HttpHandler {
  async events(request: Request): Promise<Event[]> {
    const named = charsetParameter(request.headers.get("content-type"));
    const charset = named === undefined ? "UTF-8" : jsonCharset(named);
    if (charset === undefined) {
      throw new BadRequestError(
        `Unsupported charset "${named}": the JSON handler reads UTF-8, UTF-16 and UTF-32`,
      );
    }
    const bytes = new Uint8Array(await request.arrayBuffer());
    let text: string;
    try {
      text = decodeText(bytes, charset);
    } catch (err) {
      throw new BadRequestError(`Request body is not valid ${charset}`, { cause: err });
    }
    return parseJsonEvents(text).map(({ headers, body }) => ({
      headers,
      body: encodeText(body, charset),
    }));
  }
}

/** One event of a JSON request, its body still text. */
export interface JsonEvent {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Reads a JSON array of events; throws BadRequestError saying what is wrong. */
export function parseJsonEvents(text: string): JsonEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError("Request has invalid JSON syntax", { cause: err });
  }
  if (!Array.isArray(parsed)) {
    throw new BadRequestError(
      "Request body is not a JSON array of events (send [{...}] even for one event)",
    );
  }
  return parsed.map((item, i) => jsonEvent(item, i));
}

function jsonEvent(item: unknown, index: number): JsonEvent {
  if (!isObject(item)) {
    throw new BadRequestError(`Event ${index} is not a JSON object`);
  }
  const headers: Record<string, string> = {};
  const rawHeaders = item.headers;
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (!isObject(rawHeaders)) {
      throw new BadRequestError(`Event ${index}: "headers" is not a JSON object`);
    }
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (value === null) continue;
      const text = scalarText(value);
      if (text === undefined) {
        throw new BadRequestError(`Event ${index}: header "${name}" is not a string`);
      }
      headers[name] = text;
    }
  }
  const body = item.body === undefined || item.body === null ? "" : scalarText(item.body);
  if (body === undefined) {
    throw new BadRequestError(`Event ${index}: "body" is not a string`);
  }
  return { headers, body };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}
