// The Gatekeeper engine of ImageSignaturePolicy: its Rego passes `opa test` with the Ratify external
// data provider mocked, and the ConstraintTemplate validates against Gatekeeper's CRD schema.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { REPO_ROOT, tmpDir, toolsBin } from './containers';
import { synthToDir } from './matrix';
import { ImageSignaturePolicy, ImageSigner, PolicyEngine } from '../../src';
import { GATEKEEPER_REGO } from '../../src/policy/gatekeeper';

jest.setTimeout(600_000);

const bin = toolsBin();

test('the Rego passes its unit tests under opa test, with external_data mocked', () => {
  const dir = tmpDir('rego');
  fs.writeFileSync(path.join(dir, 'goldengosignedimages.rego'), GATEKEEPER_REGO);
  fs.copyFileSync(path.join(REPO_ROOT, 'test', 'rego', 'goldengosignedimages_test.rego'), path.join(dir, 'goldengosignedimages_test.rego'));
  // OPA's own builtins plus Gatekeeper's external_data.
  const caps = JSON.parse(spawnSync(path.join(bin, 'opa'), ['capabilities', '--current'], { encoding: 'utf8' }).stdout);
  caps.builtins.push(...JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'rego', 'capabilities-external-data.json'), 'utf8')).builtins);
  const capsFile = path.join(tmpDir('caps'), 'capabilities.json');
  fs.writeFileSync(capsFile, JSON.stringify(caps));
  const r = spawnSync(path.join(bin, 'opa'), ['test', '-v', '--capabilities', capsFile, dir], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toMatch(/PASS: 5\/5/);
  expect(r.status).toBe(0);
});

test('the ConstraintTemplate validates against the Gatekeeper CRD schema; the constraint and Ratify objects are as expected', () => {
  const { dir, files: paths } = synthToDir('gatekeeper', (app) => {
    const chart = new Chart(app, 'policies');
    new ImageSignaturePolicy(chart, 'orders', {
      repository: 'registry.example.com/acme/orders',
      engines: [PolicyEngine.GATEKEEPER_RATIFY],
      signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main'),
    });
    new ImageSignaturePolicy(chart, 'billing', {
      repository: 'registry.example.com/acme/billing',
      engines: [PolicyEngine.GATEKEEPER_RATIFY],
      signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/billing/.github/workflows/release.yml@refs/heads/main'),
    });
  });
  const files = paths.map((f) => path.basename(f));
  expect(files).toEqual(['ConstraintTemplate.goldengosignedimages.yaml', 'GoldenGoSignedImages.signed-registry-example-com-acme-billing.yaml',
    'GoldenGoSignedImages.signed-registry-example-com-acme-orders.yaml', 'Verifier.signed-registry-example-com-acme-billing-cosign.yaml',
    'Verifier.signed-registry-example-com-acme-orders-cosign.yaml']);
  const crds = path.join(REPO_ROOT, 'test', 'schemas', 'crds');
  const r = spawnSync(path.join(bin, 'kubeconform'), ['-strict', '-summary', '-schema-location', `${crds}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    path.join(dir, 'ConstraintTemplate.goldengosignedimages.yaml')], { encoding: 'utf8' });
  expect(r.stdout).toMatch(/Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0/);
});
