import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { ChannelError } from "../../src/api/channel.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { MEMORY_CHANNEL } from "../../src/channels/memory_channel.ts";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import {
  CHANNEL_COUNTERS,
  CounterGroup,
  CounterRegistry,
  type SinkCounter,
} from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import type { Status } from "../../src/api/lifecycle.ts";
import { Registry } from "../../src/registry.ts";
import { REPLICATING_SELECTOR } from "../../src/selectors/replicating_selector.ts";
import { FETCH_BLOCKED_PORTS } from "../../src/sinks/fetch_blocked_ports.ts";
import { HTTP_SINK, HttpSink } from "../../src/sinks/http_sink.ts";
import { parseStatusCode, StatusRules } from "../../src/sinks/http_status_rules.ts";
import { ProblemLog } from "../../src/sinks/_problem_log.ts";
import { SEQ_SOURCE } from "../../src/sources/seq_source.ts";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { withTimeout } from "../support/async.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { sinkFrom } from "../support/components.ts";
import { closedPort, HttpRecorder } from "../support/http_recorder.ts";
import { RecordingLog } from "../support/recording_log.ts";

/** The rules of Flume's guide example that make a 2xx a success. */
const ACCEPT_2XX = {
  "rollback.2XX": "false",
  "backoff.2XX": "false",
  "incrementMetrics.2XX": "true",
} as const;

/** A memory channel holding events with these bodies, committed. */
async function channelWith(bodies: readonly (string | Event)[]): Promise<MemoryChannel> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 1000,
    transactionCapacity: 100,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const tx = channel.getTransaction();
  tx.begin();
  for (const b of bodies) tx.put(typeof b === "string" ? textEvent(b) : b);
  await tx.commit();
  tx.close();
  return channel;
}

/** The bodies the channel holds, head first, left in place. */
function held(channel: MemoryChannel): string[] {
  const tx = channel.getTransaction();
  tx.begin();
  const out: string[] = [];
  for (let e = tx.take(); e; e = tx.take()) out.push(new TextDecoder().decode(e.body));
  tx.rollback();
  tx.close();
  return out;
}

/** A sink built from properties, as the agent builds it, plus its log. */
interface Built {
  /** The framework's transaction loop around the writer: process(), counters. */
  readonly sink: BatchSink;
  readonly log: RecordingLog;
}

/**
 * Builds and starts an http sink k1 on `channel` from `props`, validated as
 * the agent validates it (an error in the test's settings throws a ConfigError).
 */
async function startSink(
  channel: MemoryChannel,
  props: Readonly<Record<string, string>>,
): Promise<Built> {
  const log = new RecordingLog();
  const sink = sinkFrom("http", props, channel, {
    log,
    clock: SYSTEM_CLOCK,
    counters: new CounterRegistry(),
  });
  ok(sink.writer instanceof HttpSink, "the http type builds an HttpSink writer");
  await sink.start();
  return { sink, log };
}

/** Runs `fn` with a started recorder and sink; closes both whatever happens. */
async function withSink(
  respond: ConstructorParameters<typeof HttpRecorder>[0],
  bodies: readonly (string | Event)[],
  props: Readonly<Record<string, string>>,
  fn: (ctx: Built & { server: HttpRecorder; channel: MemoryChannel }) => Promise<void>,
): Promise<void> {
  const server = new HttpRecorder(respond);
  try {
    const channel = await channelWith(bodies);
    const built = await startSink(channel, { endpoint: server.url, ...props });
    try {
      await fn({ ...built, server, channel });
    } finally {
      await built.sink.stop();
    }
  } finally {
    await server.close();
  }
}

/** The counters a test usually asserts, by name. */
function counts(sink: BatchSink, ...names: SinkCounter[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, sink.counters.get(n)]));
}

