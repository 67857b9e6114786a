// Recognising a CSV of bars from its header row (trimmed, case-insensitive). Column names map to
// roles, so column order does not matter:
//   long         date,ticker,open,high,low,close,adj_close,volume  (also Name/Symbol/Ticker/Stock)
//   quandl-wiki  ,Date,Open,...,AdjClose,AdjVolume,Stock           (plotly dash-stock-ticker-demo)
//   plotly       Date,AAPL.Open,AAPL.High,...,AAPL.Adjusted,...    (symbol from the column prefix)
//   kaggle-huge  Date,Open,High,Low,Close,Volume,OpenInt           (symbol from the file name)
//   yahoo        Date,Open,High,Low,Close,Adj Close,Volume         (symbol from the file name)
//   ohlcv        Date,Open,High,Low,Close,Volume                   (daily, symbol from the file name)
//   minute       date|datetime,open,high,low,close,volume with date-time values (1-minute bars)

export type Role = 'date' | 'open' | 'high' | 'low' | 'close' | 'adjClose' | 'volume' | 'symbol';

const ROLE_OF_NAME: ReadonlyMap<string, Role> = new Map([
  ['date', 'date'],
  ['datetime', 'date'],
  ['timestamp', 'date'],
  ['open', 'open'],
  ['high', 'high'],
  ['low', 'low'],
  ['close', 'close'],
  ['adjclose', 'adjClose'],
  ['adjustedclose', 'adjClose'],
  ['adjusted', 'adjClose'],
  ['volume', 'volume'],
  ['ticker', 'symbol'],
  ['symbol', 'symbol'],
  ['name', 'symbol'],
  ['stock', 'symbol'],
]);

const REQUIRED_ROLES: readonly Role[] = ['date', 'open', 'high', 'low', 'close', 'volume'];

export interface Layout {
  /** Format name from the header; `ohlcv` becomes `minute` once the data turn out 1-minute. */
  format: string;
  columns: Record<Role, number>;
  /** Symbol from a column prefix such as `AAPL.Open`. */
  prefixSymbol: string | null;
}

/** Column name reduced to lower-case letters and digits: `Adj Close**` → `adjclose`. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export function recogniseHeader(header: readonly string[]): Layout | string {
  const columns: Record<Role, number> = {
    date: -1, open: -1, high: -1, low: -1, close: -1, adjClose: -1, volume: -1, symbol: -1,
  };
  const prefixes = new Set<string>();
  const names = header.map((name) => name.replace(/^\uFEFF/, '').trim());
  for (const [index, name] of names.entries()) {
    let role = ROLE_OF_NAME.get(squash(name));
    // `AAPL.Open`: a symbol prefix before the last dot, a known OHLCV name after it.
    const dot = name.lastIndexOf('.');
    if (role === undefined && dot > 0) {
      const suffixRole = ROLE_OF_NAME.get(squash(name.slice(dot + 1)));
      if (suffixRole !== undefined && suffixRole !== 'symbol' && suffixRole !== 'date') {
        role = suffixRole;
        prefixes.add(name.slice(0, dot).trim().toUpperCase());
      }
    }
    if (role === undefined) {
      if (squash(name) === 'time') return 'separate date and time columns are not supported';
      continue;
    }
    if (columns[role] !== -1) return `two ${role} columns (${names[columns[role]]}, ${name})`;
    columns[role] = index;
  }
  const missing = REQUIRED_ROLES.filter((role) => columns[role] === -1);
  if (missing.length > 0) return `no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`;
  if (prefixes.size > 1) return `columns for several symbols (${[...prefixes].join(', ')})`;
  const prefixSymbol = prefixes.size === 1 ? [...prefixes][0] ?? null : null;
  if (prefixSymbol !== null && columns.symbol !== -1) return 'both a ticker column and symbol-prefixed columns';

  const squashed = new Set(names.map(squash));
  let format: string;
  if (columns.symbol !== -1) format = squashed.has('exdividend') || squashed.has('splitratio') ? 'quandl-wiki' : 'long';
  else if (prefixSymbol !== null) format = 'plotly';
  else if (squashed.has('openint')) format = 'kaggle-huge';
  else if (columns.adjClose !== -1) format = 'yahoo';
  else format = 'ohlcv';
  return { format, columns, prefixSymbol };
}
