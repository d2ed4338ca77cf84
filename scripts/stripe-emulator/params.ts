/**
 * Form bodies and query strings in Stripe's bracket notation (`a[b][0][c]=1`), parsed with qs,
 * plus small typed readers that answer Stripe-style 400s naming the offending parameter.
 */
import qs from "qs";
import { invalidParam, invalidRequest, missingParam, unknownParam } from "./errors.js";

export type ParamValue = string | ParamValue[] | { [key: string]: ParamValue };
export type ParamObject = { [key: string]: ParamValue };

export function parseParams(text: string): ParamObject {
  if (text.trim() === "") return {};
  const parsed = qs.parse(text, {
    depth: 10,
    arrayLimit: 100,
    parameterLimit: 2000,
    allowPrototypes: false,
    plainObjects: true,
  });
  return parsed as ParamObject;
}

/** `line_items[0][price_data]` style name for error messages. */
export function paramPath(parent: string, key: string | number): string {
  return parent === "" ? String(key) : `${parent}[${key}]`;
}

function isObject(value: ParamValue | undefined): value is { [key: string]: ParamValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads parameters of one (nested) hash; `path` is its bracket name ("" for the top level). */
export class ParamReader {
  constructor(
    readonly values: ParamObject,
    readonly path = "",
  ) {}

  private name(key: string): string {
    return paramPath(this.path, key);
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  /** Refuses any parameter not listed, like the real API does. */
  allowOnly(allowed: readonly string[]): this {
    for (const key of Object.keys(this.values)) {
      if (!allowed.includes(key)) throw unknownParam(this.name(key));
    }
    return this;
  }

  string(key: string): string | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw invalidParam(this.name(key), `Invalid string: ${this.name(key)} must be a string.`);
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === "") throw missingParam(this.name(key));
    return value;
  }

  /** Empty string is treated as "not given", as Stripe does for optional scalars. */
  optionalString(key: string): string | null {
    const value = this.string(key);
    return value === undefined || value === "" ? null : value;
  }

  integer(key: string, opts: { min?: number } = {}): number | undefined {
    const raw = this.string(key);
    if (raw === undefined || raw === "") return undefined;
    if (!/^-?\d+$/.test(raw)) {
      throw invalidRequest(`Invalid integer: ${raw}`, this.name(key), "parameter_invalid_integer");
    }
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) {
      throw invalidRequest(`Invalid integer: ${raw}`, this.name(key), "parameter_invalid_integer");
    }
    if (opts.min !== undefined && value < opts.min) {
      throw invalidParam(this.name(key), `This value must be greater than or equal to ${opts.min}.`);
    }
    return value;
  }

  requiredInteger(key: string, opts: { min?: number } = {}): number {
    const value = this.integer(key, opts);
    if (value === undefined) throw missingParam(this.name(key));
    return value;
  }

  /** Stripe's booleans arrive as the strings "true" and "false". */
  boolean(key: string): boolean | undefined {
    const raw = this.string(key);
    if (raw === undefined || raw === "") return undefined;
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw invalidRequest(`Invalid boolean: ${raw}`, this.name(key), "parameter_invalid_boolean");
  }

  /** An optional string that must be one of `allowed`. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | null {
    const value = this.optionalString(key);
    if (value === null) return null;
    if (!(allowed as readonly string[]).includes(value)) {
      throw invalidParam(this.name(key), `Invalid ${this.name(key)}: must be one of ${allowed.join(", ")}`);
    }
    return value as T;
  }

  object(key: string): ParamReader | undefined {
    const value = this.values[key];
    if (value === undefined || value === "") return undefined;
    if (!isObject(value)) throw invalidParam(this.name(key), `Invalid object: ${this.name(key)} must be a hash.`);
    return new ParamReader(value, this.name(key));
  }

  requiredObject(key: string): ParamReader {
    const value = this.object(key);
    if (value === undefined) throw missingParam(this.name(key));
    return value;
  }

  /** Arrays arrive as `k[0]=..&k[1]=..` (or `k[]=..`); qs may hand back an index-keyed hash. */
  array(key: string): ParamValue[] | undefined {
    const value = this.values[key];
    if (value === undefined || value === "") return undefined;
    if (Array.isArray(value)) return value;
    if (isObject(value) && Object.keys(value).every((k) => /^\d+$/.test(k))) {
      return Object.keys(value)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => value[k]);
    }
    if (typeof value === "string") return [value];
    throw invalidParam(this.name(key), `Invalid array: ${this.name(key)} must be an array.`);
  }

  objectArray(key: string): ParamReader[] | undefined {
    const items = this.array(key);
    if (items === undefined) return undefined;
    return items.map((item, index) => {
      const name = paramPath(this.name(key), index);
      if (!isObject(item)) throw invalidParam(name, `Invalid object: ${name} must be a hash.`);
      return new ParamReader(item, name);
    });
  }

  stringArray(key: string): string[] {
    const items = this.array(key) ?? [];
    return items.map((item, index) => {
      if (typeof item !== "string") {
        throw invalidParam(paramPath(this.name(key), index), "Invalid string.");
      }
      return item;
    });
  }

  /** `metadata[k]=v`: string values, Stripe's limits; empty values are dropped. */
  metadata(key: string): Record<string, string> {
    const value = this.values[key];
    const out: Record<string, string> = {};
    if (value === undefined || value === "") return out;
    if (!isObject(value)) throw invalidParam(this.name(key), "Invalid hash: metadata must be a hash of strings.");
    const entries = Object.entries(value);
    if (entries.length > 50) throw invalidParam(this.name(key), "You can specify up to 50 keys in metadata.");
    for (const [k, v] of entries) {
      const name = paramPath(this.name(key), k);
      if (typeof v !== "string") throw invalidParam(name, `Invalid string: metadata values must be strings.`);
      if (k.length > 40) throw invalidParam(name, "Metadata keys can have up to 40 characters.");
      if (v.length > 500) throw invalidParam(name, "Metadata values can have up to 500 characters.");
      if (v !== "") out[k] = v;
    }
    return out;
  }
}

/**
 * A metadata update: keys to set, and keys sent empty (`metadata[k]=`) to delete; `metadata=""`
 * clears every key. Returns the metadata after the update.
 */
export function updatedMetadata(params: ParamReader, key: string, current: Record<string, string>): Record<string, string> {
  const raw = params.values[key];
  if (raw === undefined) return current;
  if (raw === "") return {};
  const next = { ...current };
  if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) if (v === "") delete next[k];
  }
  Object.assign(next, params.metadata(key));
  if (Object.keys(next).length > 50) throw invalidParam(key, "You can specify up to 50 keys in metadata.");
  return next;
}

/** Canonical JSON (sorted keys) used to compare the parameters of idempotent requests. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
