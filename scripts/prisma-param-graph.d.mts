export interface ParamGraphSchema {
  strings: string[];
  graph: string;
}
interface InputEdge { field: number; scalarMask: number; child?: number; enumName?: number; flags: number }
interface OutputEdge { field: number; args?: number; output?: number }
interface Root { key: number; args?: number; output?: number }
export interface DecodedParamGraph {
  inputs: InputEdge[][];
  outputs: OutputEdge[][];
  roots: Root[];
}
export const PADDING: number;
export function decodeParamGraph(graph: string): DecodedParamGraph;
export function encodeParamGraph(decoded: DecodedParamGraph): string;
export function padParamGraph(schema: ParamGraphSchema): ParamGraphSchema | null;
export function padGeneratedClient(source: string): { source: string; skipped?: string };
