/**
 * `check --connect` for every endpoint of a WebSocket source, through its
 * proxy when it has one: one verdict line per endpoint when there are
 * several.
 *
 * @module
 */
import type { ConnectVerdict } from "../../api/component.ts";
import { explainTlsFailure } from "../../tls/explain.ts";
import { errorMessage } from "../../util/errors.ts";
import { explainNetworkError } from "../../util/net_errors.ts";
import { redactUrl } from "../../util/redact.ts";
import { diagnoseEndpoint } from "./diagnose_endpoint.ts";
import { splitEndpoints } from "./endpoints.ts";
import type { ProxySettings } from "./proxy.ts";
import { openTunnel, startOriginTls } from "./proxy_tunnel.ts";
import type { TlsMaterial } from "./tls_material.ts";

/**
 * Tries each endpoint of `endpoints` once. With one endpoint the verdict is
 * that endpoint's; with several, OK only when every one answered, and the
 * text lists one verdict per endpoint (redacted) on its own line.
 */
export async function diagnoseEndpoints(
  endpoints: string,
  tls: TlsMaterial,
  proxyFor: (endpoint: URL) => ProxySettings | undefined,
  timeoutMs = 10_000,
): Promise<ConnectVerdict> {
  const urls = splitEndpoints(endpoints);
  const verdicts: ConnectVerdict[] = [];
  for (const url of urls) verdicts.push(await _diagnoseOne(url, tls, proxyFor, timeoutMs));
  if (verdicts.length === 1) return verdicts[0];
  const ok = verdicts.filter((v) => v.ok).length;
  const lines = verdicts.map((v, i) => `    [${i + 1}] ${redactUrl(urls[i])}: ${v.text}`);
  return {
    ok: ok === verdicts.length,
    text: `${ok} of ${verdicts.length} endpoints answered\n${lines.join("\n")}`,
  };
}

async function _diagnoseOne(
  endpoint: string,
  tls: TlsMaterial,
  proxyFor: (endpoint: URL) => ProxySettings | undefined,
  timeoutMs: number,
): Promise<ConnectVerdict> {
  const url = new URL(endpoint);
  let proxy: ProxySettings | undefined;
  try {
    proxy = tls.trustAll && url.protocol === "wss:" ? undefined : proxyFor(url);
  } catch (err) {
    return { ok: false, text: `FAILED: ${errorMessage(err)}` };
  }
  if (proxy === undefined) return await diagnoseEndpoint(endpoint, tls, timeoutMs);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const secure = url.protocol === "wss:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const signal = AbortSignal.timeout(timeoutMs);
  let tunnel: Deno.TcpConn;
  try {
    tunnel = await openTunnel(proxy, { hostname, port }, signal);
  } catch (err) {
    return { ok: false, text: `FAILED: ${errorMessage(err)}` };
  }
  if (!secure) {
    tunnel.close();
    return { ok: true, text: `OK: tunnel through proxy ${proxy.shown} (ws://: no TLS to check)` };
  }
  let conn: Deno.TlsConn | undefined;
  // The handshake runs lazily, after startOriginTls returned: the timeout must end it too.
  const onAbort = (): void => {
    try {
      (conn ?? tunnel).close();
    } catch {
      // Already closed.
    }
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    conn = await startOriginTls(tunnel, hostname, {
      caCerts: tls.caCertsPem,
      cert: tls.clientCertificate?.certChainPem,
      key: tls.clientCertificate?.keyPem,
    }, signal);
    if (signal.aborted) throw new Error("timed out");
    await conn.handshake();
    return { ok: true, text: `OK: TLS verified through proxy ${proxy.shown}` };
  } catch (err) {
    const cause = explainTlsFailure(explainNetworkError(err, { hostname, port }));
    return { ok: false, text: `FAILED: through proxy ${proxy.shown}: ${cause}` };
  } finally {
    signal.removeEventListener("abort", onAbort);
    onAbort();
  }
}
