// Argv builders the runner itself needs: values are separate argv elements,
// never shell text.

/** `command -v NAME` through sh, NAME passed positionally. */
export const commandV = (name: string): string[] => ['sh', '-c', 'command -v "$1"', 'sh', name];
