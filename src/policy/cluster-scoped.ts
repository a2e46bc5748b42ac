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
