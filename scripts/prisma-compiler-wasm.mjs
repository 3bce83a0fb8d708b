// Rewrites how the generated client loads Prisma's query compiler (WebAssembly shipped as a
// base64 string in a JavaScript module) so that the string does not stay in memory.
//
// Why: as generated, the client `import()`s the ES module holding the string; an ES module is
// never unloaded, so its source text and the string it exports (2.2 MB each) stay on the heap
// for the life of the process, long after the module has been compiled. The CommonJS twin of
// that file, `require`d from a throwaway `require` and removed from its cache at once, leaves
// nothing behind once the WebAssembly module is built (4.4 MB less heap).

const generated = /^( *)const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[\w.-]+\.wasm-base64)\.mjs"\)$/m;

/** The generated internal/class.ts loading the compiler as described; unchanged (with a reason) when the code is not the one expected. */
export function dropCompilerWasmSource(source) {
  if (source.includes('wasm-base64.js')) return { source };
  const match = generated.exec(source);
  if (!match) return { source, skipped: 'no import of the query compiler in the expected form' };
  const [, indent, specifier] = match;
  const lines = [
    `// required, then dropped from the cache: the base64 text is garbage once compiled (scripts/prisma-compiler-wasm.mjs)`,
    `const { createRequire } = await import('node:module')`,
    `const require = createRequire(import.meta.url)`,
    `const file = require.resolve(${JSON.stringify(`${specifier}.js`)})`,
    `const { wasm } = require(file)`,
    `delete require.cache[file]`,
  ];
  return { source: source.replace(match[0], () => lines.map((line) => indent + line).join('\n')) };
}
