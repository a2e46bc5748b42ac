// checklist: the golden checklist as data (rules B01–B21, R01–R17, each with one check), the engine
// that runs them on final outputs once per synth, suppressions, typed findings and their reports,
// and `audit` of foreign Dockerfiles and manifests (with the parsers it needs).
// May import: core. Never: image, service, policy, publish, cli, pulumi (they feed it models).
export * from './severity';
export { ChecklistRules } from './rules';
export * from './checklist';
