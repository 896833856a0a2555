import type { ComponentKind, ComponentLookup, DefinitionOf } from "../api/component.ts";
import type { ConfigOf, PropertyDecls, RawProperty } from "../api/properties.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import { componentLine, type ListedComponent } from "./group_components.ts";
import { NESTED_KINDS } from "./kinds.ts";
import { splitList } from "./parse_value.ts";
import { resolveSettings } from "./resolve_settings.ts";
import type { Settings } from "./settings.ts";
import { didYouMean } from "../util/suggest.ts";

/** One configured component, resolved against its definition. */
export interface ComponentConfig<K extends ComponentKind = ComponentKind> {
  readonly kind: K;
  readonly name: string;
  /** `sources.w1`, `sources.w1.selector`, `sources.w1.interceptors.i1`. */
  readonly id: string;
  /** The type as written in the file (or the kind's default). */
  readonly type: string;
  readonly definition: DefinitionOf[K];
  readonly settings: Settings;
  /** The typed configuration handed to the factory. */
  readonly config: ConfigOf<PropertyDecls>;
  /** What the definition's `prepare` made. */
  readonly prepared: unknown;
  /** The line of its type (or its first key): where problems of the whole component point. */
  readonly line: number;
}

/** What resolving needs to know. */
export interface ResolveContext {
  readonly file: string;
  readonly prefix: string;
  readonly lookup: ComponentLookup;
}

/** A resolved component (absent when its type is missing or unknown) and its problems. */
export interface Resolution<T> {
  readonly value?: T;
  readonly issues: readonly ConfigIssue[];
}

/** Keys of a source that belong to its nested kinds or its link, not to its type. */
const SOURCE_FRAMEWORK_KEY = /^(channels?|selector\..*|interceptors(\..*)?)$/;
/** Keys of a sink that belong to its link. */
const SINK_FRAMEWORK_KEY = /^channels?$/;
/** Keys of a channel that belong to no type. */
const CHANNEL_FRAMEWORK_KEY = /^$/;

/**
 * Resolves a listed source, channel or sink: finds its type and parses its
 * own properties (those the kinds table does not claim). Undefined when
 * its type is missing or unknown (reported).
 */
export function resolveComponent<K extends "source" | "channel" | "sink">(
  kind: K,
  item: ListedComponent,
  context: ResolveContext,
): Resolution<ComponentConfig<K>> {
  const framework = kind === "source"
    ? SOURCE_FRAMEWORK_KEY
    : kind === "sink"
    ? SINK_FRAMEWORK_KEY
    : CHANNEL_FRAMEWORK_KEY;
  const own = new Map([...item.props].filter(([k]) => k !== "type" && !framework.test(k)));
  return resolveTyped(kind, {
    name: item.name,
    id: item.id,
    component: item.id,
    type: item.props.get("type"),
    fallbackLine: componentLine(item),
    props: own,
  }, context);
}

/** A source's selector: `selector.type` (default replicating) and its `selector.*` keys. */
export function resolveSelector(
  source: ListedComponent,
  context: ResolveContext,
): Resolution<ComponentConfig<"selector">> {
  const nested = NESTED_KINDS.find((k) => k.kind === "selector")!;
  const props = new Map<string, RawProperty>();
  for (const [key, raw] of source.props) {
    if (key.startsWith("selector.") && key !== "selector.type") {
      props.set(key.slice("selector.".length), raw);
    }
  }
  const written = source.props.get("selector.type");
  return resolveTyped("selector", {
    name: source.name,
    id: `${source.id}.selector`,
    component: source.id,
    type: written ?? { value: nested.defaultType!, line: componentLine(source) },
    typeProperty: "selector.type",
    propertyPrefix: "selector.",
    fallbackLine: written?.line ?? componentLine(source),
    props,
  }, context);
}

/** The type a sink group's processor has when `processor.type` is not set. */
export const DEFAULT_PROCESSOR_TYPE = "default";

/**
 * A sink group's processor: `processor.type` (default `default`) and its
 * `processor.*` keys.
 */
export function resolveProcessor(
  group: ListedComponent,
  context: ResolveContext,
): Resolution<ComponentConfig<"processor">> {
  const props = new Map<string, RawProperty>();
  for (const [key, raw] of group.props) {
    if (key.startsWith("processor.") && key !== "processor.type") {
      props.set(key.slice("processor.".length), raw);
    }
  }
  const written = group.props.get("processor.type");
  const line = group.props.get("sinks")?.line ?? componentLine(group);
  return resolveTyped("processor", {
    name: group.name,
    id: `${group.id}.processor`,
    component: group.id,
    type: written ?? { value: DEFAULT_PROCESSOR_TYPE, line },
    typeProperty: "processor.type",
    propertyPrefix: "processor.",
    fallbackLine: written?.line ?? line,
    props,
  }, context);
}

