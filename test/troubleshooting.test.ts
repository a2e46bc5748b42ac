import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GoMicroservice, ImageReference } from '../src';
import { ChecklistRules } from '../src/checklist/rules';
import { rulesWithTroubleshooting, troubleshootingLink, TROUBLESHOOTING_DOC } from '../src/core/troubleshooting';

const doc = fs.readFileSync(path.join(__dirname, '..', TROUBLESHOOTING_DOC), 'utf8');
const anchors = new Set([...doc.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]));

test('every rule link points at a section of docs/troubleshooting.md, and every rule linked exists', () => {
  const ruleIds = new Set(ChecklistRules.all().map((r) => r.id));
  for (const id of rulesWithTroubleshooting()) {
    expect(ruleIds.has(id)).toBe(true);
    expect(anchors.has(troubleshootingLink(id)!.split('#')[1])).toBe(true);
  }
  // The symptom table links only to sections that exist.
  for (const m of doc.matchAll(/\]\(#([a-z0-9-]+)\)/g)) expect(anchors.has(m[1])).toBe(true);
  expect(troubleshootingLink('B17')).toBeUndefined();
});

test('a construct error names the rule and links its troubleshooting section', () => {
  const image = ImageReference.fromDigest('registry.example.com/acme/svc', `sha256:${'a'.repeat(64)}`, '1.0.0');
  expect(() => new GoMicroservice(Testing.chart(), 'svc', { image, namespace: 'shop', goMemLimitRatio: 2 }))
    .toThrow(/^\[R04\] goMemLimitRatio: .* \(see docs\/troubleshooting\.md#r04\)$/);
});
