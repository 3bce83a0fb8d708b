// Events of the business page module.
declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: business account id; the page, its info or its gallery changed */
    businessPage: { accountId: string; at: string };
  }
}

export {};
