// Events of the business page module.
declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: business account id; the page, its info or its gallery changed */
    businessPage: { accountId: string; at: string };
    /**
     * id: always `all` (every instance listens): what a visitor sees of these accounts or
     * handles may have changed; each instance drops its cached public pages of them
     */
    publicPageChanged: { accountIds: string[]; handles: string[] };
  }
}

export {};
