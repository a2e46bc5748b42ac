#!/usr/bin/env node
// Converts a Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json of k8s.io/kubernetes) into
// per-kind JSON Schemas in the layout kubeconform reads:
//   <out>/<group>/<kind>_<version>.json   (core kinds: <out>/v1/<kind>_v1.json)
// Strict like kubeconform's "-strict" schemas: every object with declared properties rejects unknown
// ones. IntOrString and Quantity accept strings and numbers, as the API server does.
// Usage: node scripts/openapi2jsonschema.js swagger.json outdir
'use strict';
const fs = require('fs');
const path = require('path');

const [swaggerPath, outDir] = process.argv.slice(2);
if (!swaggerPath || !outDir) {
  console.error('usage: openapi2jsonschema.js swagger.json outdir');
  process.exit(2);
}
const defs = JSON.parse(fs.readFileSync(swaggerPath, 'utf8')).definitions;
const REF = '#/definitions/';

function fix(schema) {
  if (Array.isArray(schema)) return schema.map(fix);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref') out.$ref = v;
    else if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, fix(s)]));
    else if (typeof v === 'object') out[k] = fix(v);
    else out[k] = v;
  }
  if (out.format === 'int-or-string') {
    delete out.type;
    delete out.format;
    out.oneOf = [{ type: 'string' }, { type: 'integer' }];
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const fixed = {};
for (const [name, schema] of Object.entries(defs)) {
  fixed[name] = fix(schema);
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    fixed[name] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
}

function reachable(root) {
  const seen = new Set([root]);
  const stack = [fixed[root]];
  while (stack.length) {
    const s = stack.pop();
    JSON.stringify(s, (k, v) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) {
        const n = v.slice(REF.length);
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(fixed[n]);
        }
      }
      return v;
    });
  }
  return seen;
}

let written = 0;
for (const [name, schema] of Object.entries(fixed)) {
  for (const gvk of defs[name]['x-kubernetes-group-version-kind'] || []) {
    const kind = gvk.kind.toLowerCase();
    // kubeconform's {{.Group}} is the part of apiVersion before "/", so core kinds live under v1/.
    const dir = path.join(outDir, gvk.group || gvk.version);
    fs.mkdirSync(dir, { recursive: true });
    const definitions = {};
    for (const n of reachable(name)) definitions[n] = fixed[n];
    const doc = { ...schema, definitions };
    // apiVersion/kind must name this very schema.
    if (doc.properties) {
      doc.properties = { ...doc.properties,
        apiVersion: { type: 'string', enum: [gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version] },
        kind: { type: 'string', enum: [gvk.kind] } };
    }
    fs.writeFileSync(path.join(dir, `${kind}_${gvk.version}.json`), JSON.stringify(doc));
    written++;
  }
}
console.error(`openapi2jsonschema: ${written} schemas in ${outDir}`);
