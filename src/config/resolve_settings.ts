import type { ComponentSpec, Reporter } from "./component_spec.ts";
import { type RawProperty, Settings } from "./settings.ts";
import { parseValue, type PropertyValue } from "./spec.ts";
import { didYouMeanProperty } from "./suggest.ts";

/**
 * Parses a component's raw properties against its spec: every problem goes
 * to `report` (unknown names are warnings with a hint), and the values that
 * parsed are returned as Settings. Cross-property checks always run (so
 * that every problem is reported at once) and skip the rules whose
 * properties did not parse (`Settings.isValid`).
 */
export function resolveSettings(
  component: string,
  spec: ComponentSpec,
  raw: ReadonlyMap<string, RawProperty>,
  report: Reporter,
): Settings {
  const values = new Map<string, PropertyValue>();
  const known = spec.properties.map((p) => p.name);
  for (const [name, { value }] of raw) {
    const prop = spec.properties.find((p) => p.name === name);
    if (prop) {
      const parsed = parseValue(prop, value);
      if ("error" in parsed) report({ property: name, message: parsed.error });
      else values.set(name, parsed.value);
      continue;
    }
    const pattern = spec.patterns?.find((p) => p.pattern.test(name));
    if (pattern) {
      const parsed = parseValue({ ...pattern, name }, value);
      if ("error" in parsed) report({ property: name, message: parsed.error });
      continue;
    }
    report({
      severity: "warning",
      property: name,
      message: `Unknown property "${name}" for type ${spec.type}: ignored`,
      hint: didYouMeanProperty(name, known),
    });
  }
  for (const prop of spec.properties) {
    if (prop.required && !raw.has(prop.name)) {
      report({ property: prop.name, message: `Missing required property "${prop.name}"` });
    }
  }
  const settings = new Settings(component, spec, raw, values);
  spec.check?.(settings, report);
  return settings;
}
