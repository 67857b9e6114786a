// The files `stockmind import <file|dir>` reads: a file, or every *.csv / *.txt under a directory.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const DATA_FILE_RE = /\.(csv|txt)$/i;

/** A file, or every *.csv / *.txt under a directory (recursive, hidden entries skipped, sorted). */
export async function listCsvFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  if (!info.isDirectory()) throw new Error(`${path} is neither a file nor a directory`);
  const files: string[] = [];
  await collectFiles(path, files);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function collectFiles(dir: string, into: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      await collectFiles(full, into);
    } else if (DATA_FILE_RE.test(entry.name)) {
      // Symlinks are followed to files only (a linked directory could loop).
      if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile())) {
        into.push(full);
      }
    }
  }
}
