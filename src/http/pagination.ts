// `?page=&page_size=` (default 100, max 500) and the pagination block beside `data`.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Pagination } from './envelope.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Page number, from 1' })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `Items per page (default ${DEFAULT_PAGE_SIZE})` })),
});
export type PageQuery = Static<typeof PageQuery>;

export interface Page {
  page: number;
  pageSize: number;
  offset: number;
}

export function pageOf(query: PageQuery): Page {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

function pageUrl(request: FastifyRequest, page: number): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('page', String(page));
  return url.toString();
}

export function paginationOf(request: FastifyRequest, page: Page, count: number): Pagination {
  const totalPages = Math.max(1, Math.ceil(count / page.pageSize));
  return {
    count,
    page: page.page,
    pageSize: page.pageSize,
    totalPages,
    next: page.page < totalPages ? pageUrl(request, page.page + 1) : null,
    previous: page.page > 1 ? pageUrl(request, Math.min(page.page - 1, totalPages)) : null,
  };
}
