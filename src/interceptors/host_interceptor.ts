import { defineInterceptor } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import type { Log } from "../api/log.ts";
import { boolean, string } from "../api/properties.ts";
import { errorMessage } from "../util/errors.ts";
import { keepsExisting, withHeader } from "./_headers.ts";

/** Flume's HostInterceptor: the agent host's IP address or name, looked up once. */
export const HOST_INTERCEPTOR = defineInterceptor({
  type: "host",
  aliases: ["org.apache.flume.interceptor.HostInterceptor$Builder"],
  summary: "Sets a header to the IP address (or name) of the host the agent runs on",
  example: `
a1.sources.r1.interceptors = i1
a1.sources.r1.interceptors.i1.type = host
a1.sources.r1.interceptors.i1.useIP = false
a1.sources.r1.interceptors.i1.hostHeader = hostname
a1.sources.r1.interceptors.i1.preserveExisting = false`,
  properties: {
    preserveExisting: boolean({
      default: false,
      doc: "Keep the header of an event that already has one",
    }),
    useIP: boolean({
      default: true,
      doc: "Use the host's first non-loopback IP address (IPv4 first) if true, else its name",
    }),
    hostHeader: string({ default: "host", doc: "The header key to be used" }),
  },
  create: ({ config, log }): Interceptor => {
    const host = localHost(config.useIP, log);
    return {
      intercept(events: readonly Event[]): readonly Event[] {
        if (host === undefined) return events;
        for (const event of events) {
          if (!keepsExisting(event, config.hostHeader, config.preserveExisting)) {
            withHeader(event, config.hostHeader, host);
          }
        }
        return events;
      },
    };
  },
});

/**
 * The host's address (`useIP`) or name; undefined, with a warning, when the
 * system does not tell (Flume then sets no header either).
 */
function localHost(useIP: boolean, log: Log): string | undefined {
  try {
    return useIP ? pickAddress(Deno.networkInterfaces()) : Deno.hostname();
  } catch (err) {
    log.warn(
      `Could not determine the local host ${useIP ? "address" : "name"}: ${errorMessage(err)}`,
    );
    return undefined;
  }
}

/**
 * The address the host interceptor uses: the first non-loopback IPv4
 * address, else the first non-loopback IPv6 one, else `127.0.0.1`.
 */
export function pickAddress(interfaces: readonly Deno.NetworkInterfaceInfo[]): string {
  const outside = interfaces.filter((i) => !isLoopback(i.address));
  return outside.find((i) => i.family === "IPv4")?.address ??
    outside.find((i) => i.family === "IPv6")?.address ?? "127.0.0.1";
}

function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}
