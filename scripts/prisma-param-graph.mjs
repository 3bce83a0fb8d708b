// Rewrites the parameterization graph Prisma embeds in the generated client so that it costs
// ~2 MB of heap instead of ~15 MB, without changing what it says.
//
// Why: every PrismaClient decodes the graph into one plain object per node whose keys are
// indices into the graph's string table (`edges[fieldIndex] = edge`, @prisma/client 7.x).
// V8 backs a young object's integer keys with a flat array as long as the largest key (up
// to 5,000 slots) rather than a hash table, so ~2,800 nodes keyed by indices up to ~1,000
// hold ~15 MB of mostly empty slots. An index ≥ 1024 on an empty object makes V8 pick the
// hash table (a "gap" larger than JSObject::kMaxGap), so the table is padded with 1024
// unused strings in front and every index in the graph moves up by 1024. Lookups go by
// name (string → index → edge), which is unchanged.
//
// The binary layout read here is @prisma/client 7.10's (varints, see Li in
// runtime/client.js). Anything else is left as generated: `padParamGraph` first checks that
// it re-encodes the graph byte for byte, and returns null when it cannot.

export const PADDING = 1024;
const PAD = '';

/** Reads the graph: header, input nodes, output nodes, roots; indices as stored. */
export function decodeParamGraph(graph) {
  const bytes = Buffer.from(graph, 'base64url');
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      if (at >= bytes.length) throw new Error('param graph: truncated');
      byte = bytes[at++];
      value += (byte & 127) * 2 ** shift;
      shift += 7;
    } while (byte >= 128);
    return value;
  };
  const optional = () => {
    const value = varint();
    return value === 0 ? undefined : value - 1;
  };
  const u16 = () => {
    const value = bytes.readUInt16LE(at);
    at += 2;
    return value;
  };
  const [inputCount, outputCount, rootCount] = [varint(), varint(), varint()];
  const list = (count, edge) => Array.from({ length: count }, () => Array.from({ length: varint() }, edge));
  const inputs = list(inputCount, () => ({ field: varint(), scalarMask: u16(), child: optional(), enumName: optional(), flags: bytes[at++] }));
  const outputs = list(outputCount, () => ({ field: varint(), args: optional(), output: optional() }));
  const roots = Array.from({ length: rootCount }, () => ({ key: varint(), args: optional(), output: optional() }));
  if (at !== bytes.length) throw new Error('param graph: trailing bytes');
  return { inputs, outputs, roots };
}

/** The inverse of decodeParamGraph. */
export function encodeParamGraph({ inputs, outputs, roots }) {
  const out = [];
  const varint = (value) => {
    do {
      const low = value % 128;
      value = Math.floor(value / 128);
      out.push(value > 0 ? low | 128 : low);
    } while (value > 0);
  };
  const optional = (value) => varint(value === undefined ? 0 : value + 1);
  varint(inputs.length);
  varint(outputs.length);
  varint(roots.length);
  for (const node of inputs) {
    varint(node.length);
    for (const edge of node) {
      varint(edge.field);
      out.push(edge.scalarMask & 255, edge.scalarMask >> 8);
      optional(edge.child);
      optional(edge.enumName);
      out.push(edge.flags);
    }
  }
  for (const node of outputs) {
    varint(node.length);
    for (const edge of node) {
      varint(edge.field);
      optional(edge.args);
      optional(edge.output);
    }
  }
  for (const root of roots) {
    varint(root.key);
    optional(root.args);
    optional(root.output);
  }
  return Buffer.from(out).toString('base64url');
}

/** The graph with every string index moved up by `by` (node ids unchanged). */
function shiftStringIndices({ inputs, outputs, roots }, by) {
  const shift = (index) => (index === undefined ? undefined : index + by);
  return {
    inputs: inputs.map((node) => node.map((edge) => ({ ...edge, field: edge.field + by, enumName: shift(edge.enumName) }))),
    outputs: outputs.map((node) => node.map((edge) => ({ ...edge, field: edge.field + by }))),
    roots: roots.map((root) => ({ ...root, key: root.key + by })),
  };
}

/** The schema padded as described above; unchanged when already padded; null when the layout is not the one known here. */
export function padParamGraph(schema) {
  if (schema.strings.length >= PADDING && schema.strings.slice(0, PADDING).every((string) => string === PAD)) return schema;
  let decoded;
  try {
    decoded = decodeParamGraph(schema.graph);
  } catch {
    return null;
  }
  if (encodeParamGraph(decoded) !== schema.graph) return null;
  return { strings: [...Array(PADDING).fill(PAD), ...schema.strings], graph: encodeParamGraph(shiftStringIndices(decoded, PADDING)) };
}

const assignment = /^config\.parameterizationSchema = \{\n {2}strings: JSON\.parse\((".*")\),\n {2}graph: (".*")\n\}$/m;

/** The generated internal/class.ts with its graph padded; the source unchanged (and a reason) when it cannot be. */
export function padGeneratedClient(source) {
  const match = assignment.exec(source);
  if (!match) return { source, skipped: 'no parameterizationSchema assignment in the expected form' };
  const padded = padParamGraph({ strings: JSON.parse(JSON.parse(match[1])), graph: JSON.parse(match[2]) });
  if (!padded) return { source, skipped: 'unknown parameterization graph layout' };
  const text = `config.parameterizationSchema = {\n  strings: JSON.parse(${JSON.stringify(JSON.stringify(padded.strings))}),\n  graph: ${JSON.stringify(padded.graph)}\n}`;
  return { source: source.replace(match[0], () => text) };
}
