// run_market_scanner: at the close of each trading day, every active symbol on each timeframe.
import type { ScannerService } from '../services/scanner/service.ts';
import type { JobHandler } from './runner.ts';

export function runMarketScanner(scanner: ScannerService): JobHandler {
  return async (run) => {
    const scans = await scanner.scanAll(run.log);
    return Object.fromEntries(scans.map((scan) => [scan.timeframe, scan.scanned]));
  };
}
