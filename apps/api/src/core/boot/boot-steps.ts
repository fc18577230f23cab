/**
 * What the boot did and how long each step took, for the few lines `npm start` prints when it is
 * ready (main.ts), and the one-time administrator password to show there in a box.
 */
const steps: { name: string; ms: number }[] = [];
const notices: string[] = [];
let oneTimeAdmin: { username: string; password: string } | null = null;

let phase: { name: string; setting: string | null } = { name: 'reading the configuration', setting: null };

/**
 * What the boot is doing now and the setting that governs it, for the one line main.ts prints when
 * the boot fails (e.g. "applying the migrations (DATABASE_URL)").
 */
export function bootPhase(name: string, setting: string | null = null): void {
  phase = { name, setting };
}

export function currentBootPhase(): { name: string; setting: string | null } {
  return phase;
}

export function bootStep(name: string, ms: number): void {
  steps.push({ name, ms });
}

/** A line worth a person's attention at the end of the boot (e.g. where the demo accounts are). */
export function bootNotice(line: string): void {
  notices.push(line);
}

export function setOneTimeAdmin(username: string, password: string): void {
  oneTimeAdmin = { username, password };
}

export function bootReport(): { steps: { name: string; ms: number }[]; notices: string[]; oneTimeAdmin: { username: string; password: string } | null } {
  return { steps: [...steps], notices: [...notices], oneTimeAdmin };
}
