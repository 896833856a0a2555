import type { DefinitionBase } from "../api/component.ts";
import {
  type CheckedProperties,
  type PropertyDecls,
  PropertyError,
  type RawProperty,
  type Reporter,
} from "../api/properties.ts";
import { parseValue, type PropertyValue } from "./parse_value.ts";
import { Settings } from "./settings.ts";
import { didYouMeanProperty } from "../util/suggest.ts";

/** A component's properties resolved against its definition. */
export interface Resolved {
  readonly settings: Settings;
  /** What the definition's `prepare` made; undefined when it has none or a property failed. */
  readonly prepared: unknown;
  /** False when any of the component's properties is in error. */
  readonly valid: boolean;
}

/**
 * Parses a component's raw properties against its definition: every problem
 * goes to `report` (unknown names are warnings with a hint). Cross-property
 * checks always run (so that every problem is reported at once) and see
 * properties that did not parse as undefined. When every property is
 * valid, `prepare` makes the derived material once.
 */
export function resolveSettings(
  component: string,
  definition: DefinitionBase<PropertyDecls, unknown>,
  raw: ReadonlyMap<string, RawProperty>,
  report: Reporter,
): Resolved {
  let valid = true;
  const relay: Reporter = (problem) => {
    if ((problem.severity ?? "error") === "error") valid = false;
    report(problem);
  };
  const values = new Map<string, PropertyValue>();
  const decls = definition.properties;
  const known = Object.keys(decls);
  for (const [name, { value, unresolved }] of raw) {
    if (unresolved) {
      valid = false; // its line already says which variable is unset
      continue;
    }
    const decl = Object.hasOwn(decls, name)
      ? decls[name]
      : definition.patterns?.find((p) => p.pattern.test(name));
    if (!decl) {
      relay({
        severity: "warning",
        property: name,
        message: `Unknown property "${name}" for type ${definition.type}: ignored`,
        hint: didYouMeanProperty(name, known),
      });
      continue;
    }
    const parsed = parseValue(name, decl, value);
    if ("error" in parsed) relay({ property: name, message: parsed.error, hint: parsed.hint });
    else if (Object.hasOwn(decls, name)) values.set(name, parsed.value);
  }
  for (const [name, decl] of Object.entries(decls)) {
    if (decl.required && !raw.has(name)) {
      relay({ property: name, message: `Missing required property "${name}"` });
    }
  }
  const settings = new Settings(component, definition, raw, values);
  // The definition is erased to PropertyDecls here; its check reads only its own names.
  definition.check?.(settings as CheckedProperties<PropertyDecls>, relay);
  if (!valid || !definition.prepare) return { settings, prepared: undefined, valid };
  try {
    return { settings, prepared: definition.prepare(settings.toConfig(), settings), valid };
  } catch (err) {
    if (!(err instanceof PropertyError)) throw err;
    relay({ property: err.property, message: err.message, hint: err.hint });
    return { settings, prepared: undefined, valid: false };
  }
}
