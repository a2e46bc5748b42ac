#!/usr/bin/env node
// Prints a code block of README.md exactly as written, so the onboarding tests run what a newcomer
// copies and the documentation cannot drift from what is tested.
// usage: node scripts/readme-example.js README.md "Getting started" ts [N]
//   the N-th (1-based, default 1) ```<lang> block in the section under the heading "Getting started"
//   (up to the next heading of the same or a higher level). Exits 1 naming what is missing.
const fs = require('fs');

function readmeExample(text, heading, lang, n = 1) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = lines[start].match(/^#+/)[0].length;
  const blocks = [];
  let current;
  let fence;
  for (const line of lines.slice(start + 1)) {
    if (current === undefined) {
      const m = line.match(/^(```+)(\S*)\s*$/);
      if (m) {
        fence = m[1];
        current = m[2] === lang ? [] : null;
        continue;
      }
      const h = line.match(/^(#+) /);
      if (h && h[1].length <= level) break;
    } else if (line === fence) {
      if (current) blocks.push(current.join('\n') + '\n');
      current = undefined;
    } else if (current) {
      current.push(line);
    }
  }
  if (blocks.length < n) throw new Error(`"${heading}" has ${blocks.length} \`\`\`${lang} block(s), not ${n}`);
  return blocks[n - 1];
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

/** Every ```<lang> block of the whole text, with the line its fence opens on (1-based). */
function allExamples(text, lang) {
  const out = [];
  let current;
  let fence;
  text.split('\n').forEach((line, i) => {
    if (current === undefined) {
      const m = line.match(/^(```+)(\S*)\s*$/);
      if (m) {
        fence = m[1];
        current = m[2] === lang ? { line: i + 1, lines: [] } : null;
      }
    } else if (line === fence) {
      if (current) out.push({ line: current.line, code: current.lines.join('\n') + '\n' });
      current = undefined;
    } else if (current) {
      current.lines.push(line);
    }
  });
  return out;
}

module.exports = { readmeExample, allExamples };
