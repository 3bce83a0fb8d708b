// OpenTelemetry spans for GraphQL operations (OTEL_TRACING=true): one span per execute or
// subscribe, named for the operation, with its type and errors. Spans go to the tracer
// provider registered globally (an operator's SDK set-up, e.g. a `--import` of the OpenTelemetry
// Node SDK with an OTLP exporter), or to the one a test passes. Never the document, variables
// or result: they carry message texts and personal data.
// Loaded only when tracing is on: the plugin and its semantic conventions cost ~4 MB of heap.
import type { TracerProvider } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';

export async function useTracing(provider?: TracerProvider): Promise<Plugin> {
  const [{ useOpenTelemetry }, { trace }] = await Promise.all([import('@envelop/opentelemetry'), import('@opentelemetry/api')]);
  return useOpenTelemetry({ document: false, variables: false, result: false, resolvers: false, defaultResolvers: false }, provider ?? trace.getTracerProvider(), undefined, undefined, 'livesuite') as Plugin;
}
