import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { IndicatorGrouping, IndicatorReport } from '@gc/contracts';
import type { Principal } from '../auth/principal';
import { IndicatorsService } from './indicators.service';

/** Sheet names (Chinese first: the workbook goes to a meeting) and the groupings in the monthly workbook. */
export const EXPORT_SHEETS: [IndicatorGrouping, string][] = [
  ['street', '街道'],
  ['community', '社区'],
  ['grid', '网格'],
  ['department', '部门'],
  ['worker', '网格员'],
  ['category', '问题类别'],
  ['source', '来源'],
];

/**
 * The evaluation workbook (XLSX, exceljs): a first sheet "说明" with the period, the attribution
 * and each indicator's formula version, then one sheet per grouping with every indicator for the
 * period and the previous one. Figures come from the same report as GET /api/indicators.
 */
@Injectable()
export class IndicatorsExportService {
  constructor(private readonly indicators: IndicatorsService) {}

  async workbook(p: Principal, q: { from?: string; to?: string; attribution: 'then' | 'now' }): Promise<Buffer> {
    const reports: [string, IndicatorReport][] = [];
    for (const [groupBy, sheet] of EXPORT_SHEETS) reports.push([sheet, await this.indicators.report(p, { ...q, groupBy })]);
    const first = reports[0][1];
    const wb = new ExcelJS.Workbook();
    wb.creator = 'grid-governance command centre';
    wb.created = new Date();
    const about = wb.addWorksheet('说明');
    about.addRow(['考核周期 period', `${first.from} — ${first.to}`]);
    about.addRow(['上期 previous period', `${first.previousFrom} — ${first.previousTo}`]);
    about.addRow(['归属口径 attribution', first.attribution === 'then' ? '按当时网格 as then' : '按现行网格 as now']);
    about.addRow(['数据截至 facts as of', first.factsAsOf ?? '']);
    about.addRow([]);
    about.addRow(['指标代码 code', '指标 indicator', 'indicator', '公式版本 version', '生效日期 effective', '公式 formula']);
    for (const f of first.indicators) {
      about.addRow([f.code, f.name, f.nameEn, f.version, f.effectiveFrom, `${f.formula.scale ?? 1} × Σ(${f.formula.num.join('+')})${f.formula.den ? ` / Σ(${f.formula.den.join('+')})` : ''}`]);
    }
    about.columns.forEach((c) => (c.width = 24));
    for (const [sheet, r] of reports) {
      const ws = wb.addWorksheet(sheet);
      ws.addRow(['名称 name', '代码 code', ...r.indicators.map((f) => `${f.name} (v${f.version})`), ...r.indicators.map((f) => `上期 ${f.name}`)]);
      ws.getRow(1).font = { bold: true };
      for (const row of r.rows) {
        ws.addRow([row.name, row.code ?? row.key, ...r.indicators.map((f) => row.values[f.code]), ...r.indicators.map((f) => row.previous[f.code])]);
      }
      ws.views = [{ state: 'frozen', xSplit: 1, ySplit: 1 }];
      ws.getColumn(1).width = 22;
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
