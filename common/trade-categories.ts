/**
 * The trading center's categories and their zh-CN names, in a module without zod so the cockpit
 * bundle can import it (common/events.ts validates `trade.closed` against the same list).
 */
export const TRADE_CATEGORIES = ['construction', 'land', 'state-assets', 'procurement', 'public-housing', 'medical'] as const;
export type TradeCategory = (typeof TRADE_CATEGORIES)[number];

/** The full name (reports, tooltips) and the short one (chart axes). */
export const TRADE_CATEGORY_NAMES: Record<TradeCategory, { full: string; short: string }> = {
  construction: { full: '工程建设招投标', short: '工程建设' },
  land: { full: '国有建设用地使用权出让', short: '土地出让' },
  'state-assets': { full: '国有资产产权交易', short: '国资产权' },
  procurement: { full: '政府采购', short: '政府采购' },
  'public-housing': { full: '公房交易', short: '公房交易' },
  medical: { full: '药品及医用耗材器材采购', short: '医药采购' },
};
