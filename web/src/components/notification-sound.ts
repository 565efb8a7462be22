/** The notification sounds the organization may choose (the server's `settings.notifications.sound`). */
export const NOTIFICATION_SOUNDS = ['chime', 'pop', 'bell', 'ding'] as const;
/** A notification sound. */
export type NotificationSound = (typeof NOTIFICATION_SOUNDS)[number];

let audio: AudioContext | undefined;

interface Tone {
  type: OscillatorType;
  frequency: number;
  /** Frequency reached at the end (a pitch sweep), if any. */
  endFrequency?: number;
  start: number;
  duration: number;
  gain: number;
}

// Each sound is a few synthesized tones, so the dashboard ships no audio files.
const SOUNDS: Record<NotificationSound, Tone[]> = {
  chime: [
    { type: 'sine', frequency: 880, start: 0, duration: 0.35, gain: 0.6 },
    { type: 'sine', frequency: 1318.5, start: 0.12, duration: 0.5, gain: 0.5 },
  ],
  pop: [{ type: 'sine', frequency: 720, endFrequency: 240, start: 0, duration: 0.12, gain: 0.9 }],
  bell: [
    { type: 'sine', frequency: 660, start: 0, duration: 1.4, gain: 0.55 },
    { type: 'sine', frequency: 1320, start: 0, duration: 0.9, gain: 0.2 },
    { type: 'sine', frequency: 1980, start: 0, duration: 0.5, gain: 0.1 },
  ],
  ding: [{ type: 'triangle', frequency: 1568, start: 0, duration: 0.6, gain: 0.55 }],
};

/**
 * Plays a notification sound at a volume from 0 to 1, synthesized with the Web Audio API. Browsers allow
 * sound only after the person interacted with the page; before that the call does nothing.
 */
export async function playNotificationSound(sound: NotificationSound, volume: number): Promise<void> {
  if (typeof AudioContext === 'undefined') return;
  audio ??= new AudioContext();
  if (audio.state === 'suspended') await audio.resume();
  const level = Math.max(0, Math.min(1, volume));
  if (level === 0) return;
  const now = audio.currentTime + 0.01;
  for (const tone of SOUNDS[sound]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = tone.type;
    oscillator.frequency.setValueAtTime(tone.frequency, now + tone.start);
    if (tone.endFrequency) oscillator.frequency.exponentialRampToValueAtTime(tone.endFrequency, now + tone.start + tone.duration);
    // A fast attack and an exponential decay sound like a struck object rather than a beep.
    gain.gain.setValueAtTime(0.0001, now + tone.start);
    gain.gain.exponentialRampToValueAtTime(tone.gain * level * 0.6, now + tone.start + 0.012);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + tone.start + tone.duration);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(now + tone.start);
    oscillator.stop(now + tone.start + tone.duration + 0.05);
  }
}
