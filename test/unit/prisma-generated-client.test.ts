// The two rewrites scripts/prisma-generate.mjs applies to the generated client: the padded
// parameterization graph must say exactly what Prisma generated, and the query compiler must
// still load (every API test runs queries through it).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeParamGraph, encodeParamGraph, PADDING, padGeneratedClient, padParamGraph, type DecodedParamGraph, type ParamGraphSchema } from '../../scripts/prisma-param-graph.mjs';
import { dropCompilerWasmSource } from '../../scripts/prisma-compiler-wasm.mjs';

const generated = readFileSync('src/generated/prisma/internal/class.ts', 'utf8');
const embedded = /^config\.parameterizationSchema = \{\n {2}strings: JSON\.parse\((".*")\),\n {2}graph: (".*")\n\}$/m.exec(generated)!;

/** The graph with string indices replaced by the strings: what lookups by name see. */
function byName(schema: ParamGraphSchema) {
  const graph: DecodedParamGraph = decodeParamGraph(schema.graph);
  const name = (index?: number) => (index === undefined ? undefined : schema.strings[index]);
  return {
    inputs: graph.inputs.map((node) => node.map((edge) => ({ ...edge, field: name(edge.field), enumName: name(edge.enumName) }))),
    outputs: graph.outputs.map((node) => node.map((edge) => ({ ...edge, field: name(edge.field) }))),
    roots: graph.roots.map((root) => ({ ...root, key: name(root.key) })),
  };
}

/** The schema as Prisma generated it: the padding removed, indices moved back. */
function unpadded(schema: ParamGraphSchema): ParamGraphSchema {
  const graph = decodeParamGraph(schema.graph);
  const back = (index?: number) => (index === undefined ? undefined : index - PADDING);
  return {
    strings: schema.strings.slice(PADDING),
    graph: encodeParamGraph({
      inputs: graph.inputs.map((node) => node.map((edge) => ({ ...edge, field: edge.field - PADDING, enumName: back(edge.enumName) }))),
      outputs: graph.outputs.map((node) => node.map((edge) => ({ ...edge, field: edge.field - PADDING }))),
      roots: graph.roots.map((root) => ({ ...root, key: root.key - PADDING })),
    }),
  };
}

describe('the parameterization graph', () => {
  const padded: ParamGraphSchema = { strings: JSON.parse(JSON.parse(embedded[1])), graph: JSON.parse(embedded[2]) };

  it('is padded in the generated client, every string index at or above the padding', () => {
    expect(padded.strings.slice(0, PADDING).every((string) => string === '')).toBe(true);
    const graph = decodeParamGraph(padded.graph);
    const indices = [...graph.inputs.flat().flatMap((edge) => [edge.field, edge.enumName ?? PADDING]), ...graph.outputs.flat().map((edge) => edge.field), ...graph.roots.map((root) => root.key)];
    expect(indices.length).toBeGreaterThan(1000);
    expect(Math.min(...indices)).toBeGreaterThanOrEqual(PADDING);
  });

  it('says by name what Prisma generated', () => {
    const original = unpadded(padded);
    expect(original.strings.includes('')).toBe(false);
    expect(byName(padParamGraph(original)!)).toEqual(byName(original));
    expect(padParamGraph(original)).toEqual(padded);
  });

  it('is padded once, and a layout it does not know is left alone', () => {
    expect(padParamGraph(padded)).toBe(padded);
    // four zero bytes: an empty graph, then one byte too many
    expect(padParamGraph({ strings: ['a'], graph: 'AAAAAA' })).toBeNull();
    expect(padGeneratedClient('export {}')).toEqual({ source: 'export {}', skipped: expect.any(String) });
    expect(padGeneratedClient(generated).source).toBe(generated);
  });
});

describe('the query compiler', () => {
  it('is required from its CommonJS file and dropped from the cache', () => {
    expect(generated).toContain('wasm-base64.js');
    expect(generated).not.toContain('wasm-base64.mjs');
    expect(dropCompilerWasmSource(generated).source).toBe(generated);
  });

  it('names a CommonJS file that holds the compiler', () => {
    const specifier = /require\.resolve\("([^"]+)"\)/.exec(generated)![1];
    const require = createRequire(import.meta.url);
    const { wasm } = require(require.resolve(specifier)) as { wasm: string };
    expect(WebAssembly.validate(Buffer.from(wasm, 'base64'))).toBe(true);
  });
});
