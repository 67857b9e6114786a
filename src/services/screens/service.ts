// Custom screens (domain/screen) over every active symbol's latest quote and indicators, and the
// screens users save by name. A malformed screen or sort is a 400 whose message says where.
import { isDuplicateName, type SavedScreenRepository, type SavedScreenRow } from '../../db/repositories/screens.ts';
import { conflict, invalid, notFound } from '../../domain/errors.ts';
import { compileScreen, parseSort, runScreen, SCREEN_FIELDS, ScreenSyntaxError, type ScreenSort } from '../../domain/screen/index.ts';
import type { ScreenRow, ScreenRows } from './rows.ts';

export const DEFAULT_SCREEN_LIMIT = 50;
export const MAX_SCREEN_LIMIT = 500;
/** Saved screens per user. */
export const MAX_SAVED_SCREENS = 100;

export interface ScreenRequest {
  where: string;
  sort?: string | null;
  limit?: number | null;
}

export interface ScreenAnswer {
  /** The screen as parsed (canonical spelling). */
  where: string;
  sort: string | null;
  limit: number;
  /** Active symbols with prices the screen ran over. */
  totalScreened: number;
  totalMatched: number;
  results: ScreenRow[];
}

export interface SavedScreenView {
  id: string;
  name: string;
  where: string;
  sort: string | null;
  limit: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface SavedScreenInput {
  name: string;
  where: string;
  sort?: string | null;
  limit?: number | null;
}

/** A screen or sort that does not compile, as a 400 naming the field, the position and a caret under it. */
function syntaxError(field: 'where' | 'sort', error: ScreenSyntaxError) {
  const sentence = /[.?!]$/.test(error.message) ? error.message : `${error.message}.`;
  return invalid(`Invalid ${field === 'where' ? 'screen' : 'sort'}: ${sentence}`, { [field]: [error.message, error.excerpt] });
}

function compiled(request: ScreenRequest) {
  let screen;
  try {
    screen = compileScreen(request.where, { fields: SCREEN_FIELDS });
  } catch (error) {
    if (error instanceof ScreenSyntaxError) throw syntaxError('where', error);
    throw error;
  }
  let sort: ScreenSort | undefined;
  if (request.sort !== undefined && request.sort !== null && request.sort.trim() !== '') {
    try {
      sort = parseSort(request.sort, { fields: SCREEN_FIELDS });
    } catch (error) {
      if (error instanceof ScreenSyntaxError) throw syntaxError('sort', error);
      throw error;
    }
  }
  return { screen, sort };
}

const sortText = (sort: ScreenSort | undefined) => (sort === undefined ? null : `${sort.direction === 'desc' ? '-' : ''}${sort.field}`);

function savedView(row: SavedScreenRow): SavedScreenView {
  return {
    id: row.id, name: row.name, where: row.where, sort: row.sort, limit: row.resultLimit,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

export class ScreenService {
  constructor(
    private readonly rows: ScreenRows,
    private readonly saved: SavedScreenRepository,
  ) {}

  /** Runs a screen over every active symbol. */
  async run(request: ScreenRequest): Promise<ScreenAnswer> {
    const { screen, sort } = compiled(request);
    const limit = request.limit ?? DEFAULT_SCREEN_LIMIT;
    const rows = await this.rows.rows(sort ? [...screen.fields, sort.field] : screen.fields);
    const matched = runScreen(rows, screen, { sort });
    return {
      where: screen.text, sort: sortText(sort), limit,
      totalScreened: rows.length, totalMatched: matched.length, results: matched.slice(0, limit),
    };
  }

  list(userId: string): Promise<SavedScreenView[]> {
    return this.saved.list(userId).then((rows) => rows.map(savedView));
  }

  async get(userId: string, id: string): Promise<SavedScreenView> {
    return savedView(await this.owned(userId, id));
  }

  async create(userId: string, input: SavedScreenInput): Promise<SavedScreenView> {
    const fields = this.checked(input);
    if ((await this.saved.count(userId)) >= MAX_SAVED_SCREENS) {
      throw invalid(`You have ${MAX_SAVED_SCREENS} saved screens, the most there can be; delete one first.`, { name: [`At most ${MAX_SAVED_SCREENS} saved screens.`] });
    }
    await this.nameFree(userId, fields.name, null);
    try {
      return savedView(await this.saved.create(userId, fields));
    } catch (error) {
      if (isDuplicateName(error)) throw this.duplicate(fields.name);
      throw error;
    }
  }

  async update(userId: string, id: string, patch: Partial<SavedScreenInput>): Promise<SavedScreenView> {
    const current = await this.owned(userId, id);
    const fields = this.checked({
      name: patch.name ?? current.name,
      where: patch.where ?? current.where,
      sort: patch.sort === undefined ? current.sort : patch.sort,
      limit: patch.limit === undefined ? current.resultLimit : patch.limit,
    });
    await this.nameFree(userId, fields.name, id);
    try {
      const row = await this.saved.update(userId, id, fields);
      if (!row) throw this.missing();
      return savedView(row);
    } catch (error) {
      if (isDuplicateName(error)) throw this.duplicate(fields.name);
      throw error;
    }
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.saved.delete(userId, id))) throw this.missing();
  }

  /** Runs one of the user's screens; `limit` overrides the saved one. */
  async runSaved(userId: string, id: string, limit?: number): Promise<ScreenAnswer & { screen: SavedScreenView }> {
    return this.runRow(await this.owned(userId, id), limit);
  }

  /** Runs one of the user's screens by name (case-insensitive). */
  async runByName(userId: string, name: string, limit?: number): Promise<ScreenAnswer & { screen: SavedScreenView }> {
    const row = await this.saved.byName(userId, name);
    if (!row) throw notFound(`You have no saved screen named "${name.slice(0, 100)}".`);
    return this.runRow(row, limit);
  }

  private async runRow(row: SavedScreenRow, limit?: number) {
    const answer = await this.run({ where: row.where, sort: row.sort, limit: limit ?? row.resultLimit });
    return { ...answer, screen: savedView(row) };
  }

  /** The user's screen; another user's is answered as missing. */
  private async owned(userId: string, id: string): Promise<SavedScreenRow> {
    const row = await this.saved.get(userId, id);
    if (!row) throw this.missing();
    return row;
  }

  /** Input that compiles, in its stored form. */
  private checked(input: SavedScreenInput) {
    const name = input.name.trim();
    if (name === '') throw invalid('A saved screen needs a name.', { name: ['This field may not be blank.'] });
    const { screen, sort } = compiled({ where: input.where, sort: input.sort });
    return { name, where: screen.source.trim(), sort: sortText(sort), resultLimit: input.limit ?? null };
  }

  private async nameFree(userId: string, name: string, exceptId: string | null): Promise<void> {
    const other = await this.saved.byName(userId, name);
    if (other && other.id !== exceptId) throw this.duplicate(name);
  }

  private duplicate(name: string) {
    return conflict(`You already have a screen named "${name}".`, { name: ['A saved screen with this name already exists.'] });
  }

  private missing() {
    return notFound('Saved screen not found.');
  }
}
