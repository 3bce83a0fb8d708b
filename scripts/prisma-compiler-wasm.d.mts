export function dropCompilerWasmSource(source: string): { source: string; skipped?: string };
