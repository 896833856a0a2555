import type { RawProperties } from "../../api/properties.ts";

/** Matches `cookie.ID.name` and `cookie.ID.value`. */
export const COOKIE_PROPERTY = /^cookie\.([^.]+)\.(name|value)$/;
/** Matches `header.NAME` (not `header.NAME.command`, see credentials.ts). */
export const HEADER_PROPERTY = /^header\.(?!.*\.command$)(.+)$/;
/** Matches `initMessage.ID` (not `initMessage.command`, see credentials.ts). */
export const INIT_MESSAGE_PROPERTY = /^initMessage\.(?!command$)([^.]+)$/;

/** A cookie ID listed in `cookies` without its name or value. */
export interface MissingCookiePart {
  readonly id: string;
  readonly part: "name" | "value";
}

/**
 * The Cookie header the seed plugin sent: `name=value` for each ID listed in
 * `cookies`, in list order, joined by `; `. Values are sent as written
 * (quotes included, as Java kept them). Returns undefined without cookies.
 */
export function cookieHeader(
  cookies: readonly string[],
  properties: RawProperties,
): string | undefined {
  const pairs: string[] = [];
  for (const id of cookies) {
    const name = properties.raw(`cookie.${id}.name`);
    const value = properties.raw(`cookie.${id}.value`);
    if (name !== undefined && value !== undefined) pairs.push(`${name.trim()}=${value}`);
  }
  return pairs.length > 0 ? pairs.join("; ") : undefined;
}

/** Cookie IDs listed in `cookies` that lack a name or a value. */
export function missingCookieParts(
  cookies: readonly string[],
  properties: RawProperties,
): MissingCookiePart[] {
  const missing: MissingCookiePart[] = [];
  for (const id of cookies) {
    for (const part of ["name", "value"] as const) {
      if (!properties.has(`cookie.${id}.${part}`)) missing.push({ id, part });
    }
  }
  return missing;
}

/** The handshake headers: every `header.NAME`, then the Cookie header. */
export function handshakeHeaders(
  cookies: readonly string[],
  properties: RawProperties,
): [string, string][] {
  const headers: [string, string][] = [];
  for (const [key, raw] of properties.matching(HEADER_PROPERTY)) {
    headers.push([key.slice("header.".length), raw.value]);
  }
  const cookie = cookieHeader(cookies, properties);
  if (cookie !== undefined) headers.push(["Cookie", cookie]);
  return headers;
}

/**
 * The texts sent after every successful open, in order: `initMessage`,
 * then `initMessage.ID` for each ID in `initMessages`.
 */
export function initMessages(
  config: { readonly initMessage?: string; readonly initMessages?: readonly string[] },
  properties: RawProperties,
): string[] {
  const out: string[] = [];
  if (config.initMessage !== undefined) out.push(config.initMessage);
  for (const id of config.initMessages ?? []) {
    const text = properties.raw(`initMessage.${id}`);
    if (text !== undefined) out.push(text);
  }
  return out;
}
