import type { ConnectVerdict } from "../../api/component.ts";
import { diagnoseTls } from "../../tls/diagnose.ts";
import { explainNetworkError } from "../../util/net_errors.ts";
import type { TlsMaterial } from "./tls_material.ts";

/**
 * `check --connect` for a WebSocket endpoint: a verified TLS handshake with
 * the source's CA and client material for `wss://`, a TCP connection for
 * `ws://`.
 */
export async function diagnoseEndpoint(
  endpoint: string,
  tls: TlsMaterial,
  timeoutMs = 10_000,
): Promise<ConnectVerdict> {
  const url = new URL(endpoint);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const secure = url.protocol === "wss:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  if (secure) {
    return await diagnoseTls({
      hostname,
      port,
      caCertsPem: tls.caCertsPem,
      clientCertificate: tls.clientCertificate,
      trustAll: tls.trustAll,
    }, timeoutMs);
  }
  try {
    const conn = await Deno.connect({ hostname, port, signal: AbortSignal.timeout(timeoutMs) });
    conn.close();
    return { ok: true, text: "OK: TCP connection (ws://: no TLS to check)" };
  } catch (err) {
    return { ok: false, text: `FAILED: ${explainNetworkError(err, { hostname, port })}` };
  }
}
