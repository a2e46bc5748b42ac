import * as fs from 'fs';
import * as path from 'path';
import type { GoImageRendering } from './dockerfile';
import { GENERATED_MARKER } from '../core/constants';

/**
 * Writes `Dockerfile`, `.dockerignore`, `Dockerfile.dockerignore` (read by BuildKit when the
 * Dockerfile is outside the context) and `image.json` into `directory`. A Dockerfile or ignore file
 * that golden-go did not write is never overwritten: that is an error naming `owner`.
 */
export function writeImageFiles(directory: string, name: string, rendering: GoImageRendering, owner: string): string[] {
  const files: Array<[string, string]> = [
    ['Dockerfile', rendering.dockerfile],
    ['.dockerignore', rendering.dockerignore],
    ['Dockerfile.dockerignore', rendering.dockerignore],
    ['image.json', JSON.stringify({
      name,
      buildArgs: rendering.buildArgs,
      platforms: rendering.platforms,
      buildxCommand: rendering.buildxCommand,
      buildahCommand: rendering.buildahCommand,
      warnings: rendering.warnings,
    }, undefined, 2) + '\n'],
  ];
  for (const [file] of files) {
    const target = path.join(directory, file);
    if (file !== 'image.json' && fs.existsSync(target) && !fs.readFileSync(target, 'utf8').includes(GENERATED_MARKER)) {
      throw new Error(`${owner}: refusing to overwrite ${target}, which golden-go did not generate (no "${GENERATED_MARKER}" marker). Move it away or write the generated files to another directory`);
    }
  }
  fs.mkdirSync(directory, { recursive: true });
  return files.map(([file, text]) => {
    const target = path.join(directory, file);
    fs.writeFileSync(target, text);
    return target;
  });
}
