import type {
  CheckedProperties,
  ConfigOf,
  PatternDecl,
  PropertyDecl,
  PropertyDecls,
  RawProperty,
  ValueOf,
} from "../api/properties.ts";
import { type PropertyValue, unitMs } from "./parse_value.ts";

export type { RawProperty } from "../api/properties.ts";

/** The declarations a component's settings were validated against. */
export interface SettingsSpec<D extends PropertyDecls = PropertyDecls> {
  readonly properties: D;
  readonly patterns?: readonly PatternDecl[];
}

/** A declaration's default as the configuration holds it (a duration in milliseconds). */
export function defaultOf(decl: PropertyDecl): PropertyValue | undefined {
  if (!("default" in decl) || decl.default === undefined) return undefined;
  return decl.kind === "duration" ? decl.default * unitMs(decl.unit) : decl.default;
}

/**
 * One component's validated properties: the values that parsed, with
 * defaults applied, and the raw properties with their lines.
 */
export class Settings<D extends PropertyDecls = PropertyDecls> implements CheckedProperties<D> {
  /** `sources.w1`, `channels.c1`, … */
  readonly component: string;
  readonly spec: SettingsSpec<D>;
  readonly rawProperties: ReadonlyMap<string, RawProperty>;
  readonly #values: ReadonlyMap<string, PropertyValue>;

  /** Wraps parsed values; `values` holds only properties that parsed. */
  constructor(
    component: string,
    spec: SettingsSpec<D>,
    raw: ReadonlyMap<string, RawProperty>,
    values: ReadonlyMap<string, PropertyValue>,
  ) {
    this.component = component;
    this.spec = spec;
    this.rawProperties = raw;
    this.#values = values;
  }

  has(name: string): boolean {
    return this.rawProperties.has(name);
  }

  raw(name: string): string | undefined {
    return this.rawProperties.get(name)?.value;
  }

  line(name: string): number | undefined {
    return this.rawProperties.get(name)?.line;
  }

  isValid(name: keyof D & string): boolean {
    return !this.rawProperties.has(name) || this.#values.has(name) ||
      !Object.hasOwn(this.spec.properties, name);
  }

  get<K extends keyof D & string>(name: K): ValueOf<D[K]> | undefined {
    if (this.#values.has(name)) return this.#values.get(name) as ValueOf<D[K]>;
    if (this.rawProperties.has(name)) return undefined; // set, but did not parse
    const decl = Object.hasOwn(this.spec.properties, name) ? this.spec.properties[name] : undefined;
    return decl === undefined ? undefined : defaultOf(decl) as ValueOf<D[K]> | undefined;
  }

  matching(pattern: RegExp): [string, RawProperty][] {
    return [...this.rawProperties].filter(([name]) => pattern.test(name)).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
  }

  /** True when the named property (or a pattern it matches) is never to be shown. */
  isSecret(name: string): boolean {
    if (Object.hasOwn(this.spec.properties, name)) {
      return this.spec.properties[name].kind === "secret";
    }
    return this.spec.patterns?.some((p) => p.kind === "secret" && p.pattern.test(name)) ?? false;
  }

  /** The typed configuration: every declared property, defaults applied. */
  toConfig(): ConfigOf<D> {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(this.spec.properties)) out[name] = this.get(name);
    return Object.freeze(out) as ConfigOf<D>;
  }
}
