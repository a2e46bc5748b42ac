import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { renderGoImage } from './dockerfile';
import { writeImageFiles } from './files';
import { HardenedGoImageProps } from './props';
import { Checklist } from '../checklist/checklist';
import { checkDockerfile, IMAGE_RULE_IDS } from '../checklist/checks';
import { RawFinding } from '../checklist/rule';
import { goDirectiveOf } from '../core/go-mod';

/**
 * A hardened multi-stage Dockerfile for a Go module, with its .dockerignore, build arguments and
 * build commands. Rendering is pure and happens in the constructor, so bad props fail the synth;
 * nothing is built at synth time. `writeFiles()` puts the files where a build can use them.
 */
export class HardenedGoImage extends Construct {
  /** The Dockerfile text. */
  public readonly dockerfile: string;
  /** The .dockerignore text. */
  public readonly dockerignore: string;
  /** Build arguments and their values. */
  public readonly buildArgs: Record<string, string>;
  /** Target platforms. */
  public readonly platforms: string[];
  /** `docker buildx build` argv. */
  public readonly buildxCommand: string[];
  /** `buildah bud` argv. */
  public readonly buildahCommand: string[];
  /** Checklist warnings (rule id first). */
  public readonly warnings: string[];
  /** Error-rule violations allowed by a suppression (rule id first). */
  public readonly suppressedViolations: string[];
  /**
   * The `go` directive of the module's go.mod (the goModGoVersion prop, or read from `<context>/go.mod`);
   * pass it to `GoMicroservice` as goModGoVersion so GOMAXPROCS follows the module, not the toolchain (R05).
   */
  public readonly goModGoVersion?: string;
  /** The props the image was rendered from. */
  public readonly props: HardenedGoImageProps;
  /** What rendering noticed or was allowed, typed. */
  private readonly constructFindings: RawFinding[];

  constructor(scope: Construct, id: string, props: HardenedGoImageProps) {
    super(scope, id);
    this.props = props;
    for (const [ruleId, reason] of Object.entries(props.suppressions ?? {})) Checklist.suppress(this, ruleId, reason);
    const suppressions = Checklist._suppressions(this);
    this.goModGoVersion = props.goModGoVersion ?? readGoDirective(props.context ?? '.');
    const rendered = { ...props, goModGoVersion: this.goModGoVersion, suppressions: Checklist.suppressionsFor(this) };
    const { rendering, warnings, suppressed } = renderGoImage(rendered, suppressions, this.node.path);
    this.constructFindings = [...warnings, ...suppressed];
    this.dockerfile = rendering.dockerfile;
    this.dockerignore = rendering.dockerignore;
    this.buildArgs = rendering.buildArgs;
    this.platforms = rendering.platforms;
    this.buildxCommand = rendering.buildxCommand;
    this.buildahCommand = rendering.buildahCommand;
    this.warnings = rendering.warnings;
    this.suppressedViolations = rendering.suppressedViolations;
    Checklist._register(this);
  }

  /**
   * The rendered Dockerfile and .dockerignore against the image rules, plus what rendering noticed.
   * @internal
   */
  public _checklist() {
    const raw = checkDockerfile(this.dockerfile, this.dockerignore);
    // A construct-time warning stands for its rule only when the output check did not see the rule.
    const seen = new Set(raw.map((r) => r.ruleId));
    return {
      raw: [...raw, ...this.constructFindings.filter((f) => f.severity === 'error' || !seen.has(f.ruleId))],
      ruleIds: IMAGE_RULE_IDS,
    };
  }

  /**
   * Writes `Dockerfile`, `.dockerignore`, `Dockerfile.dockerignore` (picked up by BuildKit when the
   * Dockerfile is outside the context) and `image.json` (build arguments, platforms, commands,
   * warnings) into `directory`. A Dockerfile or ignore file that golden-go did not write is never
   * overwritten: that is an error.
   *
   * @returns the paths written
   */
  public writeFiles(directory: string): string[] {
    return writeImageFiles(directory, this.props.name, this, `HardenedGoImage ${this.node.path}`);
  }
}

/** The `go` line of `<context>/go.mod`, or undefined when the context holds no go.mod (for example a CI-only path). */
function readGoDirective(context: string): string | undefined {
  const file = path.join(context, 'go.mod');
  if (!fs.existsSync(file)) return undefined;
  return goDirectiveOf(fs.readFileSync(file, 'utf8'), `goModGoVersion (read from ${file})`);
}
