/** An error that stops the process at boot with one clear line (no stack trace). */
export class BootError extends Error {}
