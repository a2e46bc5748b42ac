/** How a rule violation is treated. */
export enum RuleSeverity {
  /** Synth (and `golden-go audit`) fails unless the rule is suppressed with a written reason. */
  ERROR = 'error',
  /** Reported. */
  WARNING = 'warning',
}

/** What a rule is checked on. */
export enum RuleTarget {
  /** The Dockerfile and .dockerignore (`HardenedGoImage`, audited Dockerfiles). */
  IMAGE = 'image',
  /** The Kubernetes objects (`GoMicroservice`, audited manifests). */
  KUBERNETES = 'kubernetes',
}

/** One rule of the golden checklist. */
export interface ChecklistRule {
  /** Stable id, B01–B21 or R01–R17. */
  readonly id: string;
  /** Short title. */
  readonly title: string;
  /** Severity of a violation. */
  readonly severity: RuleSeverity;
  /** What the rule is checked on. */
  readonly target: RuleTarget;
  /** Why it matters. */
  readonly rationale: string;
  /** Where it comes from (seed section or primary source). */
  readonly source: string;
  /** How to fix a violation. */
  readonly remediation: string;
  /**
   * Why no suppression can cover this rule, for the rules that protect everyone downstream.
   * @default - suppressible with a written reason
   */
  readonly neverSuppressible?: string;
}
