import { BUILD_RULES, checkDockerignoreText } from './build-rules';
import { buildImageModel, ImageModel } from './image-model';
import { RawFinding, RuleSeverity, runChecks } from './rule';
import { CATALOG } from './rules';
import { buildWorkloadModel, WorkloadModel } from './workload-model';

/** Rule ids with a check on the image model. */
export const IMAGE_RULE_IDS = CATALOG.filter((r) => r.image).map((r) => r.id);
/** Rule ids with a check on the workload model. */
export const KUBERNETES_RULE_IDS = CATALOG.filter((r) => r.workload).map((r) => r.id);

/** Every image rule on a model. */
export function checkImage(model: ImageModel): RawFinding[] {
  return runChecks(CATALOG, (r) => r.image, model);
}

/** Every workload rule on a model. */
export function checkWorkload(model: WorkloadModel): RawFinding[] {
  return runChecks(CATALOG, (r) => r.workload, model);
}

/** The image rules on Dockerfile text (and, when known, its .dockerignore). */
export function checkDockerfile(text: string, dockerignore?: string | null): RawFinding[] {
  const model = buildImageModel(text, dockerignore);
  if (!model) return [{ ruleId: 'B21', message: 'no FROM instruction: this is not a Dockerfile golden-go can check', line: 1, severity: RuleSeverity.WARNING }];
  return checkImage(model);
}

/** B04 on a lone .dockerignore. */
export function checkDockerignore(text: string): RawFinding[] {
  const out: RawFinding[] = [];
  const b04 = BUILD_RULES.find((r) => r.id === 'B04')!;
  checkDockerignoreText(text, (f) => out.push({ ruleId: b04.id, ...f }));
  return out;
}

/** The workload rules on a set of Kubernetes objects. */
export function checkManifests(objects: any[], options: { readonly kubernetesVersion: string }): RawFinding[] {
  return checkWorkload(buildWorkloadModel(objects, options.kubernetesVersion));
}
