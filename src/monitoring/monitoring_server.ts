/**
 * The monitoring server's HTTP side, on Deno.serve: `GET /metrics` (Flume's
 * JSON or Prometheus text), `GET /health`, the dashboard at `GET /`; other
 * paths 404, methods other than GET and HEAD 405 (Flume's server refuses
 * TRACE and OPTIONS too).
 *
 * @module
 */
import type { Log } from "../api/log.ts";
import {
  type Monitor,
  type MonitoredAgent,
  MONITORING_PREFIX,
  MonitoringError,
} from "../api/monitor.ts";
import { DASHBOARD_HTML } from "./dashboard_page.ts";
import { explainNetworkError } from "../util/net_errors.ts";
import { FLUME_JSON_CONTENT_TYPE, flumeMetrics } from "./flume_json.ts";
import { assessHealth, type HealthReport } from "./health.ts";
import { metricFamilies, PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./prometheus_text.ts";

/** How `/metrics` answers: Flume's JSON, or Prometheus's text format. */
export type MetricsFormat = "json" | "prometheus";

/** Options of a MonitoringServer. */
export interface MonitoringServerOptions {
  /** The monitoring type, as the log line names it (`http`). */
  readonly type: string;
  readonly format: MetricsFormat;
  /** The address to listen on (`127.0.0.1`, `0.0.0.0`, `::1`). */
  readonly hostname: string;
  /** 0 picks any free port. */
  readonly port: number;
  readonly agent: MonitoredAgent;
  readonly log: Log;
}

/** Headers every answer carries. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/** A monitoring server for one agent; listens from start() to stop(). */
export class MonitoringServer implements Monitor {
  readonly #options: MonitoringServerOptions;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  #url: string | undefined;

  /** A server as `options` say; nothing listens until start(). */
  constructor(options: MonitoringServerOptions) {
    this.#options = options;
  }

  /** `http://HOST:PORT/` once listening. */
  get url(): string | undefined {
    return this.#url;
  }

  /** Listens; throws MonitoringError naming the flag when it cannot. */
  start(): Promise<void> {
    const { hostname, port, type, log } = this.#options;
    try {
      this.#server = Deno.serve({
        hostname,
        port,
        onListen: () => {},
        onError: (err) => {
          log.error(`Monitoring request failed: ${err instanceof Error ? err.message : err}`);
          return new Response("Internal Server Error\n", { status: 500 });
        },
      }, (request) => this.#answer(request));
    } catch (err) {
      throw listenError(err, hostname, port);
    }
    const addr = this.#server.addr;
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    this.#url = `http://${host}:${addr.port}/`;
    log.info(`Monitoring (${type}) on ${this.#url}metrics`);
    return Promise.resolve();
  }

  /** Stops listening once the requests in progress are answered. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.shutdown();
  }

  #answer(request: Request): Response {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return reply(request, "Method Not Allowed\n", 405, "text/plain; charset=utf-8", {
        allow: "GET, HEAD",
      });
    }
    switch (new URL(request.url).pathname) {
      case "/":
        return reply(request, DASHBOARD_HTML, 200, "text/html; charset=utf-8");
      case "/metrics":
      case "/metrics/":
        return this.#metrics(request);
      case "/health":
      case "/health/": {
        const health = this.#health();
        const body = JSON.stringify(health);
        const status = health.status === "ok" ? 200 : 503;
        return reply(request, body, status, "application/json; charset=utf-8");
      }
      default:
        return reply(request, "Not Found\n", 404, "text/plain; charset=utf-8");
    }
  }

  #metrics(request: Request): Response {
    const { agent, format } = this.#options;
    if (format === "json") {
      return reply(
        request,
        JSON.stringify(flumeMetrics(agent.counters)),
        200,
        FLUME_JSON_CONTENT_TYPE,
      );
    }
    const text = renderPrometheus(metricFamilies(agent, this.#health()));
    return reply(request, text, 200, PROMETHEUS_CONTENT_TYPE);
  }

  #health(): HealthReport {
    const { agent } = this.#options;
    return assessHealth(agent.health(), { typeOf: (id) => agent.componentType(id) });
  }
}

/** An answer with `body`, or for HEAD the same status and headers without it. */
function reply(
  request: Request,
  body: string,
  status: number,
  contentType: string,
  headers: Record<string, string> = {},
): Response {
  const bytes = new TextEncoder().encode(body);
  return new Response(request.method === "HEAD" ? null : bytes, {
    status,
    headers: {
      ...COMMON_HEADERS,
      ...headers,
      "content-type": contentType,
      "content-length": String(bytes.byteLength),
    },
  });
}

/** Why the server cannot listen, naming the flag to change. */
function listenError(err: unknown, hostname: string, port: number): MonitoringError {
  const portFlag = `-D${MONITORING_PREFIX}port=${port}`;
  const hostFlag = `-D${MONITORING_PREFIX}host=${hostname}`;
  const where = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  if (err instanceof Deno.errors.AddrInUse) {
    return new MonitoringError(
      `Cannot listen on ${portFlag}: ${where} is already in use ` +
        `(pick another port, or 0 for any free one)`,
    );
  }
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return new MonitoringError(
      `Cannot listen on ${hostFlag}: not an address of this machine ` +
        `(use 127.0.0.1, or 0.0.0.0 for every interface)`,
    );
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return new MonitoringError(
      `Cannot listen on ${portFlag}: permission denied (ports below 1024 need privileges)`,
    );
  }
  const message = explainNetworkError(err, { hostname, port });
  return new MonitoringError(`Cannot listen on ${hostFlag}: ${message.split("\n")[0]}`);
}
