// The financial structure of a sentence, as features for the linear model: which item moved
// (profit, loss, costs, sales, ...), in which direction (words, or two numbers compared with the
// prior period), and what that means for an investor: a loss that narrowed is good, costs that
// rose are bad, profit that fell is bad. Also swings between profit and loss, and finance terms
// ("profit warning", "beat expectations", "buyback") grouped so a rare term borrows the weight of
// its group.
import { isNegator, NUMBER, PUNCT, WORD, type Tokens } from './tokens.ts';

/** +1: more is better for the company (profit, sales); -1: more is worse (loss, costs); 0: it depends (prices). */
const ITEM_POLARITY: Record<string, number> = {
  profit: 1, sales: 1, margin: 1, share: 1, dividend: 1, cash: 1, jobs: 1, savings: 1, guidance: 1, rating: 1,
  loss: -1, cost: -1, debt: -1, risk: -1,
  price: 0, capacity: 0,
};

const ITEM_PHRASES: [string, string][] = [
  // profit: more is better
  ['profit', 'profit'], ['profits', 'profit'], ['earnings', 'profit'], ['ebit', 'profit'], ['ebitda', 'profit'], ['ebita', 'profit'],
  ['income', 'profit'], ['result', 'profit'], ['results', 'profit'], ['eps', 'profit'], ['earnings per share', 'profit'],
  ['bottom line', 'profit'], ['pretax', 'profit'], ['operating profit', 'profit'], ['net profit', 'profit'], ['profitability', 'margin'],
  // volumes: more is better
  ['sales', 'sales'], ['revenue', 'sales'], ['revenues', 'sales'], ['turnover', 'sales'], ['orders', 'sales'], ['order intake', 'sales'],
  ['order book', 'sales'], ['order backlog', 'sales'], ['order stock', 'sales'], ['backlog', 'sales'], ['deliveries', 'sales'], ['shipments', 'sales'],
  ['volume', 'sales'], ['volumes', 'sales'], ['demand', 'sales'], ['traffic', 'sales'], ['passengers', 'sales'], ['subscribers', 'sales'],
  ['customers', 'sales'], ['users', 'sales'], ['production', 'sales'], ['output', 'sales'], ['market share', 'sales'], ['exports', 'sales'],
  ['bookings', 'sales'], ['occupancy', 'sales'], ['net sales', 'sales'], ['comparable sales', 'sales'], ['like for like sales', 'sales'],
  ['margin', 'margin'], ['margins', 'margin'], ['operating margin', 'margin'], ['equity ratio', 'margin'], ['solvency', 'margin'], ['return on equity', 'margin'],
  ['shares', 'share'], ['share price', 'share'], ['stock', 'share'], ['stocks', 'share'], ['index', 'share'], ['market capitalisation', 'share'], ['market value', 'share'],
  ['dividend', 'dividend'], ['dividends', 'dividend'], ['payout', 'dividend'],
  ['cash', 'cash'], ['cash flow', 'cash'], ['liquidity', 'cash'],
  ['jobs', 'jobs'], ['employees', 'jobs'], ['staff', 'jobs'], ['workforce', 'jobs'], ['personnel', 'jobs'], ['headcount', 'jobs'], ['employment', 'jobs'], ['workers', 'jobs'],
  ['savings', 'savings'], ['cost savings', 'savings'], ['efficiency', 'savings'], ['productivity', 'savings'],
  ['guidance', 'guidance'], ['outlook', 'guidance'], ['forecast', 'guidance'], ['forecasts', 'guidance'], ['estimate', 'guidance'], ['estimates', 'guidance'], ['target', 'guidance'], ['targets', 'guidance'],
  ['rating', 'rating'], ['credit rating', 'rating'], ['target price', 'rating'], ['price target', 'rating'],
  // more is worse
  ['loss', 'loss'], ['losses', 'loss'], ['deficit', 'loss'], ['net loss', 'loss'], ['operating loss', 'loss'], ['pretax loss', 'loss'], ['loss per share', 'loss'],
  ['costs', 'cost'], ['cost', 'cost'], ['expenses', 'cost'], ['expenditure', 'cost'], ['expenditures', 'cost'], ['charges', 'cost'], ['overheads', 'cost'],
  ['writedowns', 'cost'], ['write downs', 'cost'], ['impairment', 'cost'], ['impairments', 'cost'], ['provisions', 'cost'], ['raw material costs', 'cost'],
  ['debt', 'debt'], ['debts', 'debt'], ['net debt', 'debt'], ['liabilities', 'debt'], ['gearing', 'debt'], ['borrowings', 'debt'], ['leverage', 'debt'],
  ['risk', 'risk'], ['risks', 'risk'], ['unemployment', 'risk'], ['defaults', 'risk'], ['churn', 'risk'], ['claims', 'risk'], ['complaints', 'risk'], ['emissions', 'risk'],
  // it depends on whose price
  ['price', 'price'], ['prices', 'price'], ['sales price', 'price'], ['sales prices', 'price'], ['selling prices', 'price'], ['tariffs', 'price'], ['rates', 'price'],
  ['capacity', 'capacity'],
];

