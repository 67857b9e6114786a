// Progress of long work: a bar on a terminal, a log line every few seconds otherwise (CI, pipes, files).
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  increment(by: number): void;
  /** Moves to an absolute position (a second pass may start again from 0). */
  update(done: number): void;
  /** Replaces the total when it becomes known or changes. */
  setTotal(total: number): void;
  stop(): void;
}

const LOG_EVERY_MS = 5_000;

export function progress(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream, hideCursor: true }, Presets.shades_classic);
    bar.start(total, 0);
    return { increment: (by) => bar.increment(by), update: (done) => bar.update(done), setTotal: (t) => bar.setTotal(t), stop: () => bar.stop() };
  }
  let done = 0;
  let lastLog = Date.now();
  const line = () => stream.write(`${label}: ${done}/${total} ${unit} (${total > 0 ? Math.floor((done / total) * 100) : 100}%)\n`);
  // A first line at once: a log shows the work started (and how big it is) before the first interval.
  line();
  const moveTo = (value: number) => {
    done = value;
    if (Date.now() - lastLog >= LOG_EVERY_MS) {
      lastLog = Date.now();
      line();
    }
  };
  return {
    increment: (by) => moveTo(done + by),
    update: moveTo,
    setTotal(t) { total = t; },
    stop() { line(); },
  };
}
