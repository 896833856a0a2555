import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { MonitoringError } from "../../src/api/monitor.ts";
import { resolveMonitoring } from "../../src/config/monitoring_settings.ts";
import { builtinRegistry } from "../../src/registry.ts";

const REGISTRY = builtinRegistry();

Deno.test("monitoring settings come from -Dflume.monitoring.*", async (t) => {
  await t.step("none without a flume.monitoring property", () => {
    strictEqual(resolveMonitoring({ "flume.root.logger": "INFO,console" }, REGISTRY), undefined);
  });

  await t.step("Flume's default port and a loopback host", () => {
    const monitor = resolveMonitoring({ "flume.monitoring.type": "http" }, REGISTRY)!;
    strictEqual(monitor.definition.type, "http");
    deepStrictEqual(monitor.config, { port: 41414, host: "127.0.0.1" });
    deepStrictEqual(monitor.warnings, []);
  });

  await t.step("the type in any case, or Flume's class name", () => {
    for (const type of ["HTTP", "org.apache.flume.instrumentation.http.HTTPMetricsServer"]) {
      strictEqual(
        resolveMonitoring({ "flume.monitoring.type": type }, REGISTRY)!.definition.type,
        "http",
      );
    }
    const prometheus = resolveMonitoring({
      "flume.monitoring.type": "prometheus",
      "flume.monitoring.port": "9464",
      "flume.monitoring.host": "0.0.0.0",
    }, REGISTRY)!;
    deepStrictEqual(prometheus.config, { port: 9464, host: "0.0.0.0" });
  });

  await t.step("an unknown property is a warning", () => {
    const monitor = resolveMonitoring({
      "flume.monitoring.type": "http",
      "flume.monitoring.pollFrequency": "60",
    }, REGISTRY)!;
    deepStrictEqual(monitor.warnings, [
      "Unknown -Dflume.monitoring.pollFrequency for monitoring type http: ignored",
    ]);
  });

  await t.step("every bad value in one line", () => {
    throws(
      () =>
        resolveMonitoring({
          "flume.monitoring.type": "http",
          "flume.monitoring.port": "70000",
          "flume.monitoring.host": " ",
        }, REGISTRY),
      (err: unknown) => {
        strictEqual(err instanceof MonitoringError, true);
        strictEqual(
          (err as Error).message,
          `Invalid -Dflume.monitoring.port "70000": must be at most 65535; ` +
            `Invalid -Dflume.monitoring.host " ": expected an address or host name ` +
            `(e.g. 127.0.0.1, 0.0.0.0 or ::1; the port is -Dflume.monitoring.port)`,
        );
        return true;
      },
    );
  });
});
