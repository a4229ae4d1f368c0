/**
 * The console's reads of people and joined visits (docs/api.md, "People and joined visits"): a
 * department's staff table and its figures by item. Signed-in reads; a 4xx carries `{error}`.
 */
import type { DeptStaffFiguresAnswer, VisitFiguresAnswer } from '../../../common/visit-figures.ts';

async function read<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

export const readDeptStaff = (dept: string): Promise<DeptStaffFiguresAnswer> => read(`/api/v1/staff/figures?${new URLSearchParams({ dept }).toString()}`);

export const readDeptVisits = (dept: string): Promise<VisitFiguresAnswer> =>
  read(`/api/v1/visit-figures?${new URLSearchParams({ scope: `dept:${dept}` }).toString()}`);
