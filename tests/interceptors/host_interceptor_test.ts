import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { pickAddress } from "../../src/interceptors/host_interceptor.ts";
import { bytesEvent, chainOf } from "./_interceptors.ts";

function nic(address: string, family: "IPv4" | "IPv6"): Deno.NetworkInterfaceInfo {
  return { family, name: "eth0", address, netmask: "", scopeid: null, cidr: "", mac: "" };
}

Deno.test("host sets the host header to this machine's address by default", () => {
  const [event] = chainOf({ i1: { type: "host" } }).run([bytesEvent("a")]);
  deepStrictEqual(event.headers, { host: pickAddress(Deno.networkInterfaces()) });
});

Deno.test("host with useIP=false sets the host name, in hostHeader (the guide's chain example)", () => {
  const chain = chainOf({
    i1: {
      type: "org.apache.flume.interceptor.HostInterceptor$Builder",
      preserveExisting: "false",
      hostHeader: "hostname",
      useIP: "false",
    },
  });
  const [event] = chain.run([bytesEvent("a", { hostname: "old" })]);
  deepStrictEqual(event.headers, { hostname: Deno.hostname() });
});

Deno.test("host keeps an existing header when preserveExisting=true", () => {
  const chain = chainOf({ i1: { type: "host", preserveExisting: "true" } });
  deepStrictEqual(chain.run([bytesEvent("a", { host: "10.9.9.9" })])[0].headers, {
    host: "10.9.9.9",
  });
});

Deno.test("host picks the first non-loopback IPv4 address, else IPv6, else 127.0.0.1", () => {
  strictEqual(
    pickAddress([nic("127.0.0.1", "IPv4"), nic("fe80::1", "IPv6"), nic("10.0.0.5", "IPv4")]),
    "10.0.0.5",
  );
  strictEqual(pickAddress([nic("::1", "IPv6"), nic("2001:db8::7", "IPv6")]), "2001:db8::7");
  strictEqual(pickAddress([nic("127.0.0.1", "IPv4")]), "127.0.0.1");
  strictEqual(pickAddress([]), "127.0.0.1");
});
