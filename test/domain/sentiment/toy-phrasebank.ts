// A small labelled set in the Financial PhraseBank's manner, for tests that train: results that
// rose or fell, and neutral announcements.
import { sentenceKey, type Example, type LabelledSentence } from '../../../src/domain/sentiment/dataset.ts';

const COMPANIES = ['Nokia', 'Kone', 'Fortum', 'Elisa', 'Wartsila', 'Ramirent', 'Outokumpu', 'Raute', 'Aspo', 'Basware'];
const ITEMS = ['net sales', 'operating profit', 'order intake', 'revenue'];

export function toySentences(): LabelledSentence[] {
  const rows: LabelledSentence[] = [];
  COMPANIES.forEach((company, c) => {
    const item = ITEMS[c % ITEMS.length]!;
    rows.push({ text: `${company} 's ${item} rose by ${c + 3} % in the quarter .`, label: 'positive' });
    rows.push({ text: `${company} 's ${item} increased to EUR ${c + 20} mn from EUR ${c + 10} mn .`, label: 'positive' });
    rows.push({ text: `${company} 's ${item} fell by ${c + 2} % in the quarter .`, label: 'negative' });
    rows.push({ text: `${company} 's ${item} decreased to EUR ${c + 10} mn from EUR ${c + 20} mn .`, label: 'negative' });
    rows.push({ text: `${company} will hold its annual general meeting in Helsinki on ${c + 1} April .`, label: 'neutral' });
    rows.push({ text: `${company} appointed a new head of marketing for its ${item} unit .`, label: 'neutral' });
  });
  return rows;
}

export function toyExamples(): Example[] {
  return toySentences().map((s) => ({ ...s, key: sentenceKey(s.text), agreement: 100 }));
}