Deno.test("http sink: a 2xx accepted by the guide's rules commits, counts and is READY", async (t) => {
  await withSink(undefined, ["0", "1", "2"], ACCEPT_2XX, async ({ sink, server, channel }) => {
    await t.step("one POST per event, body as is, Flume's default headers", async () => {
      for (let i = 0; i < 3; i++) equal(await sink.process(), "READY");
      deepStrictEqual(server.bodies(), ["0", "1", "2"]);
      for (const r of server.requests) {
        equal(r.method, "POST");
        equal(r.path, "/");
        equal(r.headers.get("content-type"), "text/plain");
        equal(r.headers.get("accept"), "text/plain");
      }
    });

    await t.step("the events are consumed and counted", () => {
      deepStrictEqual(held(channel), []);
      equal(channel.counters.get("EventTakeSuccessCount"), 3);
      deepStrictEqual(
        counts(sink, "EventDrainAttemptCount", "EventDrainSuccessCount", "BatchCompleteCount"),
        { EventDrainAttemptCount: 3, EventDrainSuccessCount: 3, BatchCompleteCount: 3 },
      );
    });

    await t.step("an empty channel: IDLE, no request", async () => {
      equal(await sink.process(), "IDLE");
      equal(server.requests.length, 3);
      equal(sink.counters.get("BatchEmptyCount"), 1);
    });
  });
});

Deno.test("http sink: Flume's defaults roll back and back off on every status, 200 included", async () => {
  await withSink(undefined, ["a", "b"], {}, async ({ sink, server, channel, log }) => {
    equal(await sink.process(), "BACKOFF");
    equal(await sink.process(), "BACKOFF");
    deepStrictEqual(server.bodies(), ["a", "a"], "the head event is sent again");
    deepStrictEqual(held(channel), ["a", "b"]);
    equal(sink.counters.get("EventDrainSuccessCount"), 0);
    deepStrictEqual(log.messages("warn"), [
      "Endpoint answered 200 OK: 1 event(s) rolled back for retry (defaultRollback), backing off",
    ]);
  });
});

Deno.test("http sink: a 503 under default rules rolls back in order and backs off", async (t) => {
  let status = 503;
  const respond = (): Response => new Response("busy", { status });
  await withSink(respond, ["0", "1", "2"], ACCEPT_2XX, async ({ sink, server, channel, log }) => {
    await t.step("BACKOFF, every event still in the channel, in order", async () => {
      equal(await sink.process(), "BACKOFF");
      equal(await sink.process(), "BACKOFF");
      deepStrictEqual(held(channel), ["0", "1", "2"]);
      deepStrictEqual(server.bodies(), ["0", "0"]);
      deepStrictEqual(
        counts(sink, "EventDrainAttemptCount", "EventDrainSuccessCount", "EventWriteFail"),
        { EventDrainAttemptCount: 2, EventDrainSuccessCount: 0, EventWriteFail: 2 },
      );
    });

    await t.step("a repeated problem is one warning, the rest at DEBUG", () => {
      deepStrictEqual(log.messages("warn"), [
        "Endpoint answered 503 Service Unavailable: 1 event(s) rolled back for retry " +
        "(defaultRollback), backing off",
      ]);
      equal(log.messages("debug").length, 1);
    });

    await t.step("once the endpoint accepts, the events go out in order", async () => {
      status = 200;
      for (let i = 0; i < 3; i++) equal(await sink.process(), "READY");
      deepStrictEqual(server.bodies(), ["0", "0", "0", "1", "2"]);
      deepStrictEqual(held(channel), []);
      deepStrictEqual(log.messages("info").slice(-1), [
        "Delivering again after 2 failed request(s)",
      ]);
    });
  });
});

/** One row of the status-rule table. */
interface RuleCase {
  readonly name: string;
  readonly props: Readonly<Record<string, string>>;
  readonly status: number;
  readonly expect: {
    readonly result: Status;
    readonly consumed: boolean;
    readonly drained: number;
  };
}

