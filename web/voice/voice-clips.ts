/// <reference types="vite/client" />
/**
 * The URLs of the committed voice clips (web/voice/clips/*.wav, made by
 * scripts/make-voice-clips.ts), by clip name; Vite emits them as hashed assets under
 * /screens/assets, so they load from the hub on the hall's own network, offline.
 */
const files = import.meta.glob<string>('./clips/*.wav', { eager: true, query: '?url', import: 'default' });

export function voiceClipUrls(): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [file, url] of Object.entries(files)) urls[file.replace(/^.*\/(.+)\.wav$/, '$1')] = url;
  return urls;
}
