/** The fleet board's calls: the screen list and the commands (admin session, docs/screens.md#the-fleet). */
import type { FleetAnswer, FleetCommand, FleetCommandBody } from '../../common/fleet.ts';
import { jsonCall } from '../util/json-call.ts';

export const listScreens = (): Promise<FleetAnswer> => jsonCall('GET', '/api/v1/screens');

export const commandScreen = (id: string, body: FleetCommandBody): Promise<{ command: FleetCommand }> =>
  jsonCall('POST', `/api/v1/screens/${encodeURIComponent(id)}/commands`, body);

export const commandGroup = (group: string, body: FleetCommandBody): Promise<{ commands: FleetCommand[] }> =>
  jsonCall('POST', '/api/v1/screens/commands', { ...body, group });