const RULE_CASES: readonly RuleCase[] = [
  {
    name: "400 with rollback.400 = false: consumed (dropped), still backs off by default",
    props: { "rollback.400": "false" },
    status: 400,
    expect: { result: "BACKOFF", consumed: true, drained: 0 },
  },
  {
    name: "400 with rollback.400 = false, backoff.4XX = false: consumed, READY",
    props: { "rollback.400": "false", "backoff.4XX": "false" },
    status: 400,
    expect: { result: "READY", consumed: true, drained: 0 },
  },
  {
    name: "404: the exact rollback.404 = true beats rollback.4XX = false",
    props: { "rollback.4XX": "false", "rollback.404": "true" },
    status: 404,
    expect: { result: "BACKOFF", consumed: false, drained: 0 },
  },
  {
    name: "400: rollback.404 does not apply, the group rollback.4XX = false does",
    props: { "rollback.4XX": "false", "rollback.404": "true" },
    status: 400,
    expect: { result: "BACKOFF", consumed: true, drained: 0 },
  },
  {
    name: "418 with incrementMetrics.4XX = true: counted though rolled back",
    props: { "incrementMetrics.4XX": "true" },
    status: 418,
    expect: { result: "BACKOFF", consumed: false, drained: 1 },
  },
  {
    name: "500 with defaultRollback = false, defaultBackoff = false: consumed, READY",
    props: { defaultRollback: "false", defaultBackoff: "false" },
    status: 500,
    expect: { result: "READY", consumed: true, drained: 0 },
  },
  {
    name: "502 with a lower-case group rollback.5xx = false: consumed",
    props: { "rollback.5xx": "false" },
    status: 502,
    expect: { result: "BACKOFF", consumed: true, drained: 0 },
  },
  {
    name: "204 with the guide's 2XX rules: consumed, READY, counted",
    props: ACCEPT_2XX,
    status: 204,
    expect: { result: "READY", consumed: true, drained: 1 },
  },
  {
    name: "302 is not followed: a status like any other, rolled back by default",
    props: ACCEPT_2XX,
    status: 302,
    expect: { result: "BACKOFF", consumed: false, drained: 0 },
  },
];

Deno.test("http sink: backoff, rollback and incrementMetrics per status, most specific wins", async (t) => {
  for (const row of RULE_CASES) {
    await t.step(row.name, async () => {
      const respond = (): Response =>
        new Response(row.status === 204 ? null : "answer", {
          status: row.status,
          headers: row.status === 302 ? { location: "/elsewhere" } : {},
        });
      await withSink(respond, ["x", "y"], row.props, async ({ sink, server, channel, log }) => {
        equal(await sink.process(), row.expect.result);
        deepStrictEqual(held(channel), row.expect.consumed ? ["y"] : ["x", "y"]);
        equal(sink.counters.get("EventDrainSuccessCount"), row.expect.drained);
        equal(sink.counters.get("EventWriteFail"), row.status < 300 ? 0 : 1);
        deepStrictEqual(server.requests.map((r) => r.path), ["/"], "one request, no redirect");
        if (row.expect.consumed && row.status >= 300) {
          match(log.messages("warn")[0], new RegExp(`^Endpoint answered ${row.status} .*dropped`));
        }
      });
    });
  }
});

Deno.test("status rules resolve the exact code, then its group, then the default", () => {
  const rules = new StatusRules({ rollback: true, backoff: true, incrementMetrics: false }, [
    { kind: "rollback", code: "2XX", value: false },
    { kind: "rollback", code: "201", value: true },
    { kind: "incrementMetrics", code: "201", value: true },
  ]);
  deepStrictEqual(rules.outcome(200), { rollback: false, backoff: true, incrementMetrics: false });
  deepStrictEqual(rules.outcome(201), { rollback: true, backoff: true, incrementMetrics: true });
  deepStrictEqual(rules.outcome(500), { rollback: true, backoff: true, incrementMetrics: false });
  deepStrictEqual(
    [rules.source("rollback", 200), rules.source("rollback", 201), rules.source("backoff", 201)],
    ["rollback.2XX", "rollback.201", "defaultBackoff"],
  );
  deepStrictEqual(
    ["503", "5XX", "5xx", "1XX", "099", "600", "6XX", "abc", "", "50", "5X3"].map(parseStatusCode),
    [
      "503",
      "5XX",
      "5XX",
      "1XX",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ],
  );
});

