import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';

const PATCHES = new WeakMap<ApiObject, JsonPatch[]>();

/**
 * The one place golden-go reaches past cdk8s-plus-27: fields it cannot express (capabilities drop ALL,
 * seccomp, topology spread, preferred anti-affinity, preStop sleep, gRPC/named-port probes, exact
 * resource quantities, terminationMessagePolicy) are added to the rendered object as JSON patches.
 *
 * They are applied to the final JSON, not through `ApiObject.addJsonPatch`: the generated 1.27 L1
 * classes pass the patched object through typed converters that drop fields the 1.27 schema lacks
 * (`lifecycle.preStop.sleep`) and read IntOrString/Quantity values as instances, turning plain
 * strings such as a named probe port or `100m` into null. The user's own `addJsonPatch` escape
 * hatches are moved after ours, so they still have the last word.
 */
export function setFields(target: IConstruct, basePath: string, fields: Record<string, unknown>): void {
  const obj = ApiObject.of(target);
  let ops = PATCHES.get(obj);
  if (!ops) {
    const patches: JsonPatch[] = [];
    ops = patches;
    PATCHES.set(obj, patches);
    const render = obj.toJson.bind(obj);
    const holder = obj as unknown as { patches: JsonPatch[] };
    obj.toJson = () => {
      const userPatches = holder.patches;
      holder.patches = [];
      let base: any;
      try {
        base = render();
      } finally {
        holder.patches = userPatches;
      }
      return sortKeys(JsonPatch.apply(JsonPatch.apply(base, ...patches), ...userPatches));
    };
  }
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) ops.push(JsonPatch.add(`${basePath}/${key}`, value));
  }
}

/** cdk8s sorts object keys for stable output; patched fields get the same treatment. */
function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}
