// Descriptions for fields other plugins generate without a way to describe them: the Prisma
// plugin's connection `totalCount` takes no description option.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';

export class DefaultDescriptionsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (fieldConfig.description || !fieldConfig.extensions?.pothosPrismaTotalCount) return fieldConfig;
    return { ...fieldConfig, description: 'How many items the whole list holds, across all pages.' };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      defaultDescriptions: DefaultDescriptionsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('defaultDescriptions', DefaultDescriptionsPlugin);

export default 'defaultDescriptions' as const;
