import type {
  CheckedProperties,
  DurationProperty,
  IntProperty,
  Reporter,
} from "../api/properties.ts";
import { duration, int } from "../api/properties.ts";

/** The defaults of a channel's size properties, which differ per channel type. */
export interface CapacityDefaults {
  readonly capacity: number;
  readonly transactionCapacity: number;
}

/** The properties {@linkcode capacityProperties} declares. */
export type CapacityDecls = {
  readonly capacity: IntProperty & { readonly default: number };
  readonly transactionCapacity: IntProperty & { readonly default: number };
  readonly "keep-alive": DurationProperty & { readonly default: number };
};

/** Flume's `capacity`, `transactionCapacity` and `keep-alive` with a channel's defaults. */
export function capacityProperties(defaults: CapacityDefaults): CapacityDecls {
  return {
    capacity: int({
      default: defaults.capacity,
      min: 1,
      doc: "Most events held",
    }),
    transactionCapacity: int({
      default: defaults.transactionCapacity,
      min: 1,
      doc: "Most events one transaction puts or takes",
    }),
    "keep-alive": duration({
      unit: "s",
      default: 3,
      doc: "Seconds a commit waits for room before ChannelFullError",
    }),
  };
}

/** Reports a `transactionCapacity` larger than `capacity` (when both parsed). */
export function checkCapacities(props: CheckedProperties<CapacityDecls>, report: Reporter): void {
  const capacity = props.get("capacity");
  const tx = props.get("transactionCapacity");
  if (capacity === undefined || tx === undefined) return;
  if (tx > capacity) {
    report({
      property: "transactionCapacity",
      message: `transactionCapacity ${tx} is larger than capacity ${capacity}`,
      hint: "transactionCapacity must be at most capacity",
    });
  }
}