const UP = ['increase', 'increased', 'increases', 'increasing', 'rise', 'rose', 'risen', 'rises', 'rising', 'up', 'upped', 'grew', 'grow', 'grows',
  'grown', 'growing', 'growth', 'gain', 'gained', 'gains', 'climb', 'climbed', 'climbs', 'jump', 'jumped', 'jumps', 'surge', 'surged', 'surges',
  'soar', 'soared', 'soars', 'higher', 'boost', 'boosted', 'boosts', 'double', 'doubled', 'doubles', 'triple', 'tripled', 'rebound', 'rebounded',
  'advance', 'advanced', 'advances', 'rallied', 'expand', 'expanded', 'expands', 'expanding', 'raise', 'raised', 'raises', 'raising', 'widen',
  'widened', 'widening', 'larger', 'bigger', 'greater', 'lifted', 'added', 'firmed', 'accelerated', 'accelerate', 'rocketed', 'peaked', 'hike', 'hiked', 'upturn'];
const DOWN = ['decrease', 'decreased', 'decreases', 'decreasing', 'decline', 'declined', 'declines', 'declining', 'fall', 'fell', 'fallen', 'falls',
  'falling', 'drop', 'dropped', 'drops', 'down', 'lower', 'lowered', 'lowering', 'slid', 'slide', 'slides', 'slump', 'slumped', 'plunge', 'plunged',
  'shrank', 'shrink', 'shrunk', 'shrinking', 'contraction', 'reduce', 'reduced', 'reduces', 'reducing', 'reduction',
  'reductions', 'cut', 'cuts', 'cutting', 'dip', 'dipped', 'sank', 'sink', 'tumble', 'tumbled', 'eased', 'ease', 'narrow', 'narrowed', 'narrowing',
  'narrows', 'slip', 'slipped', 'halve', 'halved', 'diminish', 'diminished', 'lost', 'lose', 'loses', 'retreated', 'downturn', 'shed', 'plummeted',
  'dived', 'smaller', 'slashed', 'slash', 'trimmed', 'trim', 'lessened', 'dwindled'];
const FLAT = ['flat', 'unchanged', 'stable', 'steady', 'stagnant', 'stagnated', 'level'];

const DIRECTIONS = new Map<string, number>([...UP.map((w) => [w, 1] as const), ...DOWN.map((w) => [w, -1] as const), ...FLAT.map((w) => [w, 0] as const)]);

