/**
 * A report (report-model.ts) as one A4 HTML page for Chromium to print (report-pdf.ts): the same
 * sections and numbers as the workbook, formatted by `formatFigure`. Self-contained (no script, no
 * request), every text from the report escaped.
 */
import { COMPARED_FIGURES, type FigureChange, type Report } from '../../common/report.ts';
import { figureAt } from './period-figures.ts';
import { ALERT_RULE_NAMES } from '../../common/alerts.ts';
import { reportTitle } from './report-labels.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const grouped = (n: number, decimals: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: true });

/** How the PDF writes a figure: rates as percentages with two decimals, money in yuan, counts grouped. */
export function formatFigure(key: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (key.endsWith('Rate') || key === 'share') return `${(v * 100).toFixed(2)}%`;
  if (key.endsWith('amount')) return grouped(v, 2);
  return grouped(v, 0);
}

/** A change: relative in percent, a rate's change in 个百分点. */
export function formatChange(kind: FigureChange['kind'], v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const sign = v > 0 ? '+' : '';
  return kind === 'points' ? `${sign}${(v * 100).toFixed(2)}个百分点` : `${sign}${(v * 100).toFixed(1)}%`;
}

/** A cell that holds a number (or a change, or no value): right-aligned. */
const NUMERIC = /^([+-]?[\d,.]+(%|个百分点|星)?|—)$/;

const table = (head: string[], rows: string[][]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.length === 0
      ? `<tr><td colspan="${head.length}" class="none">（无数据）</td></tr>`
      : rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 && NUMERIC.test(c) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')
  }</tbody></table>`;

export function reportHtml(r: Report): string {
  const title = reportTitle(r);
  const overview = COMPARED_FIGURES.map(({ key, name, kind }) => {
    const c = r.change[key];
    return [
      name,
      formatFigure(key, figureAt(r.figures, key)),
      formatFigure(key, c?.previous),
      formatChange(kind, c?.mom ?? null),
      formatFigure(key, c?.yearBefore),
      formatChange(kind, c?.yoy ?? null),
    ];
  });
  const kpis = r.kpis.map((k) => [k.name, formatFigure(k.key, k.value), formatFigure(k.key, k.target), k.met === null ? '—' : k.met ? '达标' : '未达标']);
  const rank = (entries: Report['rankings']['departmentsByCompleted'], key: string, withBasis: boolean) =>
    entries.map((e, i) => [String(i + 1), e.name, formatFigure(key, e.value), ...(withBasis ? [formatFigure('count', e.basis ?? null)] : [])]);
  const levels = r.ratingLevels.map((l) => [l.name, `${l.score}星`, formatFigure('count', l.count), formatFigure('share', l.share)]);
  const alerts = [
    ['产生预警', r.alerts.raised],
    ['其中黄牌', r.alerts.raisedYellow],
    ['其中红牌', r.alerts.raisedRed],
    ['已处置', r.alerts.handled],
    ['人工办结', r.alerts.resolved],
    ['自动关闭', r.alerts.closed],
    ['未处置', r.alerts.unresolved],
  ].map(([name, n]) => [String(name), formatFigure('count', n as number)]);
  const byRule = Object.entries(ALERT_RULE_NAMES)
    .filter(([rule]) => Object.hasOwn(r.alerts.byRule, rule))
    .map(([rule, name]) => [name, formatFigure('count', r.alerts.byRule[rule]!)]);
  const trades = [
    ...r.trading.byCategory.map((c) => [c.name, formatFigure('count', c.count), formatFigure('amount', c.amount)]),
    ['交易合计', formatFigure('count', r.trading.count), formatFigure('amount', r.trading.amount)],
    ['收费合计', formatFigure('count', r.fees.count), formatFigure('amount', r.fees.amount)],
  ];
  const followUps = r.reviews.followUps.map((f) => [f.reviewDay, f.dept ?? '', f.score === null ? '' : `${f.score}星`, f.result, f.inTime ? '按时' : '逾期']);

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
  @page { size: A4; margin: 14mm 12mm; }
  body { font-family: 'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif; font-size: 10pt; color: #1b2430; margin: 0; }
  h1 { font-size: 18pt; margin: 0 0 4pt; text-align: center; }
  .meta { text-align: center; color: #555; margin-bottom: 10pt; }
  h2 { font-size: 12pt; border-left: 4pt solid #2f6fb3; padding-left: 6pt; margin: 12pt 0 5pt; break-after: avoid; }
  table { width: 100%; border-collapse: collapse; margin-bottom: 4pt; break-inside: auto; }
  th, td { border: 0.5pt solid #9aa7b5; padding: 2.5pt 5pt; }
  th { background: #dde6f2; font-weight: bold; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  td.none { text-align: center; color: #888; }
  tr { break-inside: avoid; }
  .two { display: flex; gap: 10pt; } .two > div { flex: 1; }
</style></head><body>
<h1>${esc(title)}</h1>
<div class="meta">${esc(r.period.label)}（${esc(r.period.fromDate)} 至 ${esc(r.period.toDate)}） · 生成于 ${esc(r.generatedAt.slice(0, 16).replace('T', ' '))}</div>
<h2>一、主要指标（环比 ${esc(r.previous.period.label)}，同比 ${esc(r.yearBefore.period.label)}）</h2>
${table(['指标', '本期', '环比期', '环比', '同期', '同比'], overview)}
<h2>二、考核指标</h2>
${table(['指标', '实际', '目标', '是否达标'], kpis)}
${table(
  ['超期情况', '件数'],
  [
    ['超期办结件数', formatFigure('count', r.overdue.completedOverdue)],
    ['当前超期未办结件数', formatFigure('count', r.overdue.openOverdueNow)],
  ],
)}
<h2>三、排名</h2>
<div class="two"><div>${table(['名次', '部门', '办结件数'], rank(r.rankings.departmentsByCompleted, 'count', false))}</div>
<div>${table(['名次', '部门', '满意率', '评价数'], rank(r.rankings.departmentsBySatisfaction, 'satisfactionRate', true))}</div></div>
<div class="two"><div>${table(['名次', '部门', '超期办结'], rank(r.rankings.departmentsByOverdue, 'count', false))}</div>
<div>${table(['名次', '部门', '差评数', '评价数'], rank(r.rankings.departmentsByBadReviews, 'count', true))}</div></div>
${table(['名次', '窗口', '办结人次'], rank(r.rankings.windowsByFinished, 'count', false))}
<h2>四、好差评</h2>
<div class="two"><div>${table(['评价等级', '星级', '评价数', '占比'], levels)}</div>
<div>${table(
    ['差评整改', '数值'],
    [
      ['差评数', formatFigure('count', r.reviews.bad)],
      ['已回访', formatFigure('count', r.reviews.followedUp)],
      ['按时整改', formatFigure('count', r.reviews.inTime)],
      ['回访后满意', formatFigure('count', r.reviews.reratedSatisfied)],
      ['整改率', formatFigure('rectificationRate', r.reviews.rectificationRate)],
    ],
  )}</div></div>
${followUps.length > 0 ? table(['差评日期', '部门', '星级', '回访结果', '是否按时'], followUps) : ''}
<h2>五、预警</h2>
<div class="two"><div>${table(['预警', '数量'], alerts)}</div><div>${table(['预警类型', '数量'], byRule)}</div></div>
<h2>六、交易与收费</h2>
${table(['类别', '宗数/笔数', '金额（元）'], trades)}
</body></html>`;
}
