/**
 * Flume's avro source `ipFilterRules` (its PatternRule over Netty's
 * RuleBasedIpFilter): comma-separated `allow|deny:ip|name:PATTERN` rules,
 * where `*` is any run of characters and `?` one; the first rule that
 * matches a client decides, and a client no rule matches is accepted.
 * `name:localhost` matches the loopback address and this machine's own;
 * other `name:` patterns match the client's reverse-DNS name (its address
 * when it has none).
 *
 * @module
 */

/** One parsed rule. */
export interface IpFilterRule {
  readonly allow: boolean;
  readonly kind: "ip" | "name";
  /** The pattern as written. */
  readonly pattern: string;
  readonly regex: RegExp;
}

/** Parses `ipFilterRules`; throws RangeError naming the first rule that is not `allow|deny:ip|name:PATTERN`. */
export function parseIpFilterRules(text: string): IpFilterRule[] {
  return text.split(",").map((rule) => rule.trim()).filter((rule) => rule !== "").map(
    (rule) => {
      const parts = rule.split(":");
      const [type, kind] = [parts[0]?.trim().toLowerCase(), parts[1]?.trim().toLowerCase()];
      const pattern = parts.slice(2).join(":").trim();
      if (
        parts.length < 3 || (type !== "allow" && type !== "deny") ||
        (kind !== "ip" && kind !== "name") || pattern === ""
      ) {
        throw new RangeError(
          `Invalid ipFilter rule "${rule}": expected <allow|deny>:<ip|name>:<pattern>`,
        );
      }
      return { allow: type === "allow", kind, pattern, regex: wildcard(pattern) };
    },
  );
}

/** `*` and `?` wildcards as a whole-string regular expression. */
function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
    /\?/g,
    ".",
  );
  return new RegExp(`^(?:${body})$`, "i");
}

/** What the filter knows of a client. */
export interface ClientIdentity {
  /** The client's IP address, as the socket reports it. */
  readonly address: string;
  /** This machine's addresses, for `name:localhost`. */
  readonly localAddresses: readonly string[];
  /** The client's host name (reverse DNS), looked up only when a `name:` rule needs it. */
  readonly hostName: () => Promise<string>;
}

/** True when `rules` let the client in (first match decides; no match accepts). */
export async function ipAllowed(
  rules: readonly IpFilterRule[],
  client: ClientIdentity,
): Promise<boolean> {
  const address = plainAddress(client.address);
  for (const rule of rules) {
    if (await matches(rule, address, client)) return rule.allow;
  }
  return true;
}

async function matches(
  rule: IpFilterRule,
  address: string,
  client: ClientIdentity,
): Promise<boolean> {
  if (rule.kind === "ip") return rule.regex.test(address);
  if (rule.pattern.toLowerCase() === "localhost") {
    return address === "127.0.0.1" || address === "::1" ||
      client.localAddresses.map(plainAddress).includes(address);
  }
  return rule.regex.test(await client.hostName());
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as its IPv4 address. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}
