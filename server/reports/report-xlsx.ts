/**
 * A report (report-model.ts) as an Excel workbook (exceljs): sheets 概览, 排名, 好差评, 预警,
 * 交易与收费, zh-CN headers, every figure a number cell with a number format (rates as percentages,
 * money in yuan with two decimals), so the workbook sums and charts like any other; a figure
 * without a value is an empty cell. Only the report object is read: the file shows its numbers.
 */
import ExcelJS from 'exceljs';
import { COMPARED_FIGURES, type Report } from '../../common/report.ts';
import { figureAt } from './period-figures.ts';
import { ALERT_RULE_NAMES } from '../../common/alerts.ts';
import { reportTitle } from './report-labels.ts';

export const FORMATS = {
  count: '#,##0',
  rate: '0.00%',
  money: '#,##0.00',
  seconds: '#,##0',
  /** A change in percentage points (a rate's 环比/同比), written as a fraction like a rate. */
  points: '+0.00%;-0.00%;0.00%',
  relative: '+0.0%;-0.0%;0.0%',
} as const;

/** The number format of a compared figure, by its key. */
export function formatOfFigure(key: string): string {
  if (key.endsWith('Rate')) return FORMATS.rate;
  if (key.endsWith('amount')) return FORMATS.money;
  if (key.endsWith('Sec')) return FORMATS.seconds;
  return FORMATS.count;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F2' } };

function header(ws: ExcelJS.Worksheet, values: string[]): void {
  const row = ws.addRow(values);
  row.font = { bold: true };
  row.eachCell((cell) => {
    cell.fill = HEADER_FILL;
  });
}

function numberRow(ws: ExcelJS.Worksheet, values: (string | number | boolean | null)[], formats: (string | undefined)[]): ExcelJS.Row {
  const row = ws.addRow(values.map((v) => (v === null ? undefined : v)));
  formats.forEach((f, i) => {
    if (f) row.getCell(i + 1).numFmt = f;
  });
  return row;
}

export async function reportXlsx(r: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Yangguang';
  wb.created = new Date(Date.parse(r.generatedAt));
  const title = `${reportTitle(r)}（${r.period.label}）`;

  // 概览 ---------------------------------------------------------------------------------------
  const ov = wb.addWorksheet('概览');
  ov.columns = [{ width: 22 }, { width: 16 }, { width: 16 }, { width: 12 }, { width: 16 }, { width: 12 }];
  ov.addRow([title]).font = { bold: true, size: 14 };
  ov.addRow(['统计范围', r.scopeName]);
  ov.addRow(['统计期间', `${r.period.fromDate} 至 ${r.period.toDate}`]);
  ov.addRow(['生成时间', r.generatedAt]);
  ov.addRow([]);
  header(ov, ['指标', '本期', `环比期（${r.previous.period.label}）`, '环比', `同期（${r.yearBefore.period.label}）`, '同比']);
  for (const { key, name, kind } of COMPARED_FIGURES) {
    const c = r.change[key];
    const f = formatOfFigure(key);
    const changeFormat = kind === 'points' ? FORMATS.points : FORMATS.relative;
    numberRow(
      ov,
      [name, figureAt(r.figures, key), c?.previous ?? null, c?.mom ?? null, c?.yearBefore ?? null, c?.yoy ?? null],
      [undefined, f, f, changeFormat, f, changeFormat],
    );
  }
  ov.addRow([]);
  header(ov, ['考核指标', '实际', '目标', '是否达标']);
  for (const k of r.kpis) {
    const f = k.key.endsWith('Rate') ? FORMATS.rate : FORMATS.count;
    numberRow(ov, [k.name, k.value, k.target, k.met === null ? '—' : k.met ? '达标' : '未达标'], [undefined, f, f, undefined]);
  }
  ov.addRow([]);
  header(ov, ['超期情况', '件数']);
  numberRow(ov, ['超期办结件数', r.overdue.completedOverdue], [undefined, FORMATS.count]);
  numberRow(ov, ['当前超期未办结件数', r.overdue.openOverdueNow], [undefined, FORMATS.count]);

  // 排名 ---------------------------------------------------------------------------------------
  const rk = wb.addWorksheet('排名');
  rk.columns = [{ width: 8 }, { width: 36 }, { width: 14 }, { width: 12 }];
  const ranking = (name: string, valueName: string, entries: Report['rankings']['departmentsByCompleted'], format: string, basisName?: string) => {
    rk.addRow([name]).font = { bold: true };
    header(rk, ['名次', '名称', valueName, ...(basisName ? [basisName] : [])]);
    entries.forEach((e, i) => numberRow(rk, [i + 1, e.name, e.value, ...(basisName ? [e.basis ?? null] : [])], [undefined, undefined, format, FORMATS.count]));
    if (entries.length === 0) rk.addRow(['', '（无数据）']);
    rk.addRow([]);
  };
  ranking('部门办结量排名', '办结件数', r.rankings.departmentsByCompleted, FORMATS.count);
  ranking('部门满意率排名（由低到高）', '满意率', r.rankings.departmentsBySatisfaction, FORMATS.rate, '评价数');
  ranking('部门超期办结排名', '超期办结件数', r.rankings.departmentsByOverdue, FORMATS.count);
  ranking('部门差评排名', '差评数', r.rankings.departmentsByBadReviews, FORMATS.count, '评价数');
  ranking('窗口办件量排名', '办结人次', r.rankings.windowsByFinished, FORMATS.count);

  // 好差评 -------------------------------------------------------------------------------------
  const rv = wb.addWorksheet('好差评');
  rv.columns = [{ width: 16 }, { width: 12 }, { width: 12 }, { width: 14 }, { width: 14 }, { width: 16 }, { width: 12 }];
  header(rv, ['评价等级', '星级', '评价数', '占比']);
  for (const l of r.ratingLevels) numberRow(rv, [l.name, l.score, l.count, l.share], [undefined, undefined, FORMATS.count, FORMATS.rate]);
  numberRow(rv, ['合计', null, r.figures.ratings.total, null], [undefined, undefined, FORMATS.count]);
  numberRow(rv, ['满意率', null, r.figures.ratings.satisfactionRate, null], [undefined, undefined, FORMATS.rate]);
  rv.addRow([]);
  header(rv, ['差评整改', '数值']);
  numberRow(rv, ['差评数', r.reviews.bad], [undefined, FORMATS.count]);
  numberRow(rv, ['已回访', r.reviews.followedUp], [undefined, FORMATS.count]);
  numberRow(rv, ['按时整改', r.reviews.inTime], [undefined, FORMATS.count]);
  numberRow(rv, ['回访后满意', r.reviews.reratedSatisfied], [undefined, FORMATS.count]);
  numberRow(rv, ['整改率', r.reviews.rectificationRate], [undefined, FORMATS.rate]);
  rv.addRow([]);
  header(rv, ['差评日期', '部门', '窗口', '星级', '回访结果', '是否按时', '回访人']);
  for (const f of r.reviews.followUps) rv.addRow([f.reviewDay, f.dept ?? '', f.window ?? '', f.score ?? '', f.result, f.inTime ? '按时' : '逾期', f.by]);

  // 预警 ---------------------------------------------------------------------------------------
  const al = wb.addWorksheet('预警');
  al.columns = [{ width: 22 }, { width: 12 }];
  header(al, ['预警', '数量']);
  const alertRows: [string, number][] = [
    ['产生预警', r.alerts.raised],
    ['其中黄牌', r.alerts.raisedYellow],
    ['其中红牌', r.alerts.raisedRed],
    ['已处置', r.alerts.handled],
    ['人工办结', r.alerts.resolved],
    ['自动关闭', r.alerts.closed],
    ['未处置', r.alerts.unresolved],
  ];
  for (const [name, n] of alertRows) numberRow(al, [name, n], [undefined, FORMATS.count]);
  al.addRow([]);
  header(al, ['预警类型', '数量']);
  for (const [rule, name] of Object.entries(ALERT_RULE_NAMES))
    numberRow(al, [name, Object.hasOwn(r.alerts.byRule, rule) ? r.alerts.byRule[rule]! : 0], [undefined, FORMATS.count]);

  // 交易与收费 ----------------------------------------------------------------------------------
  const tr = wb.addWorksheet('交易与收费');
  tr.columns = [{ width: 28 }, { width: 12 }, { width: 20 }];
  header(tr, ['交易类别', '宗数', '金额（元）']);
  for (const c of r.trading.byCategory) numberRow(tr, [c.name, c.count, c.amount], [undefined, FORMATS.count, FORMATS.money]);
  numberRow(tr, ['交易合计', r.trading.count, r.trading.amount], [undefined, FORMATS.count, FORMATS.money]);
  tr.addRow([]);
  header(tr, ['收费', '笔数', '金额（元）']);
  numberRow(tr, ['收费合计', r.fees.count, r.fees.amount], [undefined, FORMATS.count, FORMATS.money]);

  return Buffer.from(await wb.xlsx.writeBuffer());
}
