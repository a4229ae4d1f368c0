/**
 * The hall speaks each call it receives live (docs/screens.md#voice-calling): "请 A023 号 到 5 号窗口",
 * twice, through the announcer's queue (web/voice/voice-announcer.ts). Calls already on the board
 * when the screen starts (or in its cached snapshot) are not read out; a recall is a new call.
 * Silent with `?voice=off`, outside the office hours of the hall config, and until they are known.
 */
import { onScopeDispose, watch, type Ref } from 'vue';
import type { HallOfficePeriod } from '../../common/hall.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import type { useCatalogStore } from '../../web/stores/catalog.ts';
import { createVoiceAnnouncer } from '../../web/voice/voice-announcer.ts';
import { voiceClipUrls } from '../../web/voice/voice-clips.ts';
import { withinOfficeHours } from '../../web/voice/office-hours.ts';
import { hubNow } from '../../web/hub-clock.ts';
import { voiceSettings } from '../../web/voice/voice-settings.ts';
import { announcementTokens } from '../../web/voice/voice-tokens.ts';

/** What the voice did with each live call, newest last (the last 100), for tests and a look from DevTools. */
export interface VoiceDecision {
  ticket: string;
  window: string;
  at: string;
  /** `queued`: read out (twice); `closed`: outside office hours (or not known yet). */
  outcome: 'queued' | 'closed';
}

declare global {
  interface Window {
    __ygVoice?: { decisions: VoiceDecision[] };
  }
}

export function useHallVoice(options: {
  snapshot: Ref<Snapshot | null>;
  /** True once the snapshot comes from the hub (not the cache of the last run). */
  live: Ref<boolean>;
  catalog: ReturnType<typeof useCatalogStore>;
  officeHours: Ref<HallOfficePeriod[] | undefined>;
  params: URLSearchParams;
  scope: string;
}) {
  const settings = voiceSettings(options.params, `hall:${options.scope}`);
  if (!settings.enabled) return { blocked: null, unlock: () => undefined };
  const announcer = createVoiceAnnouncer({ clipUrls: voiceClipUrls(), volume: settings.volume, engine: settings.engine });

  const decisions = (window.__ygVoice ??= { decisions: [] }).decisions;
  const heard = new Set<string>();
  let primed = false;
  watch(
    () => options.snapshot.value?.calls,
    (calls) => {
      if (!calls || !options.live.value) return;
      const fresh = calls.filter((c) => !heard.has(`${c.ticket}@${c.window}@${c.at}`));
      for (const c of calls) heard.add(`${c.ticket}@${c.window}@${c.at}`);
      // the board the screen starts with is history, not a call to make now
      if (!primed) {
        primed = true;
        return;
      }
      // office hours by the hub's clock (web/hub-clock.ts), the center's, not the player PC's
      const open = withinOfficeHours(options.officeHours.value, hubNow());
      // the list is newest first: speak in the order the calls were made
      for (const c of fresh.reverse()) {
        decisions.push({ ticket: c.ticket, window: c.window, at: c.at, outcome: open ? 'queued' : 'closed' });
        if (!open) continue;
        const number = options.catalog.windows.get(c.window)?.number ?? Number(c.window.replace(/^.*\.w0*/, ''));
        announcer.announce(announcementTokens(c.ticket, number));
      }
      if (decisions.length > 100) decisions.splice(0, decisions.length - 100);
      // the list is short (the hub sends the latest 50); forget what has left it
      if (heard.size > 500) for (const key of [...heard].slice(0, heard.size - 200)) heard.delete(key);
    },
  );

  const unlock = () => announcer.unlock();
  window.addEventListener('pointerdown', unlock);
  window.addEventListener('keydown', unlock);
  onScopeDispose(() => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
    announcer.dispose();
  });
  return { blocked: announcer.blocked, unlock };
}