Deno.test("http sink: a server that never answers times out, rolls back and backs off", async () => {
  const props = { ...ACCEPT_2XX, connectTimeout: "100", requestTimeout: "150" };
  await withSink(() => "hang", ["0", "1"], props, async ({ sink, channel, log }) => {
    const started = Date.now();
    equal(await sink.process(), "BACKOFF");
    const elapsed = Date.now() - started;
    ok(elapsed >= 240 && elapsed < 3000, `gave up after ${elapsed} ms`);
    deepStrictEqual(held(channel), ["0", "1"]);
    deepStrictEqual(
      counts(sink, "ConnectionFailedCount", "EventDrainAttemptCount", "EventDrainSuccessCount"),
      { ConnectionFailedCount: 1, EventDrainAttemptCount: 1, EventDrainSuccessCount: 0 },
    );
    match(
      log.messages("warn")[0],
      /^No response from http:\/\/127\.0\.0\.1:\d+\/ within 250 ms \(connectTimeout 100 \+ requestTimeout 150\): 1 event\(s\) rolled back for retry, backing off$/,
    );
  });
});

Deno.test("http sink: a response body that never ends is cut off after requestTimeout", async () => {
  const props = { ...ACCEPT_2XX, requestTimeout: "200" };
  const cancelled = Promise.withResolvers<void>();
  const respond = (): Response =>
    new Response(
      new ReadableStream({
        start(controller): void {
          controller.enqueue(new TextEncoder().encode("partial"));
        },
        cancel(): void {
          cancelled.resolve();
        },
      }),
      { status: 200 },
    );
  await withSink(respond, ["0"], props, async ({ sink, channel }) => {
    const started = Date.now();
    equal(await sink.process(), "READY", "the status decides, the body does not");
    ok(Date.now() - started >= 190, "the body was read until requestTimeout");
    deepStrictEqual(held(channel), []);
    equal(sink.counters.get("ConnectionFailedCount"), 0);
    await withTimeout(cancelled.promise, 5000, "the server sees the body cancelled");
  });
});

Deno.test("http sink: a refused connection rolls back, backs off, and logs no secret", async () => {
  const channel = await channelWith(["0"]);
  const endpoint = `http://user:hunter2@127.0.0.1:${closedPort()}/in?token=s3cret`;
  const { sink, log } = await startSink(channel, { endpoint, ...ACCEPT_2XX });
  try {
    equal(await sink.process(), "BACKOFF");
    deepStrictEqual(held(channel), ["0"]);
    equal(sink.counters.get("ConnectionFailedCount"), 1);
    const warning = log.messages("warn")[0];
    match(warning, /^Request to http:\/\/127\.0\.0\.1:\d+\/in\?token=\*\*\* failed: .*refused/i);
    for (const entry of log.entries) {
      ok(!/hunter2|s3cret|user/.test(entry.message), `no secret in: ${entry.message}`);
    }
  } finally {
    await sink.stop();
  }
});

Deno.test("http sink: contentTypeHeader and acceptHeader are sent", async () => {
  const props = {
    ...ACCEPT_2XX,
    contentTypeHeader: "application/json; charset=utf-8",
    acceptHeader: "application/json",
  };
  await withSink(undefined, ['{"n":1}'], props, async ({ sink, server }) => {
    equal(await sink.process(), "READY");
    equal(server.requests[0].headers.get("content-type"), "application/json; charset=utf-8");
    equal(server.requests[0].headers.get("accept"), "application/json");
    deepStrictEqual(server.bodies(), ['{"n":1}']);
  });
});