/** Finance terms that are good or bad news whatever they are about; two-word terms are written with a space. */
const TERMS = new Map<string, number>([
  ...['improve', 'improved', 'improves', 'improving', 'improvement', 'strengthen', 'strengthened', 'strong', 'stronger', 'strongest', 'robust', 'solid',
    'healthy', 'better', 'best', 'good', 'succeeded', 'record', 'exceed', 'exceeded', 'exceeds', 'exceeding', 'beat', 'beats', 'beating', 'surpassed', 'surpass', 'outperformed',
    'outperform', 'recover', 'recovered', 'recovery', 'positive', 'favourable', 'favorable', 'successful', 'success', 'upgrade', 'upgraded', 'upgrades',
    'buyback', 'buybacks', 'buy back', 'share repurchase', 'profitable', 'upbeat', 'optimistic', 'won', 'wins', 'awarded', 'boom', 'booming', 'brisk',
    'rally', 'in the black', 'into the black', 'ahead of', 'above expectations', 'above forecast', 'above forecasts', 'above estimates', 'buy recommendation',
    'overweight', 'outperform rating', 'breakthrough', 'milestone'].map((w) => [w, 1] as const),
  ...['deteriorate', 'deteriorated', 'deteriorating', 'deterioration', 'worsen', 'worsened', 'worsening', 'weak', 'weaker', 'weakened', 'weakening',
    'weakness', 'worse', 'worst', 'poor', 'miss', 'missed', 'misses', 'disappointing', 'disappointed', 'disappoint', 'negative', 'adverse', 'difficult',
    'challenging', 'unfavourable', 'unfavorable', 'shortfall', 'slowdown', 'sluggish', 'uncertain', 'uncertainty', 'warning', 'warned', 'warns',
    'profit warning', 'downgrade', 'downgraded', 'downgrades', 'layoffs', 'layoff', 'lay off', 'laid off', 'redundancies', 'job cuts', 'bankruptcy',
    'bankrupt', 'insolvency', 'insolvent', 'lawsuit', 'penalty', 'default', 'strike', 'recall', 'loss making', 'unprofitable', 'shut down',
    'shutdown', 'closure', 'suspended', 'halted', 'delay', 'delayed', 'pessimistic', 'dilution', 'crisis', 'recession', 'in the red', 'into the red',
    'below expectations', 'below forecast', 'below forecasts', 'below estimates', 'sell recommendation', 'underweight', 'underperform', 'underperformed',
    'write down', 'wrote down', 'written down', 'writedown', 'impairment', 'pressure', 'fraud', 'investigation', 'fine', 'fined'].map((w) => [w, -1] as const),
]);

/** Words that end the clause a direction or item belongs to (commas do not: "profit was EUR 5 mn , up from ..."). */
const CLAUSE_BREAKS = new Set(['.', ';', ':', '!', '?', 'while', 'whereas', 'but', 'although', 'though', 'meanwhile', 'despite']);
/** Words allowed between a direction and the item it names ("increase in the net sales", "cut its costs"). */
const LINKS = new Set(['in', 'of', 'the', 'its', 'their', 'his', 'her', 'a', 'an', 'our', 'group', 'company']);
/** Words that end the noun phrase after a direction ("sales increased and profit fell"). */
const ENDS_NOUN_PHRASE = new Set(['and', 'or', 'to', 'by', 'from', 'than', 'at', 'as', 'was', 'were', 'is', 'are', 'be', 'been', 'has', 'have', 'had', 'will', 'would', 'which', 'that', '%']);
/** Before a direction word, these make it a modifier of what follows ("due to higher costs", "with lower prices"). */
const MODIFIER_CONTEXT = new Set(['a', 'an', 'the', 'its', 'their', 'by', 'of', 'with', 'to', 'on', 'for', 'from', 'and', 'significantly', 'sharply', 'slightly', 'strongly', 'clearly', 'considerably', 'substantially']);
/** What a result is measured against: "above expectations", "missed the consensus estimate". */
const EXPECTATIONS = new Set(['expectations', 'expectation', 'expected', 'estimate', 'estimates', 'forecast', 'forecasts', 'consensus', 'analysts', 'guidance', 'anticipated', 'predicted', 'projections', 'projected', 'target', 'targets', 'market']);
const AGAINST_EXPECTATIONS = new Map<string, number>([
  ...['above', 'ahead', 'beat', 'beats', 'beating', 'topped', 'tops', 'exceeded', 'exceeding', 'exceeds', 'surpassed', 'better', 'stronger', 'outperformed'].map((w) => [w, 1] as const),
  ...['below', 'missed', 'miss', 'misses', 'short', 'under', 'worse', 'weaker', 'behind', 'underperformed', 'disappointed'].map((w) => [w, -1] as const),
]);
/** "set up", "shut down": particles that are not a direction after these verbs. */
const PHRASAL = new Set(['set', 'sets', 'setting', 'sign', 'signed', 'take', 'took', 'taken', 'make', 'made', 'build', 'built', 'open', 'opened', 'end', 'ended',
  'draw', 'drew', 'drawn', 'follow', 'followed', 'team', 'teamed', 'line', 'lined', 'step', 'stepped', 'steps', 'wrap', 'wrapped', 'start', 'started', 'link',
  'linked', 'break', 'broke', 'broken', 'hold', 'held', 'come', 'came', 'catch', 'keep', 'kept', 'shut', 'shuts', 'close', 'closed', 'lay', 'laid', 'write',
  'wrote', 'written', 'hand', 'handed', 'put', 'turn', 'turned', 'back', 'backed', 'settle', 'settled', 'scale', 'scaled', 'tie', 'tied', 'sum', 'summed', 'play', 'played']);
