/**
 * The hall's own settings (config/hall.json), as GET /api/v1/screens/hall answers them: an
 * optional title and the notices the hall wall scrolls. The hub checks the file with this schema
 * on each request; the hall screen (screens/hall/hall-config.ts) reads the answer as `HallConfig`.
 */
import { z } from 'zod';

export const hallConfigSchema = z.object({
  title: z.string().min(1).optional(),
  notices: z.array(z.object({ tag: z.string().min(1).max(12), text: z.string().min(1).max(500) })).max(100),
});

export type HallConfig = z.infer<typeof hallConfigSchema>;

/**
 * What GET /api/v1/screens/hall answers: the hall config and the office hours (config/alerts.json
 * `officeHours`, Asia/Shanghai time of day, each [from, to)), outside which the hall does not speak
 * calls (docs/screens.md#voice-calling).
 */
export const hallScreenConfigSchema = hallConfigSchema.extend({
  officeHours: z.array(z.object({ from: z.string().regex(/^\d\d:\d\d$/), to: z.string().regex(/^\d\d:\d\d$/) })),
});

export type HallScreenConfig = z.infer<typeof hallScreenConfigSchema>;
export type HallOfficePeriod = HallScreenConfig['officeHours'][number];

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Office periods as minutes of the day (the hub's form) in the screen's form. */
export function hallOfficeHours(periods: readonly { from: number; to: number }[]): HallOfficePeriod[] {
  return periods.map((p) => ({ from: hhmm(p.from), to: hhmm(p.to) }));
}
