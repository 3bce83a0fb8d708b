// Events of the leads module.
declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: business account id; the live issue forwards these to the host console */
    'lead.created': { leadId: string; formId: string; accountId: string; source: string; liveSessionId: string | null; at: string };
  }
}

export {};