const MOVE_VERBS = new Set(['went', 'go', 'goes', 'going', 'gone', 'came', 'come', 'moved', 'shot', 'was', 'were', 'is', 'are', 'be', 'been', 'edged', 'crept', 'climbed', 'jumped', 'picked', 'ticked']);
/** Connectors after which the prior period's value follows. */
const COMPARATORS = new Set(['from', 'compared', 'versus', 'vs', 'against']);
const SWING_VERBS = new Set(['turned', 'turn', 'turns', 'swung', 'swing', 'swings', 'moved', 'returned', 'return', 'returns', 'back', 'reverted', 'slipped', 'fell', 'plunged', 'sank', 'dropped']);

interface Phrase { words: string[]; cls: string }
const PHRASES_BY_FIRST = new Map<string, Phrase[]>();
for (const [text, cls] of ITEM_PHRASES) {
  const words = text.split(' ');
  const list = PHRASES_BY_FIRST.get(words[0]!) ?? [];
  list.push({ words, cls });
  list.sort((a, b) => b.words.length - a.words.length);
  PHRASES_BY_FIRST.set(words[0]!, list);
}
const TERM_FIRST_WORDS = new Set([...TERMS.keys()].map((t) => t.split(' ')[0]!));

/** For each token, the item class it ends ('' for none); a multi-word item is marked on its last word. */
function markItems(forms: readonly string[]): string[] {
  const items = new Array<string>(forms.length).fill('');
  for (let i = 0; i < forms.length; i++) {
    const candidates = PHRASES_BY_FIRST.get(forms[i]!);
    if (candidates === undefined) continue;
    for (const { words, cls } of candidates) {
      let matches = i + words.length <= forms.length;
      for (let k = 1; matches && k < words.length; k++) matches = forms[i + k] === words[k];
      if (!matches) continue;
      items[i + words.length - 1] = cls;
      i += words.length - 1;
      break;
    }
  }
  return items;
}

/** +1 up, -1 down, 0 flat, or undefined when the word at i is no direction here ("up to 10 accounts", "shut down"). */
function direction(forms: readonly string[], i: number): number | undefined {
  const form = forms[i]!;
  const sign = DIRECTIONS.get(form);
  if (sign === undefined) return undefined;
  const before = forms[i - 1] ?? '';
  if (form === 'up' && (PHRASAL.has(before) || (forms[i + 1] === 'to' && !MOVE_VERBS.has(before)))) return undefined;
  if (form === 'down' && PHRASAL.has(before)) return undefined;
  if (form === 'level' && forms[i - 1] !== 'same') return undefined;
  return sign;
}

/** A negator up to six words before, in the same clause: "did not increase", "does not expect its net sales to decrease". */
function negatedAt(forms: readonly string[], kinds: Tokens['kinds'], i: number): boolean {
  for (let k = i - 1; k >= 0 && k >= i - 6; k--) {
    if (kinds[k] === PUNCT) return false;
    if (isNegator(forms[k]!)) return true;
  }
  return false;
}

/** The item a direction word at `at` speaks of: the one it introduces ("increase in sales", "by higher fixed costs"), else the nearest before it in its clause, else one just after. */
function itemFor(forms: readonly string[], kinds: Tokens['kinds'], items: readonly string[], at: number): number {
  let forward = -1;
  let linked = true;
  for (let k = at + 1; k < forms.length && k <= at + 4; k++) {
    if (items[k] !== '') { forward = k; break; }
    const form = forms[k]!;
    if (kinds[k] !== WORD || ENDS_NOUN_PHRASE.has(form) || DIRECTIONS.has(form)) break;
    if (!LINKS.has(form)) linked = false;
  }
  if (forward >= 0 && (linked || MODIFIER_CONTEXT.has(forms[at - 1] ?? ''))) return forward;
  for (let k = at - 1; k >= 0 && k >= at - 25; k--) {
    if (CLAUSE_BREAKS.has(forms[k]!)) break;
    if (items[k] !== '') return k;
  }
  if (forward >= 0) return forward;
  for (let k = at + 1; k < forms.length && k <= at + 6; k++) {
    if (kinds[k] === PUNCT || CLAUSE_BREAKS.has(forms[k]!)) break;
    if (items[k] !== '') return k;
  }
  return -1;
}

