/*
 * The native baseline of bench/indicators.ts: TA-Lib's own C functions over the same bars, timed
 * in C. Compiled by the bench at run time (cc -O2) against the static libraries the `talib` npm
 * package built; never committed as a binary.
 *
 *   indicators <bars.bin> <repeats>
 *
 * bars.bin: int32 symbols, int32 bars, then high, low, close, volume as float64[symbols * bars],
 * each symbol's bars contiguous, oldest first. Prints one JSON object: the best time in ms of each
 * indicator over every symbol, of the whole set (every call for one symbol, then the next symbol),
 * and the last value of each output for symbol 0 (the bench checks its own against them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include "ta_libc.h"

enum { SMA20, SMA50, SMA200, EMA12, EMA26, RSI14, MACD, BBANDS, ATR14, OBV, STOCH, ADX14, CCI20, MFI14, WILLR14, COUNT };
static const char *NAMES[COUNT] = { "sma20", "sma50", "sma200", "ema12", "ema26", "rsi14", "macd", "bollinger", "atr14",
                                    "obv", "stochastic", "adx14", "cci20", "mfi14", "williamsR14" };

static int bars;
static double *out1, *out2, *out3;
static volatile double sink;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

/* One TA-Lib call over one symbol; outputs land in out1..out3 (index 0 = first value). */
static int run(int which, const double *h, const double *l, const double *c, const double *v) {
  int beg = 0, n = 0, last = bars - 1;
  switch (which) {
    case SMA20: TA_SMA(0, last, c, 20, &beg, &n, out1); break;
    case SMA50: TA_SMA(0, last, c, 50, &beg, &n, out1); break;
    case SMA200: TA_SMA(0, last, c, 200, &beg, &n, out1); break;
    case EMA12: TA_EMA(0, last, c, 12, &beg, &n, out1); break;
    case EMA26: TA_EMA(0, last, c, 26, &beg, &n, out1); break;
    case RSI14: TA_RSI(0, last, c, 14, &beg, &n, out1); break;
    case MACD: TA_MACD(0, last, c, 12, 26, 9, &beg, &n, out1, out2, out3); break;
    case BBANDS: TA_BBANDS(0, last, c, 20, 2.0, 2.0, TA_MAType_SMA, &beg, &n, out1, out2, out3); break;
    case ATR14: TA_ATR(0, last, h, l, c, 14, &beg, &n, out1); break;
    case OBV: TA_OBV(0, last, c, v, &beg, &n, out1); break;
    case STOCH: TA_STOCH(0, last, h, l, c, 14, 3, TA_MAType_SMA, 3, TA_MAType_SMA, &beg, &n, out1, out2); break;
    case ADX14: TA_ADX(0, last, h, l, c, 14, &beg, &n, out1); break;
    case CCI20: TA_CCI(0, last, h, l, c, 20, &beg, &n, out1); break;
    case MFI14: TA_MFI(0, last, h, l, c, v, 14, &beg, &n, out1); break;
    case WILLR14: TA_WILLR(0, last, h, l, c, 14, &beg, &n, out1); break;
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s bars.bin repeats\n", argv[0]);
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (!file) {
    perror(argv[1]);
    return 1;
  }
  int symbols = 0;
  int repeats = atoi(argv[2]);
  if (fread(&symbols, 4, 1, file) != 1 || fread(&bars, 4, 1, file) != 1) return 1;
  size_t total = (size_t)symbols * bars;
  double *high = malloc(total * 8), *low = malloc(total * 8), *close = malloc(total * 8), *volume = malloc(total * 8);
  if (fread(high, 8, total, file) != total || fread(low, 8, total, file) != total ||
      fread(close, 8, total, file) != total || fread(volume, 8, total, file) != total) {
    fprintf(stderr, "short read\n");
    return 1;
  }
  fclose(file);
  out1 = malloc(bars * 8);
  out2 = malloc(bars * 8);
  out3 = malloc(bars * 8);
  if (TA_Initialize() != TA_SUCCESS) return 1;

  double best[COUNT], bestSet = 1e300;
  for (int k = 0; k < COUNT; k++) best[k] = 1e300;
  for (int r = 0; r < repeats; r++) {
    for (int k = 0; k < COUNT; k++) {
      double start = now_ms(), sum = 0;
      for (int s = 0; s < symbols; s++) {
        size_t o = (size_t)s * bars;
        int n = run(k, high + o, low + o, close + o, volume + o);
        if (n > 0) sum += out1[n - 1];
      }
      double ms = now_ms() - start;
      sink += sum;
      if (ms < best[k]) best[k] = ms;
    }
    double start = now_ms(), sum = 0;
    for (int s = 0; s < symbols; s++) {
      size_t o = (size_t)s * bars;
      for (int k = 0; k < COUNT; k++) {
        int n = run(k, high + o, low + o, close + o, volume + o);
        if (n > 0) sum += out1[n - 1];
      }
    }
    double ms = now_ms() - start;
    sink += sum;
    if (ms < bestSet) bestSet = ms;
  }

  printf("{\"version\":\"%s\",\"ms\":{", TA_GetVersionString());
  for (int k = 0; k < COUNT; k++) printf("\"%s\":%.4f,", NAMES[k], best[k]);
  printf("\"set\":%.4f},\"last\":{", bestSet);
  /* Last values of symbol 0, every output, printed exactly (17 significant digits). */
  static const char *OUTS[COUNT][3] = {
    { "sma20" }, { "sma50" }, { "sma200" }, { "ema12" }, { "ema26" }, { "rsi14" },
    { "macd", "macdSignal", "macdHistogram" }, { "bollingerUpper", "bollingerMiddle", "bollingerLower" },
    { "atr14" }, { "obv" }, { "stochK", "stochD" }, { "adx14" }, { "cci20" }, { "mfi14" }, { "williamsR14" },
  };
  for (int k = 0; k < COUNT; k++) {
    int n = run(k, high, low, close, volume);
    double *outs[3] = { out1, out2, out3 };
    for (int j = 0; j < 3 && OUTS[k][j]; j++) {
      printf("%s\"%s\":", (k == 0 && j == 0) ? "" : ",", OUTS[k][j]);
      if (n > 0 && !isnan(outs[j][n - 1])) printf("%.17g", outs[j][n - 1]);
      else printf("null");
    }
  }
  printf("}}\n");
  TA_Shutdown();
  return 0;
}