Deno.test("http sink: an event with an empty body is consumed without a request", async () => {
  await withSink(undefined, ["", "1"], ACCEPT_2XX, async ({ sink, server, channel, log }) => {
    equal(await sink.process(), "READY", "a full batch (of one empty event): more may be waiting");
    deepStrictEqual(held(channel), ["1"]);
    equal(server.requests.length, 0);
    equal(sink.counters.get("EventDrainAttemptCount"), 0);
    match(log.messages("warn")[0], /^Consumed 1 event\(s\) with an empty body without a request$/);
    equal(await sink.process(), "READY");
    deepStrictEqual(server.bodies(), ["1"]);
  });
});

/** Events for the batch tests: text with headers, bytes that are not UTF-8, an empty body. */
function batchEvents(): Event[] {
  return [
    textEvent("zero", { host: "a" }),
    { headers: {}, body: new Uint8Array([0xff, 0x00, 0x41]) },
    textEvent(""),
    textEvent('{"n":3}'),
    textEvent("four"),
  ];
}

Deno.test("http sink batch mode: one request per batch", async (t) => {
  await t.step("json: an array of the json serializer's objects", async () => {
    const props = { ...ACCEPT_2XX, batchSize: "3" };
    await withSink(undefined, batchEvents(), props, async ({ sink, server, channel }) => {
      equal(await sink.process(), "READY");
      equal(server.requests.length, 1);
      equal(server.requests[0].headers.get("content-type"), "application/json");
      deepStrictEqual(JSON.parse(server.bodies()[0]), [
        { headers: { host: "a" }, body: "zero" },
        { headers: {}, body: "/wBB", bodyEncoding: "base64" },
      ], "the empty event is consumed, not sent");
      deepStrictEqual(held(channel), ['{"n":3}', "four"]);
      // A short batch: the channel had no more (BatchSink's IDLE; the old sink said READY).
      equal(await sink.process(), "IDLE");
      equal(
        server.bodies()[1],
        '[{"headers":{},"body":"{\\"n\\":3}"},{"headers":{},"body":"four"}]',
      );
      deepStrictEqual(
        counts(sink, "EventDrainAttemptCount", "EventDrainSuccessCount", "BatchCompleteCount"),
        { EventDrainAttemptCount: 4, EventDrainSuccessCount: 4, BatchCompleteCount: 1 },
      );
      equal(sink.counters.get("BatchUnderflowCount"), 1);
    });
  });

  await t.step("ndjson: one object a line", async () => {
    const props = { ...ACCEPT_2XX, batchSize: "10", batchFormat: "ndjson" };
    await withSink(undefined, batchEvents(), props, async ({ sink, server }) => {
      // A short batch: the channel had no more (BatchSink's IDLE; the old sink said READY).
      equal(await sink.process(), "IDLE");
      equal(server.requests.length, 1);
      equal(server.requests[0].headers.get("content-type"), "application/x-ndjson");
      equal(
        server.bodies()[0],
        '{"headers":{"host":"a"},"body":"zero"}\n' +
          '{"headers":{},"body":"/wBB","bodyEncoding":"base64"}\n' +
          '{"headers":{},"body":"{\\"n\\":3}"}\n' +
          '{"headers":{},"body":"four"}\n',
      );
    });
  });

  await t.step("lines: the raw bodies, each followed by a newline", async () => {
    const props = { ...ACCEPT_2XX, batchSize: "10", batchFormat: "lines" };
    await withSink(undefined, batchEvents(), props, async ({ sink, server }) => {
      // A short batch: the channel had no more (BatchSink's IDLE; the old sink said READY).
      equal(await sink.process(), "IDLE");
      equal(server.requests[0].headers.get("content-type"), "text/plain");
      deepStrictEqual(
        server.requests[0].body,
        new Uint8Array([
          ...new TextEncoder().encode("zero\n"),
          0xff,
          0x00,
          0x41,
          0x0a,
          ...new TextEncoder().encode('{"n":3}\nfour\n'),
        ]),
      );
    });
  });

  await t.step("the status rules apply to the whole batch", async () => {
    let status = 503;
    const respond = (): Response => new Response(null, { status });
    const props = { ...ACCEPT_2XX, batchSize: "2", contentTypeHeader: "application/vnd.x" };
    await withSink(respond, ["0", "1", "2"], props, async ({ sink, server, channel, log }) => {
      equal(await sink.process(), "BACKOFF");
      deepStrictEqual(held(channel), ["0", "1", "2"]);
      equal(sink.counters.get("EventWriteFail"), 2);
      match(log.messages("warn")[0], /: 2 event\(s\) rolled back for retry/);
      status = 200;
      equal(await sink.process(), "READY");
      // A short batch: the channel had no more (BatchSink's IDLE; the old sink said READY).
      equal(await sink.process(), "IDLE");
      deepStrictEqual(held(channel), []);
      equal(server.requests[0].headers.get("content-type"), "application/vnd.x");
      deepStrictEqual(server.bodies().map((b) => JSON.parse(b).map((e: Event) => e.body)), [
        ["0", "1"],
        ["0", "1"],
        ["2"],
      ]);
      equal(sink.counters.get("EventDrainSuccessCount"), 3);
    });
  });
});

