import type { Settings } from "../../config/settings.ts";

/** Matches `cookie.ID.name` and `cookie.ID.value`. */
export const COOKIE_PROPERTY = /^cookie\.([^.]+)\.(name|value)$/;
/** Matches `header.NAME`. */
export const HEADER_PROPERTY = /^header\.(.+)$/;
/** Matches `initMessage.ID`. */
export const INIT_MESSAGE_PROPERTY = /^initMessage\.([^.]+)$/;

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
export function cookieHeader(settings: Settings): string | undefined {
  const pairs: string[] = [];
  for (const id of settings.list("cookies")) {
    const name = settings.raw.get(`cookie.${id}.name`)?.value;
    const value = settings.raw.get(`cookie.${id}.value`)?.value;
    if (name !== undefined && value !== undefined) pairs.push(`${name.trim()}=${value}`);
  }
  return pairs.length > 0 ? pairs.join("; ") : undefined;
}

/** Cookie IDs listed in `cookies` that lack a name or a value. */
export function missingCookieParts(settings: Settings): MissingCookiePart[] {
  const missing: MissingCookiePart[] = [];
  for (const id of settings.list("cookies")) {
    for (const part of ["name", "value"] as const) {
      if (!settings.raw.has(`cookie.${id}.${part}`)) missing.push({ id, part });
    }
  }
  return missing;
}

/** The handshake headers: every `header.NAME`, then the Cookie header. */
export function handshakeHeaders(settings: Settings): [string, string][] {
  const headers: [string, string][] = [];
  for (const [key, raw] of settings.matching(HEADER_PROPERTY)) {
    headers.push([key.slice("header.".length), raw.value]);
  }
  const cookie = cookieHeader(settings);
  if (cookie !== undefined) headers.push(["Cookie", cookie]);
  return headers;
}

/**
 * The texts sent after every successful open, in order: `initMessage`,
 * then `initMessage.ID` for each ID in `initMessages`.
 */
export function initMessages(settings: Settings): string[] {
  const out: string[] = [];
  const single = settings.string("initMessage");
  if (single !== undefined) out.push(single);
  for (const id of settings.list("initMessages")) {
    const text = settings.raw.get(`initMessage.${id}`)?.value;
    if (text !== undefined) out.push(text);
  }
  return out;
}

/**
 * The endpoint as logs may show it: no user info, query values masked
 * (tokens often travel there).
 */
export function redactUrl(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = "";
    url.password = "";
    for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, "***");
    return url.toString().replaceAll("%2A%2A%2A", "***");
  } catch {
    return "<invalid URL>";
  }
}
