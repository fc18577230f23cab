/**
 * What the boot did and how long each step took, for the few lines `npm start` prints when it is
 * ready (main.ts), and the one-time administrator password to show there in a box.
 */
const steps: { name: string; ms: number }[] = [];
const notices: string[] = [];
let oneTimeAdmin: { username: string; password: string } | null = null;

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
