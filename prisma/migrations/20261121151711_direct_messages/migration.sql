-- CreateEnum
CREATE TYPE "ConversationState" AS ENUM ('REQUEST', 'OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "ConversationOrigin" AS ENUM ('ORGANIC', 'LIVE', 'AD', 'CHAT_LINK');

-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('INBOUND', 'OUTBOUND');

-- CreateEnum
CREATE TYPE "MessageKind" AS ENUM ('TEXT', 'IMAGE', 'VIDEO', 'STICKER', 'SHARE_POST');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('SENT', 'SUPPRESSED');

-- CreateEnum
CREATE TYPE "AutoMessageKind" AS ENUM ('WELCOME', 'SUGGESTED_QUESTION', 'CHAT_PROMPT', 'KEYWORD_REPLY');

-- CreateEnum
CREATE TYPE "AutoMessageReviewState" AS ENUM ('REVIEWING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PrefillReviewState" AS ENUM ('NONE', 'REVIEWING', 'APPROVED', 'REJECTED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ReviewKind" ADD VALUE 'AUTO_MESSAGE';
ALTER TYPE "ReviewKind" ADD VALUE 'CHAT_LINK_PREFILL';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "region" TEXT,
ADD COLUMN     "riskFlagged" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Follow" (
    "userId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Follow_pkey" PRIMARY KEY ("userId","accountId")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "state" "ConversationState" NOT NULL,
    "origin" "ConversationOrigin" NOT NULL,
    "liveSessionId" UUID,
    "adId" UUID,
    "lastUserMessageAt" TIMESTAMP(3),
    "windowRepliesUsed" INTEGER NOT NULL DEFAULT 0,
    "unread" BOOLEAN NOT NULL DEFAULT false,
    "starred" BOOLEAN NOT NULL DEFAULT false,
    "assigneeId" UUID,
    "lastMessageAt" TIMESTAMP(3) NOT NULL,
    "lastMessageId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "conversationId" UUID NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "kind" "MessageKind" NOT NULL,
    "text" TEXT,
    "mediaKey" TEXT,
    "postId" UUID,
    "stickerId" TEXT,
    "senderId" UUID,
    "status" "MessageStatus" NOT NULL DEFAULT 'SENT',
    "autoMessageId" UUID,
    "suggestedQuestionIds" UUID[],
    "liveSessionId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoMessage" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "kind" "AutoMessageKind" NOT NULL,
    "position" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "reviewState" "AutoMessageReviewState" NOT NULL DEFAULT 'REVIEWING',
    "approvedContent" JSONB,
    "approvedAt" TIMESTAMP(3),
    "firedCount" INTEGER NOT NULL DEFAULT 0,
    "lastFiredAt" TIMESTAMP(3),
    "suppressedCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutoMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoReplySettings" (
    "accountId" UUID NOT NULL,
    "welcomeEnabled" BOOLEAN NOT NULL DEFAULT false,
    "suggestedQuestionsEnabled" BOOLEAN NOT NULL DEFAULT false,
    "chatPromptsEnabled" BOOLEAN NOT NULL DEFAULT false,
    "keywordRepliesEnabled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "AutoReplySettings_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "ChatLink" (
    "accountId" UUID NOT NULL,
    "prefill" TEXT,
    "prefillState" "PrefillReviewState" NOT NULL DEFAULT 'NONE',
    "approvedPrefill" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChatLink_pkey" PRIMARY KEY ("accountId")
);

-- CreateIndex
CREATE INDEX "Follow_accountId_idx" ON "Follow"("accountId");

-- CreateIndex
CREATE INDEX "Conversation_accountId_lastMessageAt_id_idx" ON "Conversation"("accountId", "lastMessageAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Conversation_accountId_state_lastMessageAt_idx" ON "Conversation"("accountId", "state", "lastMessageAt" DESC);

-- CreateIndex
CREATE INDEX "Conversation_userId_lastMessageAt_idx" ON "Conversation"("userId", "lastMessageAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_accountId_userId_key" ON "Conversation"("accountId", "userId");

-- CreateIndex
CREATE INDEX "Message_conversationId_createdAt_id_idx" ON "Message"("conversationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AutoMessage_accountId_kind_position_idx" ON "AutoMessage"("accountId", "kind", "position");

-- AddForeignKey
ALTER TABLE "Follow" ADD CONSTRAINT "Follow_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Follow" ADD CONSTRAINT "Follow_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoMessage" ADD CONSTRAINT "AutoMessage_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutoReplySettings" ADD CONSTRAINT "AutoReplySettings_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatLink" ADD CONSTRAINT "ChatLink_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
