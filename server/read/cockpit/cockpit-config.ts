/**
 * The cockpit's settings (config/coverage.json: coverage of the townships and communities, the KPI
 * targets): the schema of the `cockpit` section, and the file loader a hub without a config store uses.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { CockpitConfig } from '../../../common/cockpit.ts';
import { ConfigError } from '../../config/env.ts';

const coverageFigure = z
  .object({
    label: z.string().min(1).max(40),
    total: z.number().int().positive(),
    covered: z.number().int().min(0),
  })
  .refine((c) => c.covered <= c.total, { message: 'covered must not exceed total' });
const rate = z.number().min(0).max(1);

/** The `cockpit` configuration section (docs/admin.md): config/coverage.json's shape. */
export const cockpitSectionSchema = z.object({
  coverage: z.object({ township: coverageFigure, community: coverageFigure }),
  targets: z.object({
    earlyRate: rate,
    onTimeRate: rate,
    satisfactionRate: rate,
    upheldComplaints: z.number().int().min(0),
    portalDailyAverage: z.number().int().positive(),
    portalPeak: z.number().int().positive(),
  }),
  rankings: z.object({ minRatingsForSatisfaction: z.number().int().min(1) }),
});

export function loadCockpitConfig(file: string): CockpitConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cockpit: cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = cockpitSectionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`cockpit: ${file} at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
