import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * golden-go's fields that cdk8s-plus-27 cannot express (capabilities drop ALL, seccomp, topology
 * spread, preferred anti-affinity, preStop sleep, gRPC/named-port probes, exact resource quantities,
 * terminationMessagePolicy), laid *under* what cdk8s-plus renders for one ApiObject:
 *
 * - a default only fills what the rendering leaves empty: objects are merged key by key and lists
 *   get golden-go's entries appended, so anything the user set through cdk8s-plus after construction
 *   (a pod label, a node affinity, a toleration, an env variable, a volume) is kept;
 * - the user's own `addJsonPatch` escape hatches are applied last and so have the last word;
 * - the checklist then runs on that final object, so a user change that breaks a rule is reported as
 *   that rule instead of being overwritten.
 *
 * It hooks the object's `toJson` because the generated 1.27 L1 classes pass the JSON through typed
 * converters that drop fields the 1.27 schema lacks (`lifecycle.preStop.sleep`) and read
 * IntOrString/Quantity values as instances (a named probe port or `100m` would become null).
 * The state lives on the construct that owns the object, not in module-level maps.
 */
export class RenderedDefaults {
  private readonly defaults: Array<{ readonly path: string[]; readonly value: Record<string, unknown> }> = [];
  private readonly removals: string[][] = [];

  constructor(object: ApiObject) {
    const render = object.toJson.bind(object);
    const holder = object as unknown as { patches: JsonPatch[] };
    object.toJson = () => {
      const userPatches = holder.patches;
      holder.patches = [];
      let base: any;
      try {
        base = render();
      } finally {
        holder.patches = userPatches;
      }
      this.applyTo(base);
      return sortKeys(userPatches.length ? JsonPatch.apply(base, ...userPatches) : base);
    };
  }

  /** Fields at `path` (a JSON pointer) that fill whatever the rendering leaves unset there. */
  public underlay(path: string, fields: Record<string, unknown>): void {
    const value = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    this.defaults.push({ path: pointer(path), value: sortKeys(value) });
  }

  /** A key golden-go takes out of the rendering (when present), such as cdk8s-plus's address label. */
  public remove(path: string): void {
    this.removals.push(pointer(path));
  }

  private applyTo(base: any): void {
    for (const path of this.removals) {
      const parent = path.slice(0, -1).reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), base);
      if (parent && typeof parent === 'object') delete parent[path[path.length - 1]];
    }
    for (const { path, value } of this.defaults) {
      let target = base;
      for (const key of path) {
        if (target[key] === undefined) target[key] = /^\d+$/.test(key) ? [] : {};
        target = target[key];
      }
      mergeUnder(target, value);
    }
  }
}

/** Fills `target` with `defaults` where it has nothing; lists keep their entries and gain the missing defaults. */
// Every rendering gets its own copy of the defaults: callers may change what toJson returns.
function mergeUnder(target: Record<string, any>, defaults: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(defaults)) {
    const current = target[key];
    if (current === undefined) {
      target[key] = clone(value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      const seen = new Set(current.map((v) => JSON.stringify(v)));
      for (const v of value) if (!seen.has(JSON.stringify(v))) current.push(clone(v));
    } else if (isPlainObject(current) && isPlainObject(value)) {
      mergeUnder(current, value);
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone(v: any): any {
  if (Array.isArray(v)) return v.map(clone);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = clone(v[k]);
  return out;
}

function pointer(path: string): string[] {
  return path.split('/').slice(1).map((k) => (k.includes('~') ? k.replace(/~1/g, '/').replace(/~0/g, '~') : k));
}

/**
 * cdk8s sorts object keys for stable output; merged fields get the same treatment. Objects whose keys
 * are already in order (most of a rendering) are kept and only their values visited.
 */
function sortKeys(value: any): any {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = sortKeys(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  if (sorted) {
    for (const k of keys) value[k] = sortKeys(value[k]);
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys.sort()) out[k] = sortKeys(value[k]);
  return out;
}
