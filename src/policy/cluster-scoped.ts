import { ApiObject, ApiObjectProps, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * An ApiObject of a cluster-scoped kind. cdk8s copies the chart's namespace into every ApiObject; the
 * API server drops `metadata.namespace` from a cluster-scoped object without a word, so a GitOps diff
 * between the manifest and the live object would never settle. The namespace is removed at synth,
 * after cdk8s resolved the metadata.
 */
export function clusterScopedObject(scope: Construct, id: string, props: ApiObjectProps): ApiObject {
  const object = new ApiObject(scope, id, props);
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return object;
}

const SINGLETONS_ID = 'GoldenGoAppSingletons';

/** The objects an app must hold once however many charts ask for them, by key. */
class AppSingletons extends Construct {
  public readonly objects = new Map<string, ApiObject>();
}

/**
 * An object the whole app holds once (a ConstraintTemplate, an opted-in Namespace): created in the
 * chart of the first construct that asks, and returned to every later one. Two charts each emitting
 * it would give the GitOps tool two owners of one cluster-scoped name.
 */
export function appSingleton(scope: Construct, key: string, create: () => ApiObject): ApiObject {
  const root = scope.node.root as Construct;
  const holder = (root.node.tryFindChild(SINGLETONS_ID) as AppSingletons | undefined) ?? new AppSingletons(root, SINGLETONS_ID);
  let object = holder.objects.get(key);
  if (!object) {
    object = create();
    holder.objects.set(key, object);
  }
  return object;
}
