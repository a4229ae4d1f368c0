/**
 * What the hub's parts read of the configuration, always the current version: each is one object
 * whose fields or methods read the store's section at use time (or a view of it rebuilt once per
 * change, swapped whole), so no part keeps a stale copy and none needs a restart (docs/admin.md).
 */
import type { Logger } from 'pino';
import { createWorkCalendar, type WorkCalendar } from '../../common/calendar.ts';
import type { CockpitConfig } from '../../common/cockpit.ts';
import type { HallConfig } from '../../common/hall.ts';
import { buildAlertConfig, liveAlertConfig, type AlertConfig } from '../alerts/alert-config.ts';
import { syncCalendar } from '../aggregate/calendar-sync.ts';
import { indexCatalog, liveCatalogIndex, type CatalogIndex } from '../catalog/load-catalog.ts';
import type { NotifyConfigSource } from '../notify/notify-config.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ConfigStore } from './config-store.ts';

export interface LiveConfig {
  catalog: CatalogIndex;
  alerts: AlertConfig;
  calendar: WorkCalendar;
  hall: () => HallConfig;
  cockpit: () => CockpitConfig;
  notify: NotifyConfigSource;
}

/** A calendar that answers the current holidays section. */
function liveCalendar(current: () => WorkCalendar): WorkCalendar {
  return {
    isWorkday: (day) => current().isWorkday(day),
    knownYears: () => current().knownYears(),
    exceptions: () => current().exceptions(),
  };
}

export function liveConfig(store: ConfigStore, deps: { redis: RedisClient; keys: RedisKeys; log: Pick<Logger, 'warn'> }): LiveConfig {
  let catalog = indexCatalog(store.current('catalog'));
  let alerts = buildAlertConfig(store.current('alerts'));
  let calendar = createWorkCalendar(store.current('holidays'));
  store.onChange(async (section) => {
    if (section === 'catalog') catalog = indexCatalog(store.current('catalog'));
    else if (section === 'alerts') alerts = buildAlertConfig(store.current('alerts'));
    else if (section === 'holidays') {
      calendar = createWorkCalendar(store.current('holidays'));
      // the aggregation's Lua reads the working days from Redis (every hub writes the same)
      await syncCalendar(deps.redis, deps.keys, calendar);
    }
  });
  return {
    catalog: liveCatalogIndex(() => catalog),
    alerts: liveAlertConfig(() => alerts),
    calendar: liveCalendar(() => calendar),
    hall: () => store.current('hall'),
    cockpit: () => store.current('cockpit'),
    notify: { current: () => store.current('notify'), refresh: () => store.refresh() },
  };
}
