import type { Severity } from "./diagnostics.ts";
import type { Settings } from "./settings.ts";
import type { PatternSpec, PropertySpec } from "./spec.ts";

/** The three kinds of configurable component. */
export type Category = "source" | "channel" | "sink";

/** Reports a problem with one of a component's properties. */
export type Reporter = (issue: {
  readonly property?: string;
  readonly message: string;
  readonly hint?: string;
  /** @default "error" */
  readonly severity?: Severity;
}) => void;

/** Everything validation and `check` need to know about a component type. */
export interface ComponentSpec {
  readonly category: Category;
  /** The canonical short type name (`memory`, `logger`, `websocket`). */
  readonly type: string;
  /** Other accepted names, including Flume's fully qualified class names. */
  readonly aliases: readonly string[];
  /** One line describing the component. */
  readonly summary: string;
  readonly properties: readonly PropertySpec[];
  readonly patterns?: readonly PatternSpec[];
  /**
   * The property holding the most events per channel transaction, checked
   * against the channel's `transactionCapacity` (file_roll's is
   * `sink.batchSize`). @default "batchSize"
   */
  readonly batchSizeProperty?: string;
  /** Cross-property checks, run after every property parsed. */
  readonly check?: (settings: Settings, report: Reporter) => void;
}

/** Finds component specs by category and type name (or alias). */
export interface SpecLookup {
  /** The spec for `type`, matched case-insensitively against names and aliases. */
  spec(category: Category, type: string): ComponentSpec | undefined;
  /** Every canonical type name and alias of a category, for hints. */
  typeNames(category: Category): readonly string[];
}
