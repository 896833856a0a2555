/**
 * A local HTTP server for sink tests: it records every request and answers
 * with what the test decides, including never answering.
 *
 * @module
 */

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** What the server answers: a response, or `"hang"` to never answer. */
export type Answer = Response | "hang";

/** Decides the answer to the `index`-th request (0-based). */
export type Responder = (request: RecordedRequest, index: number) => Answer;

/**
 * A `Deno.serve` server on 127.0.0.1, port 0. A request answered with
 * `"hang"` is held until {@linkcode HttpRecorder.close}, which then
 * answers it (the client has long given up) and shuts the server down.
 */
export class HttpRecorder {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #stop = new AbortController();
  readonly #held = new Set<() => void>();
  readonly #waiters = new Set<() => void>();

  /** Starts a server answering with `respond` (every request gets 200 by default). */
  constructor(respond: Responder = () => new Response("ok")) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: this.#stop.signal, onListen: () => {} },
      async (req) => {
        const recorded: RecordedRequest = {
          method: req.method,
          path: new URL(req.url).pathname + new URL(req.url).search,
          headers: req.headers,
          body: new Uint8Array(await req.arrayBuffer()),
        };
        const index = this.requests.push(recorded) - 1;
        for (const wake of this.#waiters) wake();
        const answer = respond(recorded, index);
        if (answer !== "hang") return answer;
        await new Promise<void>((resolve) => this.#held.add(resolve));
        return new Response("too late", { status: 504 });
      },
    );
    this.port = this.#server.addr.port;
    this.url = `http://127.0.0.1:${this.port}/`;
  }

  /** The request bodies as text, in arrival order. */
  bodies(): string[] {
    const decoder = new TextDecoder();
    return this.requests.map((r) => decoder.decode(r.body));
  }

  /** Resolves once `count` requests have arrived (the caller bounds the wait). */
  async received(count: number): Promise<void> {
    while (this.requests.length < count) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }

  /** Answers held requests and shuts the server down. */
  async close(): Promise<void> {
    for (const release of this.#held) release();
    this.#held.clear();
    for (const wake of this.#waiters) wake();
    this.#stop.abort();
    await this.#server.finished;
  }
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}
