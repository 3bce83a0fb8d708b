// Events of the messaging module.
declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: business account id; for the team's inbox */
    inbox: { type: 'MESSAGE_RECEIVED' | 'MESSAGE_SENT' | 'CONVERSATION_CHANGED'; conversationId: string; messageId: string | null };
    /** id: conversation id; for the user's own conversation view (never suppressed messages) */
    conversation: { type: 'MESSAGE' | 'CONVERSATION_CHANGED'; conversationId: string; messageId: string | null };
  }
}

export {};