/** A source's interceptors, in the order `interceptors` lists them. */
export function resolveInterceptors(
  source: ListedComponent,
  context: ResolveContext,
): { readonly value: ComponentConfig<"interceptor">[]; readonly issues: ConfigIssue[] } {
  const list = source.props.get("interceptors");
  const names = list ? splitList(list.value) : [];
  const out: ComponentConfig<"interceptor">[] = [];
  const issues: ConfigIssue[] = [];
  for (const name of names) {
    const prefix = `interceptors.${name}.`;
    const props = new Map<string, RawProperty>();
    for (const [key, raw] of source.props) {
      if (key.startsWith(prefix) && key !== `${prefix}type`) {
        props.set(key.slice(prefix.length), raw);
      }
    }
    const resolved = resolveTyped("interceptor", {
      name,
      id: `${source.id}.interceptors.${name}`,
      component: source.id,
      type: source.props.get(`${prefix}type`),
      typeProperty: `${prefix}type`,
      propertyPrefix: prefix,
      fallbackLine: list!.line,
      props,
    }, context);
    issues.push(...resolved.issues);
    if (resolved.value) out.push(resolved.value);
  }
  for (const [key, raw] of source.props) {
    const [, name] = /^interceptors\.([^.]+)\./.exec(key) ?? [];
    if (name !== undefined && !names.includes(name)) {
      issues.push({
        severity: "warning",
        file: context.file,
        line: raw.line,
        component: source.id,
        property: key,
        message: `Interceptor "${name}" is not listed in interceptors: ignored`,
        hint: `add ${name} to ${context.prefix}${source.id}.interceptors`,
      });
    }
  }
  return { value: out, issues };
}

/** What resolveTyped needs of one component. */
interface Typed {
  readonly name: string;
  readonly id: string;
  /** The component messages name (`sources.w1` for its selector too). */
  readonly component: string;
  readonly type: RawProperty | undefined;
  /** @default "type" */
  readonly typeProperty?: string;
  /** Put before property names in messages (`selector.`). */
  readonly propertyPrefix?: string;
  readonly fallbackLine: number;
  readonly props: ReadonlyMap<string, RawProperty>;
}

function resolveTyped<K extends ComponentKind>(
  kind: K,
  item: Typed,
  context: ResolveContext,
): Resolution<ComponentConfig<K>> {
  const { file, lookup } = context;
  const issues: ConfigIssue[] = [];
  const typeProperty = item.typeProperty ?? "type";
  const prefix = item.propertyPrefix ?? "";
  const known = lookup.all(kind).flatMap((d) => [d.type, ...(d.aliases ?? [])]);
  const primary = known.filter((t) => !t.includes("."));
  const available = primary.length > 0
    ? `known ${kind} types: ${primary.join(", ")}`
    : `no ${kind} types are available yet`;
  const type = item.type?.value.trim() ?? "";
  if (type === "") {
    issues.push({
      severity: "error",
      file,
      line: item.type?.line ?? item.fallbackLine,
      component: item.component,
      property: typeProperty,
      message: `Missing required property "${typeProperty}"`,
      hint: available,
    });
    return { issues };
  }
  const definition = lookup.find(kind, type);
  if (!definition) {
    issues.push({
      severity: "error",
      file,
      line: item.type!.line,
      component: item.component,
      property: typeProperty,
      message: `Unknown ${kind} type "${type}"`,
      hint: didYouMean(type, known) ?? available,
    });
    return { issues };
  }
  const resolved = resolveSettings(item.id, definition, item.props, (problem) => {
    issues.push({
      severity: problem.severity ?? "error",
      file,
      line: (problem.property ? item.props.get(problem.property)?.line : undefined) ??
        item.type?.line ?? item.fallbackLine,
      component: item.component,
      property: problem.property === undefined ? undefined : `${prefix}${problem.property}`,
      message: problem.message,
      hint: problem.hint,
    });
  });
  const value: ComponentConfig<K> = {
    kind,
    name: item.name,
    id: item.id,
    type,
    definition: definition as DefinitionOf[K],
    settings: resolved.settings,
    config: resolved.settings.toConfig(),
    prepared: resolved.prepared,
    line: item.type?.line ?? item.fallbackLine,
  };
  return { value, issues };
}