function comparable(tokens: Tokens, a: number, b: number): boolean {
  if (tokens.percents[a] !== tokens.percents[b]) return false;
  // "EUR 500,000 ( USD 680,000 )" is a conversion, not a change.
  return tokens.currencies[a] === tokens.currencies[b];
}

function isValue(tokens: Tokens, i: number): boolean {
  return tokens.kinds[i] === NUMBER && Number.isFinite(tokens.values[i]);
}

/** The current value a prior-period value at `prior` (after the comparator at `at`) is compared with: "to X from Y", "X , up from Y", "X compared with Y". */
function currentValue(tokens: Tokens, at: number, prior: number): number {
  const { forms } = tokens;
  for (let k = at - 1; k >= 0 && k >= at - 20; k--) {
    if (CLAUSE_BREAKS.has(forms[k]!)) break;
    if (isValue(tokens, k) && comparable(tokens, k, prior)) return k;
  }
  return -1;
}

/** The value after a comparator ("from a loss of EUR 5 mn"), with the item class met on the way. */
function priorValue(tokens: Tokens, items: readonly string[], at: number): { value: number; item: number } {
  let item = -1;
  for (let k = at + 1; k < tokens.forms.length && k <= at + 7; k++) {
    if (tokens.kinds[k] === PUNCT || CLAUSE_BREAKS.has(tokens.forms[k]!)) break;
    if (items[k] !== '') item = k;
    if (isValue(tokens, k)) {
      // "a 1.70 million profit": the item may follow its value.
      for (let j = k + 1; item < 0 && j < tokens.forms.length && j <= k + 3 && tokens.kinds[j] !== PUNCT; j++) if (items[j] !== '') item = j;
      return { value: k, item };
    }
  }
  return { value: -1, item };
}

function nearestItemBefore(forms: readonly string[], items: readonly string[], at: number, reach: number): number {
  for (let k = at - 1; k >= 0 && k >= at - reach; k--) {
    if (CLAUSE_BREAKS.has(forms[k]!)) break;
    if (items[k] !== '') return k;
  }
  return -1;
}

function profitOrLoss(cls: string): number {
  return cls === 'profit' || cls === 'margin' ? 1 : cls === 'loss' ? -1 : 0;
}

function vote(votes: [number, number], sign: number): void {
  if (sign > 0) votes[1] += 1;
  else if (sign < 0) votes[0] += 1;
}

