import type { Reporter } from "../config/component_spec.ts";
import type { Settings } from "../config/settings.ts";
import type { PropertySpec } from "../config/spec.ts";

/** The defaults of a channel's size properties, which differ per channel type. */
export interface CapacityDefaults {
  readonly capacity: number;
  readonly transactionCapacity: number;
}

/** Flume's `capacity`, `transactionCapacity` and `keep-alive` with a channel's defaults. */
export function capacityProperties(defaults: CapacityDefaults): PropertySpec[] {
  return [
    { name: "capacity", kind: "int", default: defaults.capacity, min: 1, doc: "Most events held" },
    {
      name: "transactionCapacity",
      kind: "int",
      default: defaults.transactionCapacity,
      min: 1,
      doc: "Most events one transaction puts or takes",
    },
    {
      name: "keep-alive",
      kind: "int",
      default: 3,
      min: 0,
      doc: "Seconds a commit waits for room before ChannelFullError",
    },
  ];
}

/** Reports a `transactionCapacity` larger than `capacity` (when both parsed). */
export function checkCapacities(settings: Settings, report: Reporter): void {
  if (!settings.isValid("capacity") || !settings.isValid("transactionCapacity")) return;
  const capacity = settings.number("capacity");
  const tx = settings.number("transactionCapacity");
  if (tx > capacity) {
    report({
      property: "transactionCapacity",
      message: `transactionCapacity ${tx} is larger than capacity ${capacity}`,
      hint: "transactionCapacity must be at most capacity",
    });
  }
}