Deno.test("http sink batch mode: a batch beyond transactionCapacity fails and leaves the events", async () => {
  const server = new HttpRecorder();
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    transactionCapacity: 2,
  }, SYSTEM_CLOCK);
  for (const bodies of [["0", "1"], ["2"]]) {
    const tx = channel.getTransaction();
    tx.begin();
    tx.putAll(bodies.map((b) => textEvent(b)));
    await tx.commit();
    tx.close();
  }
  const { sink } = await startSink(channel, { endpoint: server.url, batchSize: "3" });
  try {
    await sink.process().then(
      () => ok(false, "process() should fail"),
      (err: Error) => {
        // The framework's transaction loop takes the batch now: a channel error is its own.
        equal(
          err.message,
          'Failed to take events from channel "c1": Take list for MemoryTransaction, ' +
            "capacity 2 full, consider committing more frequently, increasing capacity, " +
            "or increasing thread count",
        );
        ok(err.cause instanceof ChannelError, String(err.cause));
        match(err.cause.message, /Take list for MemoryTransaction, capacity 2 full/);
      },
    );
    equal(sink.counters.get("ChannelReadFail"), 1);
    equal(sink.counters.get("EventWriteFail"), 0);
    equal(channel.size(), 3);
    equal(channel.counters.get("EventTakeSuccessCount"), 0);
    equal(server.requests.length, 0);
  } finally {
    await sink.stop();
    await server.close();
  }
});

Deno.test("a repeated problem is a warning once a minute, DEBUG in between", () => {
  const log = new RecordingLog();
  const clock = new FakeClock();
  const problems = new ProblemLog(log, clock);
  problems.report("503", "busy 1");
  problems.report("503", "busy 2");
  clock.advance(30_000);
  problems.report("503", "busy 3");
  clock.advance(30_000);
  problems.report("503", "busy 4");
  problems.report("refused", "refused 1");
  problems.reset();
  problems.report("refused", "refused 2");
  deepStrictEqual(log.entries, [
    { level: "warn", message: "busy 1" },
    { level: "debug", message: "busy 2" },
    { level: "debug", message: "busy 3" },
    { level: "warn", message: "busy 4 (2 more like it since the last warning)" },
    { level: "warn", message: "refused 1" },
    { level: "warn", message: "refused 2" },
  ]);
});