/** The financial-structure features of a tokenised sentence (each a string; the model learns their weights). */
export function financeFeatures(tokens: Tokens): string[] {
  const { forms, kinds } = tokens;
  const items = markItems(forms);
  const features: string[] = [];
  // Items that a direction, a comparison or a swing spoke of; the others are bare mentions ("posted a loss").
  const used = new Uint8Array(forms.length);
  // votes[0]: bad news, votes[1]: good news.
  const votes: [number, number] = [0, 0];

  for (let i = 0; i < forms.length; i++) {
    const form = forms[i]!;
    if (items[i] !== '') features.push(`item:${items[i]}`);
    // Results against expectations.
    const against = AGAINST_EXPECTATIONS.get(form);
    if (against !== undefined) {
      for (let k = i + 1; k < forms.length && k <= i + 5 && kinds[k] !== PUNCT; k++) {
        if (!EXPECTATIONS.has(forms[k]!)) continue;
        const signed = negatedAt(forms, kinds, i) ? -against : against;
        features.push(signed > 0 ? 'expect:+' : 'expect:-');
        vote(votes, signed);
        break;
      }
    }
    // Finance terms, one or two words.
    if (TERM_FIRST_WORDS.has(form)) {
      const three = `${form} ${forms[i + 1] ?? ''} ${forms[i + 2] ?? ''}`;
      const two = `${form} ${forms[i + 1] ?? ''}`;
      const sign = TERMS.get(three) ?? TERMS.get(two) ?? TERMS.get(form);
      if (sign !== undefined) {
        const signed = negatedAt(forms, kinds, i) ? -sign : sign;
        features.push(signed > 0 ? 'term:+' : 'term:-');
        vote(votes, signed);
      }
    }
    // Direction × item.
    const dir = direction(forms, i);
    if (dir !== undefined) {
      const signed = negatedAt(forms, kinds, i) ? -dir : dir;
      const item = itemFor(forms, kinds, items, i);
      const cls = item < 0 ? '' : items[item]!;
      if (item >= 0) used[item] = 1;
      const name = signed > 0 ? 'up' : signed < 0 ? 'down' : 'flat';
      features.push(`move:${cls || 'none'}:${name}`);
      // "Konecranes fell 5.5 percent", "subscriptions grew 7 percent": a measured move of something unnamed is read as one of the company's own figures.
      const polarity = cls === '' ? (measuredAfter(tokens, i) ? signed : 0) : ITEM_POLARITY[cls]! * signed;
      if (polarity !== 0) {
        features.push(polarity > 0 ? 'move:+' : 'move:-');
        vote(votes, polarity);
      }
    }
    // Comparisons with the prior period: swings between profit and loss, and two numbers.
    if (COMPARATORS.has(form) || (form === '(' && (isValue(tokens, i + 1) || (forms[i + 1] === '<cur>' && isValue(tokens, i + 2))))) {
      const prior = priorValue(tokens, items, i);
      const nowItem = nearestItemBefore(forms, items, i, 25);
      const nowSide = nowItem < 0 ? 0 : profitOrLoss(items[nowItem]!);
      const thenSide = prior.item < 0 ? 0 : profitOrLoss(items[prior.item]!);
      if (nowSide !== 0 && thenSide !== 0 && nowSide !== thenSide) {
        used[nowItem] = 1;
        used[prior.item] = 1;
        features.push(nowSide > 0 ? 'swing:+' : 'swing:-');
        vote(votes, nowSide);
      } else if (prior.value >= 0) {
        const current = form === 'from' ? fromTo(tokens, prior.value) : -1;
        const now = current >= 0 ? current : currentValue(tokens, i, prior.value);
        if (now >= 0 && tokens.values[now] !== tokens.values[prior.value]) {
          const up = tokens.values[now]! > tokens.values[prior.value]! ? 1 : -1;
          const item = itemFor(forms, kinds, items, Math.min(now, i));
          const cls = item < 0 ? '' : items[item]!;
          if (item >= 0) used[item] = 1;
          if (prior.item >= 0) used[prior.item] = 1;
          features.push(`number:${cls || 'none'}:${up > 0 ? 'up' : 'down'}`);
          const polarity = cls === '' ? 0 : ITEM_POLARITY[cls]! * up;
          if (polarity !== 0) {
            features.push(polarity > 0 ? 'number:+' : 'number:-');
            vote(votes, polarity);
          }
        }
      }
    }
    // "turned to a profit", "swung into a loss".
    if (SWING_VERBS.has(form)) {
      for (let k = i + 1; k < forms.length && k <= i + 5; k++) {
        if (kinds[k] === PUNCT) break;
        const side = profitOrLoss(items[k]!);
        if (side !== 0 && (forms[i + 1] === 'to' || forms[i + 1] === 'into' || forms[i + 2] === 'to' || forms[i + 2] === 'into')) {
          used[k] = 1;
          features.push(side > 0 ? 'swing:+' : 'swing:-');
          vote(votes, side);
          break;
        }
      }
    }
  }
  for (let i = 0; i < forms.length; i++) if (items[i] !== '' && used[i] === 0) features.push(`bare:${items[i]}`);
  const [bad, good] = votes;
  if (good > 0 || bad > 0) features.push(good > bad ? 'net:+' : bad > good ? 'net:-' : 'net:0');
  return features;
}

/** Whether a percentage follows a direction word closely ("fell 5.5 percent", "a decrease of 6 %"). */
function measuredAfter(tokens: Tokens, at: number): boolean {
  for (let k = at + 1; k < tokens.forms.length && k <= at + 4; k++) {
    if (tokens.kinds[k] === PUNCT) return false;
    if (tokens.percents[k]) return true;
  }
  return false;
}

/** "from X to Y": Y, when a comparable value follows "to" right after X. */
function fromTo(tokens: Tokens, prior: number): number {
  for (let k = prior + 1; k < tokens.forms.length && k <= prior + 6; k++) {
    if (tokens.kinds[k] === PUNCT) return -1;
    if (tokens.forms[k] === 'to') {
      for (let j = k + 1; j <= k + 3 && j < tokens.forms.length; j++) if (isValue(tokens, j)) return comparable(tokens, j, prior) ? j : -1;
      return -1;
    }
  }
  return -1;
}
