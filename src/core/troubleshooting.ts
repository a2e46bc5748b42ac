/**
 * Sections of docs/troubleshooting.md by rule id: errors and SARIF results point the user from a rule
 * to the symptom it prevents and its fix. A test keeps every anchor in step with the document.
 */
const SECTIONS: Record<string, string> = {
  B01: 'b01',
  B02: 'b01',
  B05: 'b06',
  B06: 'b06',
  B10: 'b10',
  B12: 'b12',
  B14: 'r06',
  B15: 'b15',
  R01: 'r14',
  R02: 'r02',
  R04: 'r04',
  R05: 'r05',
  R06: 'r06',
  R07: 'r07',
  R08: 'r08',
  R09: 'b15',
  R14: 'r14',
};

/** The document, relative to the repository (and the npm package) root. */
export const TROUBLESHOOTING_DOC = 'docs/troubleshooting.md';

/** `docs/troubleshooting.md#<anchor>` for a rule with a section; undefined otherwise. */
export function troubleshootingLink(ruleId: string): string | undefined {
  const anchor = SECTIONS[ruleId];
  return anchor ? `${TROUBLESHOOTING_DOC}#${anchor}` : undefined;
}

/** Every rule id with a section. */
export function rulesWithTroubleshooting(): string[] {
  return Object.keys(SECTIONS);
}
