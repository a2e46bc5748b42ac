// pulumi (layer): may import every layer but cli.
// golden-go for Pulumi: the same renderer, rules and manifests as the cdk8s constructs, as Pulumi
// ComponentResources. Outside the jsii assembly (src/index.ts does not export it), so Pulumi types
// can appear here. Needs @pulumi/pulumi, @pulumi/docker and (for GoMicroservice) @pulumi/kubernetes.
import * as os from 'os';
import * as path from 'path';
// Optional: Pulumi users install these; they cannot be jsii peer dependencies (not jsii modules).
/* eslint-disable import/no-extraneous-dependencies */
import * as docker from '@pulumi/docker';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
/* eslint-enable import/no-extraneous-dependencies */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { GoImageRenderer } from '../image/dockerfile';
import { writeImageFiles } from '../image/files';
import { ImageReference } from '../image/image-reference';
import { HardenedGoImageProps } from '../image/props';
import { GoMicroservice as CdkGoMicroservice } from '../service/go-microservice';
import { GoMicroserviceProps as CdkGoMicroserviceProps, GoldenAnnotations } from '../service/props';

export type { HardenedGoImageProps };

/** Arguments of the Pulumi `HardenedGoImage`. */
export interface HardenedGoImageArgs {
  /** The same props as the cdk8s construct: the module, the bases, the rules' options. */
  readonly image: HardenedGoImageProps;
  /** Directory the Dockerfile and .dockerignore are written to; never a hand-written Dockerfile's. */
  readonly buildDirectory: string;
  /** Registry credentials for the push. */
  readonly registry?: pulumi.Input<docker.types.input.Registry>;
  /** Build without pushing (then `repoDigest` is the local image id). Default false. */
  readonly skipPush?: boolean;
  /** Extra or overriding build arguments (mirrored bases, a GOPROXY); secrets do not belong here (B08). */
  readonly buildArgs?: Record<string, pulumi.Input<string>>;
}

/**
 * Renders the hardened Dockerfile with golden-go's renderer and builds/pushes it with
 * `@pulumi/docker` (one `docker.Image` per platform: that provider builds one platform per image).
 * `imageRef` is `repository:tag@sha256:…` of the first platform, ready for `GoMicroservice`.
 */
export class HardenedGoImage extends pulumi.ComponentResource {
  /** `repository:tag@sha256:…` of the first platform's pushed image. */
  public readonly imageRef: pulumi.Output<string>;
  /** `repository@sha256:…` of the first platform's image. */
  public readonly repoDigest: pulumi.Output<string>;
  /** `repository:tag@sha256:…` per platform. */
  public readonly platformRefs: Record<string, pulumi.Output<string>>;
  /** The `docker.Image` resources, one per platform. */
  public readonly images: docker.Image[];
  /** Path of the generated Dockerfile. */
  public readonly dockerfile: string;

  constructor(name: string, args: HardenedGoImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('golden-go:index:HardenedGoImage', name, {}, opts);
    // Rule violations throw here, with the same `[Bxx] prop: …` message as a cdk8s synth: preview fails.
    const rendering = GoImageRenderer.render(args.image);
    for (const w of rendering.warnings) void pulumi.log.warn(`golden-go ${w}`, this);
    writeImageFiles(args.buildDirectory, args.image.name, rendering, `HardenedGoImage ${name}`);
    this.dockerfile = path.join(args.buildDirectory, 'Dockerfile');
    const repository = args.image.imageName ?? args.image.name;
    const tag = args.image.version ?? 'dev';
    const multi = rendering.platforms.length > 1;
    this.platformRefs = {};
    this.images = rendering.platforms.map((platform) => {
      const suffix = multi ? `-${platform.split('/').slice(1).join('-')}` : '';
      const img = new docker.Image(`${name}${suffix}`, {
        imageName: `${repository}:${tag}${suffix}`,
        build: {
          context: args.image.context ?? '.',
          dockerfile: this.dockerfile,
          platform,
          args: { ...rendering.buildArgs, ...(args.buildArgs ?? {}) },
        },
        registry: args.registry,
        skipPush: args.skipPush ?? false,
      }, { parent: this });
      this.platformRefs[platform] = pulumi.interpolate`${repository}:${tag}${suffix}@${img.repoDigest.apply(digestOf)}`;
      return img;
    });
    this.repoDigest = this.images[0].repoDigest;
    this.imageRef = this.platformRefs[rendering.platforms[0]];
    this.registerOutputs({ imageRef: this.imageRef, repoDigest: this.repoDigest, platformRefs: this.platformRefs });
  }
}