/** The issues of an agent seq -> memory -> http whose sink has `sinkLines`. */
function issuesOf(...sinkLines: string[]): readonly ConfigIssue[] {
  const text = [
    "a1.sources = r1",
    "a1.channels = c1",
    "a1.sinks = k1",
    "a1.sources.r1.type = seq",
    "a1.sources.r1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sinks.k1.type = org.apache.flume.sink.http.HttpSink",
    "a1.sinks.k1.channel = c1",
    ...sinkLines.map((l) => `a1.sinks.k1.${l}`),
  ].join("\n");
  const lookup = new Registry({
    source: [SEQ_SOURCE],
    channel: [MEMORY_CHANNEL],
    sink: [HTTP_SINK],
    selector: [REPLICATING_SELECTOR],
    interceptor: [],
  });
  try {
    return loadAgentConfig(text, {
      file: "flume.conf",
      agent: "a1",
      variables: { env: () => undefined, sys: {} },
      lookup,
    }).warnings;
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

/** `severity property: message` of each issue, with the hint when there is one. */
function brief(issues: readonly ConfigIssue[]): string[] {
  return issues.map((i) =>
    `${i.severity} ${i.property}: ${i.message}${i.hint ? ` (hint: ${i.hint})` : ""}`
  );
}

const ACCEPT_LINES = ["rollback.2XX = false", "backoff.2XX = false", "incrementMetrics.2XX = true"];

Deno.test("http sink configuration is validated, every problem at once", async (t) => {
  await t.step("the guide's example is valid and quiet", () => {
    deepStrictEqual(
      brief(issuesOf(
        "endpoint = http://localhost:8080/someuri",
        "connectTimeout = 2000",
        "requestTimeout = 2000",
        "acceptHeader = application/json",
        "contentTypeHeader = application/json",
        "defaultBackoff = true",
        "defaultRollback = true",
        "defaultIncrementMetrics = false",
        "backoff.4XX = false",
        "rollback.4XX = false",
        "incrementMetrics.4XX = true",
        "backoff.200 = false",
        "rollback.200 = false",
        "incrementMetrics.200 = true",
      )),
      [],
    );
  });

  await t.step("a missing endpoint", () => {
    deepStrictEqual(brief(issuesOf(...ACCEPT_LINES)), [
      'error endpoint: Missing required property "endpoint"',
    ]);
  });

  await t.step("an endpoint that is not an http(s) URL", () => {
    deepStrictEqual(brief(issuesOf("endpoint = ftp://host/x", ...ACCEPT_LINES)), [
      'error endpoint: Invalid endpoint "ftp://host/x": expected an http:// or https:// URL ' +
      "(hint: use http://host:port/path or https://host/path)",
    ]);
    deepStrictEqual(brief(issuesOf("endpoint = localhost:8080", ...ACCEPT_LINES)).length, 1);
    match(brief(issuesOf("endpoint = not a url", ...ACCEPT_LINES))[0], /not a URL/);
  });

  await t.step("bad status codes, duplicate and unparsable rules, bad numbers", () => {
    deepStrictEqual(
      brief(issuesOf(
        "endpoint = http://127.0.0.1:8/",
        ...ACCEPT_LINES,
        "backoff.6XX = false",
        "rollback.abc = true",
        "incrementMetrics.50 = true",
        "rollback.5xx = false",
        "rollback.5XX = true",
        "backoff.503 = yes",
        "connectTimeout = 0",
        "batchFormat = xml",
      )).sort(),
      [
        'error backoff.503: Invalid backoff.503 "yes": expected true or false',
        'error backoff.6XX: Invalid status code "6XX" in backoff.6XX: expected a status from ' +
        "100 to 599 or a group from 1XX to 5XX (hint: for example backoff.503 or backoff.5XX)",
        'error batchFormat: Invalid batchFormat "xml": expected one of json, ndjson, lines',
        'error connectTimeout: Invalid connectTimeout "0": must be at least 1',
        'error incrementMetrics.50: Invalid status code "50" in incrementMetrics.50: expected a ' +
        "status from 100 to 599 or a group from 1XX to 5XX " +
        "(hint: for example incrementMetrics.503 or incrementMetrics.5XX)",
        'error rollback.abc: Invalid status code "abc" in rollback.abc: expected a status from ' +
        "100 to 599 or a group from 1XX to 5XX (hint: for example rollback.503 or rollback.5XX)",
        "error rollback.5xx: Duplicate rule rollback.5xx: rollback.5XX is also set",
        "warning batchFormat: batchFormat does nothing with batchSize 1: each request is one " +
        "event's body (hint: set batchSize to more than 1 for one request per batch)",
      ].sort(),
    );
  });

  await t.step("a warning when a 200 would roll back, as Flume's defaults make it", () => {
    deepStrictEqual(brief(issuesOf("endpoint = http://127.0.0.1:8/")), [
      "warning defaultRollback: A 200 answer rolls back (defaultRollback), as in Flume: every " +
      "event is sent again and again (hint: set rollback.2XX = false, backoff.2XX = false and " +
      "incrementMetrics.2XX = true)",
    ]);
    deepStrictEqual(
      brief(issuesOf("endpoint = http://127.0.0.1:8/", "defaultRollback = false")),
      [],
    );
  });
});

Deno.test("agent: seq -> memory -> http delivers 0..N-1 in order through a 503", async () => {
  const total = 20;
  const accepted: string[] = [];
  const server = new HttpRecorder((request, index) => {
    if (index === 4) return new Response("busy", { status: 503 });
    accepted.push(new TextDecoder().decode(request.body));
    return new Response("ok");
  });
  const dir = await Deno.makeTempDir();
  try {
    const conf = await tempConf(
      dir,
      [
        "a1.sources = r1",
        "a1.channels = c1",
        "a1.sinks = k1",
        "a1.sources.r1.type = seq",
        `a1.sources.r1.totalEvents = ${total}`,
        "a1.sources.r1.channels = c1",
        "a1.channels.c1.type = memory",
        "a1.sinks.k1.type = http",
        "a1.sinks.k1.channel = c1",
        `a1.sinks.k1.endpoint = ${server.url}ingest`,
        ...ACCEPT_LINES.map((l) => `a1.sinks.k1.${l}`),
      ].join("\n"),
    );
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    try {
      await withTimeout(server.received(total + 1), 30_000, `${total + 1} requests`);
    } finally {
      agent.kill("SIGTERM");
    }
    const { code, stderr } = await agent.exit();
    equal(code, 0, stderr.join("\n"));
    deepStrictEqual(accepted, Array.from({ length: total }, (_, i) => String(i)));
    equal(server.bodies()[4], server.bodies()[5], "the refused event was sent again");
    ok(stderr.some((l) => / WARN {2}sink\.k1: Endpoint answered 503 /.test(l)), stderr.join("\n"));
    ok(stderr.some((l) => /sink\.k1: Posting to http:\/\/127\.0\.0\.1:\d+\/ingest/.test(l)));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an endpoint on a port fetch blocks is refused by check, and the list is fetch's", async (t) => {
  await t.step("check names the port", () => {
    deepStrictEqual(
      brief(issuesOf("endpoint = http://127.0.0.1:6667/irc")).filter((i) => /port/.test(i)),
      [
        `error endpoint: Invalid endpoint "http://127.0.0.1:6667/irc": port 6667 is one that fetch ` +
        `refuses to connect to (the Fetch standard's blocked ports) (hint: serve the endpoint on ` +
        `another port (8080, 8443, …))`,
      ],
    );
    deepStrictEqual(
      brief(issuesOf("endpoint = http://127.0.0.1:8/")).filter((i) => /port/.test(i)),
      [],
    );
  });

  await t.step("Deno's fetch refuses every listed port, before any connection", async () => {
    for (const port of FETCH_BLOCKED_PORTS) {
      await rejects(fetch(`http://127.0.0.1:${port}/`), /are blocked/, `port ${port}`);
    }
  });
});
