/** Where the project lives on disk, for the tools that write into it (npm run template, npm run bench). */
import { existsSync } from 'fs';
import { dirname, join } from 'path';

/** The project root: the nearest folder above `from` holding package.json (works from the sources and from dist/). */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