function digestOf(repoDigest: string): string {
  const m = /(sha256:[0-9a-f]{64})$/.exec(repoDigest ?? '');
  if (!m) throw new Error(`[R01] image: "${repoDigest}" carries no sha256 digest; push the image (skipPush: false) so it can be pinned`);
  return m[1];
}

/** The cdk8s props of `GoMicroservice` without the image, which may be a Pulumi output here. */
export type GoMicroserviceServiceProps = Omit<CdkGoMicroserviceProps, 'image'>;

/** Arguments of the Pulumi `GoMicroservice`. */
export interface GoMicroserviceArgs {
  /** `repository[:tag]@sha256:…`: a plain string or `HardenedGoImage.imageRef`. */
  readonly image: pulumi.Input<string>;
  /** Everything else, as for the cdk8s construct (namespace is required). */
  readonly service: GoMicroserviceServiceProps & { readonly namespace: string };
  /** Kubernetes provider for the objects. */
  readonly provider?: k8s.Provider;
}

const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

/**
 * Synthesizes golden-go's cdk8s `GoMicroservice` in memory and deploys the objects with
 * `@pulumi/kubernetes`: the manifests and the checklist are exactly the cdk8s ones. When the image is
 * a Pulumi output (a build), the Deployment's image and digest annotation follow it.
 */
export class GoMicroservice extends pulumi.ComponentResource {
  /** The Kubernetes resources, by `Kind/name`. */
  public readonly resources: Record<string, pulumi.CustomResource>;
  /** The image the Deployment runs. */
  public readonly image: pulumi.Output<string>;

  constructor(name: string, args: GoMicroserviceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('golden-go:index:GoMicroservice', name, {}, opts);
    const known = typeof args.image === 'string' ? ImageReference.parse(args.image) : undefined;
    if (!known && !args.service.version) {
      throw new Error('service.version: required when image is a Pulumi output (the app.kubernetes.io/version label cannot wait for the build)');
    }
    const placeholder = ImageReference.fromDigest('golden-go.invalid/placeholder', PLACEHOLDER_DIGEST, 'placeholder');
    // Errors (construct-time or on the output) throw here with the cdk8s messages: preview fails.
    const objects = synthesize(name, args.service, known ?? placeholder);
    this.image = pulumi.output(args.image).apply((ref) => ImageReference.parse(ref).toString());
    const digest = this.image.apply((ref) => ImageReference.parse(ref).digest!);
    this.resources = {};
    for (const obj of objects) {
      const key = `${obj.kind}/${obj.metadata.name}`;
      const resourceName = `${name}-${obj.kind.toLowerCase()}`;
      const o = { parent: this, provider: args.provider };
      let resource: pulumi.CustomResource;
      switch (obj.kind) {
        case 'Deployment': {
          if (!known) {
            obj.spec.template.spec.containers[0].image = this.image;
            obj.spec.template.metadata.annotations[GoldenAnnotations.IMAGE_DIGEST] = digest;
            obj.spec.template.metadata.annotations[GoldenAnnotations.IMAGE_REPOSITORY] =
              this.image.apply((ref) => ImageReference.parse(ref).repository);
          }
          resource = new k8s.apps.v1.Deployment(resourceName, obj, o);
          break;
        }
        case 'Service': resource = new k8s.core.v1.Service(resourceName, obj, o); break;
        case 'ServiceAccount': resource = new k8s.core.v1.ServiceAccount(resourceName, obj, o); break;
        case 'PodDisruptionBudget': resource = new k8s.policy.v1.PodDisruptionBudget(resourceName, obj, o); break;
        case 'NetworkPolicy': resource = new k8s.networking.v1.NetworkPolicy(resourceName, obj, o); break;
        case 'HorizontalPodAutoscaler': resource = new k8s.autoscaling.v2.HorizontalPodAutoscaler(resourceName, obj, o); break;
        default: resource = new k8s.apiextensions.CustomResource(resourceName, obj, o);
      }
      this.resources[key] = resource;
    }
    this.registerOutputs({ image: this.image });
  }
}

/** The cdk8s objects of one service, validated (construct checks and checklist) as in `cdk8s synth`. */
function synthesize(name: string, service: GoMicroserviceServiceProps, image: ImageReference): any[] {
  const app = new App({ outdir: path.join(os.tmpdir(), 'golden-go-pulumi'), yamlOutputType: YamlOutputType.FILE_PER_APP });
  const chart = new Chart(app, name, { disableResourceNameHashes: true });
  new CdkGoMicroservice(chart, service.name ?? name, { ...service, image });
  return chart.toJson();
}
