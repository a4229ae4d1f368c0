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
