import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { explainNetworkError } from "../util/net_errors.ts";
import type { ClientCertificate } from "./client_certificate.ts";

/** What `check --connect` tries for one source. */
export interface TlsTarget {
  readonly hostname: string;
  readonly port: number;
  /** Extra trusted CAs (PEM), checked in addition to the system roots. */
  readonly caCertsPem: readonly string[];
  readonly clientCertificate?: ClientCertificate;
  /** trustAllCerts: the handshake is not verified. */
  readonly trustAll: boolean;
}

/** The outcome: OK with the server's certificate, or the exact cause. */
export interface TlsVerdict {
  readonly ok: boolean;
  /** One line: `OK: …` or `FAILED: cause`. */
  readonly text: string;
}

/** The server certificate as seen without verification. */
interface PeerCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
  readonly altNames: string;
}

/**
 * Connects with `Deno.connectTls` using the source's CA and client material,
 * completes a handshake and an HTTP exchange (so that a refused client
 * certificate shows up under TLS 1.3 too), and names the cause of a failure.
 */
export async function diagnoseTls(target: TlsTarget, timeoutMs = 10_000): Promise<TlsVerdict> {
  const peer = await peerCertificate(target, timeoutMs).catch((err: Error) => err);
  if (peer instanceof Error) {
    return { ok: false, text: `FAILED: ${explainNetworkError(peer, target)}` };
  }
  const about = `server certificate "${peer.subject}" issued by "${peer.issuer}", ` +
    `valid until ${peer.validTo}`;
  if (target.trustAll) {
    return { ok: true, text: `OK (NOT VERIFIED: trustAllCerts = true): ${about}` };
  }
  try {
    await verifiedExchange(target, timeoutMs);
    return { ok: true, text: `OK: ${about}` };
  } catch (err) {
    return { ok: false, text: `FAILED: ${tlsCause(err, target, peer)}` };
  }
}

async function verifiedExchange(target: TlsTarget, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const conn = await Deno.connectTls({
    hostname: target.hostname,
    port: target.port,
    caCerts: [...target.caCertsPem],
    cert: target.clientCertificate?.certChainPem,
    key: target.clientCertificate?.keyPem,
  });
  const onAbort = (): void => conn.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await conn.handshake();
    const request = `GET / HTTP/1.1\r\nHost: ${target.hostname}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    // The server's answer (any status) proves the session works; an alert
    // here means it refused our client certificate after the handshake.
    await conn.read(new Uint8Array(1024));
  } catch (err) {
    if (signal.aborted) throw new Error(`no answer within ${timeoutMs / 1000} s`);
    throw err;
  } finally {
    signal.removeEventListener("abort", onAbort);
    try {
      conn.close();
    } catch {
      // closed by the timeout
    }
  }
}

/** Reads the server's certificate without verifying it (node:tls, this socket only). */
function peerCertificate(target: TlsTarget, timeoutMs: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: target.hostname,
      port: target.port,
      servername: /^[\d.]+$|:/.test(target.hostname) ? undefined : target.hostname,
      rejectUnauthorized: false,
      cert: target.clientCertificate?.certChainPem,
      key: target.clientCertificate?.keyPem,
    }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve({
        subject: name(cert.subject),
        issuer: name(cert.issuer),
        validTo: cert.valid_to,
        altNames: cert.subjectaltname ?? "",
      });
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no TLS handshake within ${timeoutMs / 1000} s`));
    });
    socket.on("error", (err: Error) => {
      socket.destroy();
      reject(err);
    });
  });
}

function name(certificateName: object | undefined): string {
  const dn = certificateName as Record<string, string | string[]> | undefined;
  if (!dn) return "?";
  const cn = dn.CN;
  if (cn) return Array.isArray(cn) ? cn.join(", ") : cn;
  return Object.entries(dn).map(([k, v]) => `${k}=${v}`).join(", ");
}

function tlsCause(err: unknown, target: TlsTarget, peer: PeerCertificate): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/UnknownIssuer/i.test(message)) {
    const trusted = target.caCertsPem.map(subjectOf);
    const against = trusted.length > 0
      ? `the keystore's CAs (${trusted.map((s) => `"${s}"`).join(", ")}) and the system roots`
      : "the system roots (no keystore configured)";
    const selfSigned = peer.subject === peer.issuer ? " (self-signed)" : "";
    return `unknown issuer: "${peer.issuer}"${selfSigned} is not trusted; checked against ${against}`;
  }
  if (/NotValidForName|not valid for name/i.test(message)) {
    return `hostname mismatch: the certificate is for ${peer.altNames || `"${peer.subject}"`}, ` +
      `not ${target.hostname}`;
  }
  if (/Expired/i.test(message)) return `certificate expired on ${peer.validTo}`;
  if (/NotValidYet/i.test(message)) return `certificate not valid yet (${message})`;
  if (/CertificateRequired|BadCertificate|UnknownCA|AccessDenied|DecryptError/i.test(message)) {
    return target.clientCertificate
      ? `client certificate refused by the server (${alert(message)})`
      : `the server requires a client certificate and the keystore has no private key (${
        alert(message)
      })`;
  }
  return message;
}

function alert(message: string): string {
  return /alert: (\w+)/.exec(message)?.[1] ?? message;
}

function subjectOf(pem: string): string {
  try {
    const subject = new X509Certificate(pem).subject;
    return /CN=([^\n,]+)/.exec(subject)?.[1] ?? subject.replaceAll("\n", ", ");
  } catch {
    return "unreadable certificate";
  }
}
