/**
 * What a connection attempt sends that may be computed by a command
 * (`credential_command.ts`) at every attempt: `initMessage.command`,
 * `initMessage.ID.command`, `header.NAME.command` and
 * `endpoint.query.NAME.command`. The rest is fixed at start.
 *
 * @module
 */
import type { Log } from "../../api/log.ts";
import type { RawProperties } from "../../api/properties.ts";
import { CommandError, runCommand, splitCommand } from "./credential_command.ts";
import { handshakeHeaders } from "./handshake.ts";
import { headerProblem } from "./upgrade.ts";

/** Matches `header.NAME.command`. */
export const HEADER_COMMAND_PROPERTY = /^header\.(.+)\.command$/;
/** Matches `initMessage.command` and `initMessage.ID.command`. */
export const INIT_COMMAND_PROPERTY = /^initMessage(?:\.([^.]+))?\.command$/;
/** Matches `endpoint.query.NAME.command`. */
export const QUERY_COMMAND_PROPERTY = /^endpoint\.query\.([^.]+)\.command$/;

/** A value given as written, or computed by a command. */
export type CredentialPart =
  | { readonly text: string }
  | { readonly property: string; readonly argv: readonly string[] };

/** What every attempt sends, some parts of it computed per attempt. */
export interface CredentialPlan {
  readonly headers: readonly (readonly [string, CredentialPart])[];
  readonly initMessages: readonly CredentialPart[];
  /** Query parameters set on the endpoint (replacing one of the same name). */
  readonly query: readonly (readonly [string, CredentialPart])[];
}

/** What one attempt sends. */
export interface Credentials {
  readonly url: string;
  readonly headers: [string, string][];
  readonly initMessages: string[];
}

/** True when any part of the plan runs a command. */
export function hasCommands(plan: CredentialPlan): boolean {
  const parts = [
    ...plan.headers.map(([, part]) => part),
    ...plan.initMessages,
    ...plan.query.map(([, part]) => part),
  ];
  return parts.some((part) => "argv" in part);
}

/**
 * The plan from the properties as written: headers (`header.NAME`, then
 * `header.NAME.command`, then Cookie), init messages (`initMessage` or
 * `initMessage.command`, then for each ID in `initMessages` its text or
 * command) and query commands. Commands were checked by the spec.
 */
export function credentialPlan(
  config: { readonly initMessage?: string; readonly initMessages?: readonly string[] },
  cookies: readonly string[],
  properties: RawProperties,
): CredentialPlan {
  const command = (property: string): CredentialPart | undefined => {
    const raw = properties.raw(property);
    return raw === undefined ? undefined : { property, argv: splitCommand(raw) };
  };
  const fixed = handshakeHeaders(cookies, properties);
  const cookie = fixed.findIndex(([name]) => name === "Cookie");
  const plain = cookie >= 0 ? fixed.slice(0, cookie) : fixed;
  const headers: (readonly [string, CredentialPart])[] = plain.map(([n, v]) => [n, { text: v }]);
  for (const [key] of properties.matching(HEADER_COMMAND_PROPERTY)) {
    headers.push([HEADER_COMMAND_PROPERTY.exec(key)![1], command(key)!]);
  }
  if (cookie >= 0) headers.push(["Cookie", { text: fixed[cookie][1] }]);
  const initMessages: CredentialPart[] = [];
  const first = command("initMessage.command") ??
    (config.initMessage === undefined ? undefined : { text: config.initMessage });
  if (first !== undefined) initMessages.push(first);
  for (const id of config.initMessages ?? []) {
    const text = properties.raw(`initMessage.${id}`);
    const part = command(`initMessage.${id}.command`) ??
      (text === undefined ? undefined : { text });
    if (part !== undefined) initMessages.push(part);
  }
  const query: (readonly [string, CredentialPart])[] = [];
  for (const [key] of properties.matching(QUERY_COMMAND_PROPERTY)) {
    query.push([QUERY_COMMAND_PROPERTY.exec(key)![1], command(key)!]);
  }
  return { headers, initMessages, query };
}

/** How the commands of one attempt run. */
export interface ResolveOptions {
  readonly timeoutMs: number;
  readonly log: Log;
  readonly signal?: AbortSignal;
}

/**
 * Runs the plan's commands, one after the other, for an attempt on
 * `endpoint`.
 *
 * @throws {CommandError} when a command fails or prints a value that cannot
 * go where it goes (a header value with CR or LF, nothing at all).
 */
export async function resolveCredentials(
  plan: CredentialPlan,
  endpoint: string,
  options: ResolveOptions,
): Promise<Credentials> {
  const value = async (part: CredentialPart): Promise<string> => {
    if ("text" in part) return part.text;
    const out = await runCommand(part.argv, { ...options, property: part.property });
    if (out === "") throw new CommandError(`${part.property} printed nothing`);
    return out;
  };
  const headers: [string, string][] = [];
  for (const [name, part] of plan.headers) {
    const text = await value(part);
    if ("argv" in part) {
      const problem = headerProblem(name, text);
      // The problem names the header, never the value.
      if (problem !== undefined) throw new CommandError(`${part.property} printed: ${problem}`);
    }
    headers.push([name, text]);
  }
  const initMessages: string[] = [];
  for (const part of plan.initMessages) initMessages.push(await value(part));
  let url = endpoint;
  if (plan.query.length > 0) {
    const parsed = new URL(endpoint);
    for (const [name, part] of plan.query) parsed.searchParams.set(name, await value(part));
    url = parsed.toString();
  }
  return { url, headers, initMessages };
}
