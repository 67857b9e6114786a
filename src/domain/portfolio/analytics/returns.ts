// Returns of a portfolio over a period: time-weighted (daily sub-periods linked around cash
// flows), money-weighted (XIRR of the dated cash flows) and the benchmark's over the same days.
import { daysBetween } from '../dates.ts';
import { measured, unmeasured, type Measured } from './measured.ts';
import { alignCloses, MAX_FILL_DAYS, type CloseSeries, type PortfolioSeries } from './series.ts';

/** Days per year of XIRR's time axis (Excel's XIRR convention: actual days / 365). */
export const XIRR_DAYS_PER_YEAR = 365;

/**
 * Which days of a series a period covers: `first`..`last` are the axis indices of its dates
 * (inclusive) and `base` the index of the date before `first` (the starting value), or −1 when
 * the period starts with the series (the starting value is then 0: nothing held yet).
 */
export interface PeriodWindow {
  base: number;
  first: number;
  last: number;
}

/** The window of dates in [from, to] (either open); null when no date of the axis falls in it. */
export function periodWindow(dates: readonly string[], from?: string, to?: string): PeriodWindow | null {
  let first = 0;
  while (first < dates.length && from !== undefined && (dates[first] as string) < from) first += 1;
  let last = dates.length - 1;
  while (last >= 0 && to !== undefined && (dates[last] as string) > to) last -= 1;
  if (first > last) return null;
  return { base: first - 1, first, last };
}

/**
 * The portfolio's daily returns over a window, one per date (NaN where there is none):
 *
 *   r[i] = (V[i] + OUT[i]) / (V[j] + IN[i]) − 1
 *
 * where V is the value at the close, j the previous date (the window's base for its first date),
 * IN the money put in on date i (taken as invested at the start of the day: a buy earns from its
 * price to the close) and OUT the money taken out (at the end of the day: a sale's proceeds are
 * the end value of what was sold). When V[i] is unknown (a held symbol lacks a close), the flows
 * accumulate and the next known date's return spans the gap from the last known value. A date
 * whose denominator is 0 (nothing held, nothing bought) has no return.
 */
export function portfolioReturns(series: PortfolioSeries, window: PeriodWindow): Float64Array {
  const out = new Float64Array(series.value.length).fill(Number.NaN);
  let previous = window.base < 0 ? 0 : (series.value[window.base] as number);
  let pendingIn = 0;
  let pendingOut = 0;
  for (let i = window.first; i <= window.last; i++) {
    pendingIn += series.inflow[i] as number;
    pendingOut += series.outflow[i] as number;
    const value = series.value[i] as number;
    if (Number.isNaN(value)) continue;
    if (Number.isNaN(previous)) {
      // No known value since the window's base: this date's value is the new starting point.
      previous = value;
      pendingIn = 0;
      pendingOut = 0;
      continue;
    }
    const invested = previous + pendingIn;
    if (invested > 0) out[i] = (value + pendingOut) / invested - 1;
    previous = value;
    pendingIn = 0;
    pendingOut = 0;
  }
  return out;
}

/**
 * Time-weighted return: TWR = Π (1 + r[i]) − 1 over the dates that have a daily return (see
 * portfolioReturns). Cash flows do not move it: with none it is V[last] / V[base] − 1.
 */
export function timeWeightedReturn(returns: ArrayLike<number>): Measured<number> {
  let growth = 1;
  let days = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (Number.isNaN(r)) continue;
    growth *= 1 + r;
    days += 1;
  }
  return days === 0 ? unmeasured('no day of the period had money invested') : measured(growth - 1);
}

/** The growth of 1 invested at the window's base: index[i] = Π (1 + r) up to i (carried over days without a return). */
export function growthIndex(returns: ArrayLike<number>, window: PeriodWindow): Float64Array {
  const out = new Float64Array(returns.length).fill(Number.NaN);
  let growth = 1;
  for (let i = window.first; i <= window.last; i++) {
    const r = returns[i] as number;
    if (!Number.isNaN(r)) growth *= 1 + r;
    out[i] = growth;
  }
  return out;
}

export interface DatedCashFlow {
  /** YYYY-MM-DD */
  date: string;
  /** From the investor's side: negative paid in, positive received. */
  amount: number;
}

export interface MoneyWeightedReturn {
  /** The XIRR: the annual rate r with Σ amount / (1 + r)^(days since the first flow / 365) = 0. */
  annualised: number;
  /** The same rate over the period's length: (1 + annualised)^(days / 365) − 1. */
  period: number;
  /** Calendar days from the first to the last cash flow. */
  days: number;
}

