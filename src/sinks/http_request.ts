/**
 * One POST of the HTTP sink, with Flume's two timeouts mapped onto fetch.
 *
 * Flume's HttpURLConnection has a connect timeout and a read timeout.
 * Deno's fetch exposes neither a connect phase nor a per-read timeout, so:
 * the response status must arrive within `connectTimeout + requestTimeout`
 * of the start (the longest Flume waits before it has a status: connect,
 * then the first byte of the answer), and the response body, which Flume
 * never reads, is read and discarded within `requestTimeout` so that the
 * connection can be reused; a body that is slow or fails changes nothing.
 *
 * @module
 */
import type { Clock } from "../api/clock.ts";
import { errorMessage } from "../util/errors.ts";

/** Options of {@linkcode postBody}. */
export interface PostOptions {
  /** The client whose connection pool the request uses. */
  readonly client: Deno.HttpClient;
  readonly clock: Clock;
  /** Content-Type and Accept. */
  readonly headers: HeadersInit;
  /** Milliseconds allowed for connecting (added to requestTimeoutMs for the status). */
  readonly connectTimeoutMs: number;
  /** Milliseconds allowed for the answer, and again for reading its body. */
  readonly requestTimeoutMs: number;
  /** The endpoint as failure messages may show it (no credentials, no query values). */
  readonly shownUrl: string;
}

/** What one POST gave: a status, or why there is none. */
export type PostResult =
  | { readonly status: number; readonly statusText: string }
  | { readonly failure: string };

/**
 * POSTs `body` to `url` without following redirects (a 3xx is a status like
 * any other). Never rejects: a connection failure, a timeout or a malformed
 * answer is a `failure` whose text never holds the raw URL.
 */
export async function postBody(
  url: URL,
  body: Uint8Array,
  options: PostOptions,
): Promise<PostResult> {
  const { client, clock, connectTimeoutMs, requestTimeoutMs } = options;
  const waitMs = connectTimeoutMs + requestTimeoutMs;
  const answer = deadline(clock, waitMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: options.headers,
      // Event bodies are never views of a SharedArrayBuffer.
      body: body as Uint8Array<ArrayBuffer>,
      redirect: "manual",
      client,
      signal: answer.signal,
    });
  } catch (err) {
    if (answer.signal.aborted) {
      return {
        failure: `No response from ${options.shownUrl} within ${waitMs} ms ` +
          `(connectTimeout ${connectTimeoutMs} + requestTimeout ${requestTimeoutMs})`,
      };
    }
    return { failure: `Request to ${options.shownUrl} failed: ${fetchFailure(err, url)}` };
  } finally {
    answer.cancel();
  }
  await discardBody(response, clock, requestTimeoutMs);
  return { status: response.status, statusText: response.statusText };
}

/** An AbortSignal that aborts after `ms`, and a way to cancel its timer. */
function deadline(clock: Clock, ms: number): { signal: AbortSignal; cancel(): void } {
  const timeout = new AbortController();
  const cancelled = new AbortController();
  void clock.sleep(ms, cancelled.signal).then(() => {
    if (!cancelled.signal.aborted) timeout.abort(new DOMException("Timed out", "TimeoutError"));
  });
  return { signal: timeout.signal, cancel: () => cancelled.abort() };
}

/** Reads the response body to its end, or cancels it after `ms`; never rejects. */
async function discardBody(response: Response, clock: Clock, ms: number): Promise<void> {
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  const stop = new AbortController();
  void clock.sleep(ms, stop.signal).then(() => {
    if (!stop.signal.aborted) reader.cancel().catch(() => {});
  });
  try {
    while (!(await reader.read()).done) { /* discarded */ }
  } catch {
    // The status is known; a body that fails or is cut short changes nothing.
  } finally {
    stop.abort();
    reader.releaseLock();
  }
}

/**
 * Deno's fetch error without its "error sending request for url (URL)"
 * prefix, so that no credentials or query values reach the log.
 */
function fetchFailure(err: unknown, url: URL): string {
  const detail = err instanceof Error && err.cause instanceof Error
    ? err.cause.message
    : errorMessage(err);
  return detail.replace(/^error sending request for url \(.*?\): /, "")
    .replaceAll(url.href, "the endpoint");
}
