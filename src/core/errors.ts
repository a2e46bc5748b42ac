import { troubleshootingLink } from './troubleshooting';

/**
 * Render-time violations of the golden checklist. The message always starts with the rule id and
 * the prop that broke it, so a failed synth tells the user what to change without a stack dive.
 */
export function ruleError(ruleId: string, prop: string, message: string): Error {
  const link = troubleshootingLink(ruleId);
  return new Error(`[${ruleId}] ${prop}: ${message}${link ? ` (see ${link})` : ''}`);
}

/** A value that is not one of the allowed ones. */
export function invalidValue(prop: string, value: unknown, allowed: string): Error {
  return new Error(`${prop}: ${JSON.stringify(value)} is not valid; allowed: ${allowed}`);
}
