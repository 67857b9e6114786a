// calculate_technical_indicators: every 5 minutes, the active symbols' daily history made whole and
// their indicators refreshed (stored, cached, published); on a fresh install, the first scan once
// enough bars exist, so the scanner has an answer before the first close.
import type { IndicatorService } from '../services/indicators/service.ts';
import type { ScannerService } from '../services/scanner/service.ts';
import type { JobHandler } from './runner.ts';

export function calculateTechnicalIndicators(indicators: IndicatorService, scanner: ScannerService, activeSymbols: number): JobHandler {
  return async (run) => {
    const summary = await indicators.refreshActive(activeSymbols, run.log);
    const firstScan = await scanner.ensureScanned(run.log);
    return { ...summary, firstScan: firstScan === null ? false : firstScan.some((scan) => scan.scanned > 0) };
  };
}