/**
 * The investor's cash flows over a window: the starting value paid in at the base date (when
 * there is one), −IN and +OUT on each date, and the final value received on the last date with a
 * known value (a later unknown value ends the flows there).
 */
export function windowCashFlows(series: PortfolioSeries, window: PeriodWindow): DatedCashFlow[] {
  let last = window.last;
  while (last >= window.first && Number.isNaN(series.value[last] as number)) last -= 1;
  const flows: DatedCashFlow[] = [];
  if (last < window.first) return flows;
  const start = window.base < 0 ? 0 : (series.value[window.base] as number);
  if (window.base >= 0 && start > 0) flows.push({ date: series.dates[window.base] as string, amount: -start });
  for (let i = window.first; i <= last; i++) {
    const net = (series.outflow[i] as number) - (series.inflow[i] as number);
    if (net !== 0) flows.push({ date: series.dates[i] as string, amount: net });
  }
  const end = series.value[last] as number;
  if (end > 0) flows.push({ date: series.dates[last] as string, amount: end });
  return flows;
}

/**
 * Money-weighted return over a window: the XIRR of windowCashFlows (null with a reason when the
 * starting value is unknown or the flows admit no rate).
 */
export function moneyWeightedReturn(series: PortfolioSeries, window: PeriodWindow): Measured<MoneyWeightedReturn> {
  if (window.base >= 0 && Number.isNaN(series.value[window.base] as number)) {
    return unmeasured(`the value on ${series.dates[window.base]} (the period's start) is unknown`);
  }
  const flows = windowCashFlows(series, window);
  const rate = xirr(flows);
  if (rate.value === null) return unmeasured(rate.reason);
  const days = daysBetween(flows[0]?.date as string, flows[flows.length - 1]?.date as string);
  return measured({ annualised: rate.value, period: Math.pow(1 + rate.value, days / XIRR_DAYS_PER_YEAR) - 1, days });
}

/**
 * Where the NPV is looked at to bracket a root, in growth per year g = ln(1 + r), from e^−700 − 1
 * to e^700 (short periods annualise to extreme rates: a doubling in a day is e^253 a year).
 */
const GROWTH_GRID = [
  -700, -400, -200, -100, -50, -20, Math.log1p(-0.999999), Math.log1p(-0.9999), Math.log1p(-0.999), Math.log1p(-0.99), Math.log1p(-0.95), Math.log1p(-0.9),
  Math.log1p(-0.8), Math.log1p(-0.6), Math.log1p(-0.4), Math.log1p(-0.2), Math.log1p(-0.1), Math.log1p(-0.05), 0,
  Math.log1p(0.05), Math.log1p(0.1), Math.log1p(0.2), Math.log1p(0.4), Math.log1p(0.6), Math.log(2), Math.log(3), Math.log(6),
  Math.log(11), Math.log(101), 10, 20, 50, 100, 200, 400, 700,
];

/**
 * The internal rate of return of dated cash flows (XIRR): the annual rate r > −1 with
 * NPV(r) = Σ amount_i / (1 + r)^(t_i) = 0, t_i = days from the first flow / 365. Solved in
 * g = ln(1 + r), where NPV = Σ amount_i · e^(−g·t_i) is smooth for every g: the NPV is evaluated
 * on a grid of rates from −100% up; within the sign change nearest r = 0, a Newton step is
 * taken when it stays inside the bracket and bisection otherwise, until g moves less than 1e−13.
 * Flows that change sign more than once can have several rates: this returns the one nearest 0.
 * Null when the flows all have one sign, fall on one day, or the NPV changes sign nowhere.
 */
