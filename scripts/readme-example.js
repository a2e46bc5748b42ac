#!/usr/bin/env node
// Prints a code block of README.md exactly as written, so the onboarding tests run what a newcomer
// copies and the documentation cannot drift from what is tested.
// usage: node scripts/readme-example.js README.md "Getting started" ts [N]
//   the N-th (1-based, default 1) ```<lang> block in the section under the heading "Getting started"
//   (up to the next heading of the same or a higher level). Exits 1 naming what is missing.
const fs = require('fs');

/** Every fenced block of the text: its language, the lines of its opening and closing fence (1-based), its code. */
function fencedBlocks(text) {
  const out = [];
  let current;
  text.split('\n').forEach((line, i) => {
    if (current === undefined) {
      const m = line.match(/^(```+)(\S*)\s*$/);
      if (m) current = { fence: m[1], lang: m[2], line: i + 1, lines: [] };
    } else if (line === current.fence) {
      out.push({ lang: current.lang, line: current.line, end: i + 1, code: current.lines.join('\n') + '\n' });
      current = undefined;
    } else {
      current.lines.push(line);
    }
  });
  return out;
}

/** Every ```<lang> block of the whole text, with the line its fence opens on (1-based). */
function allExamples(text, lang) {
  return fencedBlocks(text).filter((b) => b.lang === lang).map(({ line, code }) => ({ line, code }));
}

function readmeExample(text, heading, lang, n = 1) {
  const lines = text.split('\n');
  const blocks = fencedBlocks(text);
  // A `#` line inside a code block (a shell comment) is no heading.
  const inBlock = (i) => blocks.some((b) => i + 1 > b.line && i + 1 < b.end);
  const start = lines.findIndex((l, i) => !inBlock(i) && /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = lines[start].match(/^#+/)[0].length;
  // The section ends at the next heading of the same or a higher level.
  const next = lines.findIndex((l, i) => i > start && !inBlock(i) && (l.match(/^(#+) /)?.[1].length ?? Infinity) <= level);
  const end = next < 0 ? lines.length : next;
  const mine = blocks.filter((b) => b.lang === lang && b.line > start + 1 && b.line <= end);
  if (mine.length < n) throw new Error(`"${heading}" has ${mine.length} \`\`\`${lang} block(s), not ${n}`);
  return mine[n - 1].code;
}

if (require.main === module) {
  const [file, heading, lang, n] = process.argv.slice(2);
  try {
    process.stdout.write(readmeExample(fs.readFileSync(file, 'utf8'), heading, lang, Number(n ?? 1)));
  } catch (e) {
    process.stderr.write(`readme-example: ${file}: ${e.message}\n`);
    process.exit(1);
  }
}

module.exports = { readmeExample, allExamples };
