#!/usr/bin/env node
// Prints the totals of every test report in a directory: jest JSON (`--json --outputFile`) and
// `go test -json` streams (*.jsonl). A jest suite that failed to load counts as a failure, because it
// ran no test that could fail. The last line is `N passed, N failed, N skipped`.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'test-reports';
const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
const total = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function jest(file) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0);
  for (const s of r.testResults) {
    for (const a of s.assertionResults) if (a.status === 'failed') failures.push(`${path.relative(process.cwd(), s.name)}: ${a.fullName}`);
  }
  for (const s of brokenSuites) failures.push(`${path.relative(process.cwd(), s.name)}: suite failed to run: ${(s.message || '').split('\n').find((l) => l.trim()) || ''}`);
  return { passed: r.numPassedTests, failed: r.numFailedTests + brokenSuites.length, skipped: r.numPendingTests + r.numTodoTests };
}

function goTest(file) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line);
    if (!e.Test) {
      if (e.Action === 'fail') { counts.failed++; failures.push(`${e.Package}: package failed`); }
      continue;
    }
    if (e.Action === 'pass') counts.passed++;
    else if (e.Action === 'skip') counts.skipped++;
    else if (e.Action === 'fail') { counts.failed++; failures.push(`${e.Package}: ${e.Test}`); }
  }
  return counts;
}

console.log('\n=== test totals');
for (const f of files) {
  const file = path.join(dir, f);
  let c;
  try {
    if (f.endsWith('.json')) c = jest(file);
    else if (f.endsWith('.jsonl')) c = goTest(file);
    else continue;
  } catch (e) {
    console.log(`${f}: unreadable report (${e.message})`);
    total.failed++;
    continue;
  }
  console.log(`${f}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  for (const k of Object.keys(total)) total[k] += c[k];
}
if (failures.length) console.log(`failed:\n  ${failures.join('\n  ')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
