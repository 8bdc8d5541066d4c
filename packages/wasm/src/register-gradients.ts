/** Placeholder replaced below. */
export function registerGradients(): void {}
