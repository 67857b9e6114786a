// Archives as gzip CSV files made durable before anything they hold is deleted: written to a
// temporary file, fsynced, renamed into place, and the directory fsynced.
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface Archive {
  /** Writes `lines` (a header first) to `name` under the archive directory; answers the file's path. */
  write(name: string, lines: AsyncIterable<string>): Promise<string>;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function gzipArchive(directory: string): Archive {
  return {
    async write(name, lines) {
      mkdirSync(directory, { recursive: true });
      const file = join(directory, name);
      const partial = `${file}.partial`;
      const out = createWriteStream(partial);
      await pipeline(Readable.from(lines), createGzip(), out);
      if (!out.closed) await once(out, 'close');
      // The rows are deleted next: their copy must survive a crash or a power cut.
      await fsyncPath(partial);
      await rename(partial, file);
      await fsyncPath(dirname(file));
      return file;
    },
  };
}
