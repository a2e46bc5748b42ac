import { ApiObject, ApiObjectProps, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * An ApiObject of a cluster-scoped kind. cdk8s copies the chart's namespace into every ApiObject, and a
 * real API server silently drops `metadata.namespace` from a cluster-scoped object without a warning, so
 * the GitOps source would never match the live object. The patch runs at synth time, after cdk8s has
 * resolved the metadata.
 */
export function clusterScopedObject(scope: Construct, id: string, props: ApiObjectProps): ApiObject {
  const object = new ApiObject(scope, id, props);
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return object;
}
