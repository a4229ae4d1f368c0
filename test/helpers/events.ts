/** Builders of contract-v1 events for tests: only the fields that matter to a test are given. */
import crypto from 'node:crypto';

const id = () => crypto.randomUUID();
const base = (source: string, at: string) => ({ id: id(), at, source, center: 'yiyang' as const });

export const ev = {
  issued: (at: string, ticket: string, dept = 'yiyang.realestate') => ({ ...base('queue', at), type: 'ticket.issued', ticket, queue: ticket[0], dept }),
  called: (at: string, ticket: string, window = 'yiyang.w001') => ({ ...base('queue', at), type: 'ticket.called', ticket, window }),
  started: (at: string, ticket: string, window = 'yiyang.w001') => ({ ...base('window', at), type: 'ticket.started', ticket, window }),
  finished: (at: string, ticket: string, window = 'yiyang.w001') => ({ ...base('window', at), type: 'ticket.finished', ticket, window }),
  windowStatus: (at: string, status: string, window = 'yiyang.w001', dept = 'yiyang.realestate') => ({
    ...base('window', at),
    type: 'window.status',
    window,
    dept,
    status,
    staff: 's0001',
  }),
  accepted: (at: string, caseId: string, promisedDays: number, dept = 'yiyang.realestate', item = 'yiyang.realestate.transfer') => ({
    ...base('cases', at),
    type: 'case.accepted',
    case: caseId,
    item,
    dept,
    promisedDays,
  }),
  suspended: (at: string, caseId: string) => ({ ...base('cases', at), type: 'case.suspended', case: caseId, reason: '补正' }),
  resumed: (at: string, caseId: string) => ({ ...base('cases', at), type: 'case.resumed', case: caseId }),
  completed: (at: string, caseId: string) => ({ ...base('cases', at), type: 'case.completed', case: caseId }),
  rating: (at: string, score: number, window = 'yiyang.w001', dept = 'yiyang.realestate') => ({
    ...base('rating', at),
    type: 'rating.submitted',
    window,
    dept,
    score,
  }),
  hit: (at: string, visitor: string, column = '动态信息') => ({ ...base('portal', at), type: 'portal.hit', column, path: '/news/1', visitor }),
  trade: (at: string, amount: number, category = 'procurement') => ({ ...base('trade', at), type: 'trade.closed', deal: id(), category, amount }),
  fee: (at: string, amount: number) => ({ ...base('fee', at), type: 'fee.collected', item: 'yiyang.realestate.transfer', amount, receipt: id() }),
};
