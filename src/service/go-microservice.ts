import { ApiObject, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ADDRESS_LABEL_POINTER, autoscalerProps, deploymentProps, disruptionBudgetProps, networkPolicyProps, podUnderlay, serviceMonitorProps, serviceProps,
} from './builders';
import { buildServiceModel, objectMetadata } from './model';
import { RenderedDefaults } from './overlay';
import { GoMicroserviceProps } from './props';
import { Checklist } from '../checklist/checklist';
import { checkManifests, KUBERNETES_RULE_IDS } from '../checklist/checks';
import { displayFinding, RuleGate } from '../checklist/engine';
import { ImageReference } from '../image/image-reference';
import { ISignedService } from '../policy/image-signature-policy';
import { ImageSigner } from '../publish/image-signer';

/**
 * One Go service on Kubernetes: Deployment, Service, ServiceAccount, PodDisruptionBudget,
 * NetworkPolicy, optional HorizontalPodAutoscaler and ServiceMonitor, with every R rule of the golden
 * checklist as a default. Bad props fail at construction with the rule id and the prop.
 */
export class GoMicroservice extends Construct implements ISignedService {
  /** The Deployment (`ApiObject.of(this)` reaches its KubeDeployment). */
  public readonly deployment: kplus.Deployment;
  /** The ClusterIP Service. */
  public readonly service: kplus.k8s.KubeService;
  /** The ServiceAccount (token automount off). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy. */
  public readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;
  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The ServiceMonitor, when `monitoring` asks for one. */
  public readonly serviceMonitor?: ApiObject;
  /** The name of every object. */
  public readonly name: string;
  /** The namespace of every object. */
  public readonly namespace: string;
  /** The image. */
  public readonly image: ImageReference;
  /** The expected signer of the image, when given. */
  public readonly signer?: ImageSigner;
  /** Labels on every object (`app.kubernetes.io/*`, R15). */
  public readonly labels: Record<string, string>;
  /** Labels the Deployment, Service, PDB and NetworkPolicy select pods by. */
  public readonly selectorLabels: Record<string, string>;
  /** The environment the container gets, as rendered. */
  public readonly environment: Record<string, string>;
  /** Checklist warnings (rule id first). */
  public readonly warnings: string[] = [];
  /** Effective termination grace period in seconds. */
  public readonly terminationGracePeriodSeconds: number;
  /** Target Kubernetes release. */
  public readonly kubernetesVersion: string;
  private readonly gate: RuleGate;

  constructor(scope: Construct, id: string, props: GoMicroserviceProps) {
    super(scope, id);
    this.image = props.image;
    this.signer = props.signer;
    for (const [ruleId, reason] of Object.entries(props.suppressions ?? {})) Checklist.suppress(this, ruleId, reason);
    this.gate = new RuleGate(Checklist._suppressions(this), this.node.path);
    const model = buildServiceModel(props, { id, chartNamespace: Chart.of(this).namespace }, this.gate);
    // A probe declared absent (AppProbe.none) is a suppression of R02 for that probe, with its reason.
    for (const p of model.probes._absent()) Checklist.suppress(this, 'R02', p.reason, { appliesTo: [`spec.template.spec.containers[app].${p.field}`] });
    this.name = model.name;
    this.namespace = model.namespace;
    this.kubernetesVersion = model.kubernetesVersion;
    this.labels = model.labels;
    this.selectorLabels = model.selectorLabels;
    this.terminationGracePeriodSeconds = model.shutdown.graceSeconds;
    this.environment = Object.fromEntries(Object.entries(model.env)
      .map(([k, v]) => [k, v.value ?? `(from ${k === 'GOMAXPROCS' ? 'limits.cpu' : 'a reference'})`]));

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: objectMetadata(model), automountToken: false });
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(model.tmpSizeMiB) });
    const writable = model.writableDirs.map((d, i) => kplus.Volume.fromEmptyDir(this, `writable-${i}`, `writable-${i}`, {
      sizeLimit: Size.mebibytes(d.sizeMiB), medium: d.inMemory ? kplus.EmptyDirMedium.MEMORY : undefined,
    }));
    this.deployment = new kplus.Deployment(this, 'Resource', deploymentProps(model, this.serviceAccount, { tmp, writable }));
    this.deployment.select(kplus.LabelSelector.of({ labels: model.selectorLabels }));
    for (const [i, s] of model.secretFiles.entries()) {
      const secret = kplus.Secret.fromSecretName(this, `secret-ref-${i}`, s.secretName);
      this.deployment.containers[0].mount(s.mountPath, kplus.Volume.fromSecret(this, `secret-${i}`, secret, { defaultMode: 0o440 }), { readOnly: true });
    }
    const defaults = new RenderedDefaults(ApiObject.of(this.deployment));
    defaults.remove(ADDRESS_LABEL_POINTER);
    for (const [path, fields] of podUnderlay(model)) defaults.underlay(path, fields);

    this.service = new kplus.k8s.KubeService(this, 'Service', serviceProps(model));
    this.podDisruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', disruptionBudgetProps(model));
    const hpa = autoscalerProps(model, this.deployment);
    if (hpa) this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'HorizontalPodAutoscaler', hpa);
    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', networkPolicyProps(model));
    const monitor = serviceMonitorProps(model);
    if (monitor) this.serviceMonitor = new ApiObject(this, 'ServiceMonitor', monitor);

    this.warnings.push(...this.gate.warnings.map(displayFinding));
    Checklist._annotate(this);
    Checklist._register(this);
    // After every toJson hook of construction (RenderedDefaults): what is kept is the final object.
    for (const o of this.node.findAll().filter(ApiObject.isApiObject)) Checklist._reuseRendering(o);
  }

  /**
   * The rendered objects against the workload rules, plus what construction noticed or was allowed.
   * @internal
   */
  public _checklist() {
    const objects = this.node.findAll().filter(ApiObject.isApiObject).map((o) => Checklist._render(o));
    const raw = checkManifests(objects, { kubernetesVersion: this.kubernetesVersion });
    // A construct-time warning stands for its rule only when the output check did not see the rule.
    const seen = new Set(raw.map((r) => r.ruleId));
    return {
      raw: [...raw, ...this.gate.warnings.filter((w) => !seen.has(w.ruleId)), ...this.gate.suppressed],
      ruleIds: KUBERNETES_RULE_IDS,
    };
  }
}