export function xirr(flows: readonly DatedCashFlow[]): Measured<number> {
  const usable = flows.filter((flow) => flow.amount !== 0 && Number.isFinite(flow.amount));
  if (usable.length < 2) return unmeasured('needs at least two non-zero cash flows');
  if (!usable.some((flow) => flow.amount > 0) || !usable.some((flow) => flow.amount < 0)) {
    return unmeasured('the cash flows all have the same sign: no rate makes them net to zero');
  }
  const origin = usable.reduce((min, flow) => (flow.date < min ? flow.date : min), usable[0]?.date as string);
  const years = Float64Array.from(usable, (flow) => daysBetween(origin, flow.date) / XIRR_DAYS_PER_YEAR);
  if (years.every((t) => t === 0)) return unmeasured('all cash flows fall on one day: a rate needs time between them');
  const amounts = Float64Array.from(usable, (flow) => flow.amount);
  // NPV and its derivative in g; amounts scaled by their largest so the sums stay in range.
  const scale = amounts.reduce((max, a) => Math.max(max, Math.abs(a)), 0);
  const npv = (g: number): number => {
    let sum = 0;
    for (let i = 0; i < amounts.length; i++) sum += ((amounts[i] as number) / scale) * Math.exp(-g * (years[i] as number));
    return sum;
  };
  const slope = (g: number): number => {
    let sum = 0;
    for (let i = 0; i < amounts.length; i++) {
      const t = years[i] as number;
      sum -= t * ((amounts[i] as number) / scale) * Math.exp(-g * t);
    }
    return sum;
  };
  const npvs = GROWTH_GRID.map(npv);
  // The candidate nearest g = 0: a grid point where the NPV is exactly 0, or a sign change between two.
  let best: { lo: number; hi: number; distance: number } | null = null;
  for (let k = 0; k < GROWTH_GRID.length; k++) {
    const g = GROWTH_GRID[k] as number;
    const value = npvs[k] as number;
    if (value === 0 && (best === null || Math.abs(g) < best.distance)) best = { lo: g, hi: g, distance: Math.abs(g) };
    const nextG = GROWTH_GRID[k + 1];
    const nextValue = npvs[k + 1];
    if (nextG === undefined || nextValue === undefined || value === 0 || nextValue === 0) continue;
    if (!Number.isFinite(value) || !Number.isFinite(nextValue) || Math.sign(value) === Math.sign(nextValue)) continue;
    const distance = g <= 0 && nextG >= 0 ? 0 : Math.min(Math.abs(g), Math.abs(nextG));
    if (best === null || distance < best.distance) best = { lo: g, hi: nextG, distance };
  }
  if (best === null) return unmeasured('the net present value keeps one sign at every rate above −100%: no rate fits these cash flows');
  let { lo, hi } = best;
  if (lo === hi) return measured(Math.expm1(lo));
  let npvLo = npv(lo);
  let g = (lo + hi) / 2;
  for (let iteration = 0; iteration < 200; iteration++) {
    const value = npv(g);
    if (value === 0) break;
    if (Math.sign(value) === Math.sign(npvLo)) { lo = g; npvLo = value; } else { hi = g; }
    const d = slope(g);
    const newton = d !== 0 && Number.isFinite(d) ? g - value / d : Number.NaN;
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    const settled = Math.abs(next - g) < 1e-13 || hi - lo < 1e-13;
    g = next;
    if (settled) break;
  }
  return measured(Math.expm1(g));
}

/** How stale (in calendar days) the benchmark close before a series' first date may be. */
const BENCHMARK_START_MAX_DAYS = 10;

/**
 * The benchmark's return over the days the portfolio's return covers: B[end] / B[start] − 1, with
 * B its closes aligned on the series' dates (forward-filled like the holdings), end the last date
 * with a portfolio return and start the date before the first one (for a first return on the
 * series' first date: the benchmark's last close before it, at most 10 calendar days earlier).
 */
export function benchmarkReturn(
  benchmark: CloseSeries | undefined,
  dates: readonly string[],
  portfolioDailyReturns: ArrayLike<number>,
  maxFillDays = MAX_FILL_DAYS,
): Measured<number> {
  if (benchmark === undefined || benchmark.dates.length === 0) return unmeasured('no closes for the benchmark');
  let first = -1;
  let last = -1;
  for (let i = 0; i < portfolioDailyReturns.length; i++) {
    if (Number.isNaN(portfolioDailyReturns[i] as number)) continue;
    if (first === -1) first = i;
    last = i;
  }
  if (first === -1) return unmeasured('the portfolio has no daily return in the period');
  const closes = alignCloses(benchmark, dates, maxFillDays);
  const start = first > 0 ? (closes[first - 1] as number) : closeBefore(benchmark, dates[0] as string);
  const end = closes[last] as number;
  if (Number.isNaN(start)) return unmeasured(`no benchmark close shortly before ${dates[first]}`);
  if (Number.isNaN(end)) return unmeasured(`no benchmark close on or shortly before ${dates[last]}`);
  return measured(end / start - 1);
}

/** The series' last valid close dated before `date`, when at most BENCHMARK_START_MAX_DAYS old; NaN otherwise. */
function closeBefore(series: CloseSeries, date: string): number {
  for (let i = series.dates.length - 1; i >= 0; i--) {
    const day = series.dates[i] as string;
    if (day >= date) continue;
    if (daysBetween(day, date) > BENCHMARK_START_MAX_DAYS) return Number.NaN;
    const close = series.closes[i] as number;
    if (Number.isFinite(close) && close > 0) return close;
  }
  return Number.NaN;
}
