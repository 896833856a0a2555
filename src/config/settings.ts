import type { PatternSpec, PropertySpec, PropertyValue } from "./spec.ts";

/** A raw property value with the line it came from. */
export interface RawProperty {
  readonly value: string;
  readonly line: number;
}

/** The specification a component's settings were validated against. */
export interface SettingsSpec {
  readonly properties: readonly PropertySpec[];
  readonly patterns?: readonly PatternSpec[];
}

/**
 * One component's validated properties: typed getters over values that
 * validation has already parsed, with defaults applied.
 */
export class Settings {
  /** `sources.w1`, `channels.c1`, … */
  readonly component: string;
  readonly spec: SettingsSpec;
  readonly raw: ReadonlyMap<string, RawProperty>;
  #values: ReadonlyMap<string, PropertyValue>;

  /** Wraps parsed values; `values` holds only properties that parsed. */
  constructor(
    component: string,
    spec: SettingsSpec,
    raw: ReadonlyMap<string, RawProperty>,
    values: ReadonlyMap<string, PropertyValue>,
  ) {
    this.component = component;
    this.spec = spec;
    this.raw = raw;
    this.#values = values;
  }

  /** True when the property was set in the file. */
  has(name: string): boolean {
    return this.raw.has(name);
  }

  /** The line the property was set on, if it was. */
  line(name: string): number | undefined {
    return this.raw.get(name)?.line;
  }

  /**
   * False when a property of the spec was set but its value did not parse
   * (then {@linkcode Settings.get} falls back to the default); true otherwise.
   */
  isValid(name: string): boolean {
    return !this.raw.has(name) || this.#values.has(name) ||
      !this.spec.properties.some((p) => p.name === name);
  }

  /** The parsed value, or the spec's default; undefined when neither exists. */
  get(name: string): PropertyValue | undefined {
    if (this.#values.has(name)) return this.#values.get(name);
    return this.spec.properties.find((p) => p.name === name)?.default;
  }

  /** A numeric property (int or number kind). */
  number(name: string): number {
    const value = this.get(name);
    if (typeof value !== "number") throw new TypeError(`Property "${name}" is not a number`);
    return value;
  }

  /** A boolean property. */
  boolean(name: string): boolean {
    const value = this.get(name);
    if (typeof value !== "boolean") throw new TypeError(`Property "${name}" is not a boolean`);
    return value;
  }

  /** A string property, or undefined when unset without default. */
  string(name: string): string | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw new TypeError(`Property "${name}" is not a string`);
    return value;
  }

  /** A list property; empty when unset. */
  list(name: string): readonly string[] {
    const value = this.get(name);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new TypeError(`Property "${name}" is not a list`);
    return value;
  }

  /** Raw properties whose names match `pattern`, in name order. */
  matching(pattern: RegExp): [string, RawProperty][] {
    return [...this.raw].filter(([name]) => pattern.test(name)).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
  }

  /** True when the named property (or a pattern it matches) is a secret. */
  isSecret(name: string): boolean {
    const prop = this.spec.properties.find((p) => p.name === name);
    if (prop) return prop.secret === true;
    return this.spec.patterns?.some((p) => p.secret && p.pattern.test(name)) ?? false;
  }
}
