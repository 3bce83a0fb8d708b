-- CreateEnum
CREATE TYPE "AdState" AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'ENDED');

-- CreateEnum
CREATE TYPE "AdCreativeKind" AS ENUM ('UPLOADED_VIDEO', 'POST');

-- AlterEnum
ALTER TYPE "AutoMessageKind" ADD VALUE 'AWAY';

-- AlterTable
ALTER TABLE "AutoMessage" ADD COLUMN     "adId" UUID;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "awaySentUntil" TIMESTAMP(3),
ADD COLUMN     "firstAdClickId" UUID,
ADD COLUMN     "lastAdClickId" UUID;

-- CreateTable
CREATE TABLE "Ad" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "state" "AdState" NOT NULL DEFAULT 'DRAFT',
    "creativeKind" "AdCreativeKind" NOT NULL,
    "creativeMediaKey" TEXT,
    "creativePostId" UUID,
    "showOnlyAsAd" BOOLEAN NOT NULL DEFAULT false,
    "replyHours" JSONB NOT NULL DEFAULT '[]',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "activatedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Ad_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdClick" (
    "id" UUID NOT NULL,
    "clickId" TEXT NOT NULL,
    "adId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "conversationId" UUID NOT NULL,
    "clickedAt" TIMESTAMP(3) NOT NULL,
    "adTitle" TEXT NOT NULL,
    "creativeKind" "AdCreativeKind" NOT NULL,
    "creativeMediaKey" TEXT,
    "creativePostId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdClick_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdConversation" (
    "adId" UUID NOT NULL,
    "conversationId" UUID NOT NULL,
    "firstClickAt" TIMESTAMP(3) NOT NULL,
    "lastClickAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "firstReplyAt" TIMESTAMP(3),

    CONSTRAINT "AdConversation_pkey" PRIMARY KEY ("adId","conversationId")
);

-- CreateTable
CREATE TABLE "AdSpend" (
    "adId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdSpend_pkey" PRIMARY KEY ("adId","day")
);

-- CreateTable
CREATE TABLE "AdDailyResult" (
    "adId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "conversationsStarted" INTEGER NOT NULL DEFAULT 0,
    "firstReplies" INTEGER NOT NULL DEFAULT 0,
    "leads" INTEGER NOT NULL DEFAULT 0,
    "spendMinor" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AdDailyResult_pkey" PRIMARY KEY ("adId","day")
);

-- CreateIndex
CREATE INDEX "Ad_accountId_createdAt_idx" ON "Ad"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "Ad_creativePostId_idx" ON "Ad"("creativePostId");

-- CreateIndex
CREATE UNIQUE INDEX "AdClick_clickId_key" ON "AdClick"("clickId");

-- CreateIndex
CREATE INDEX "AdClick_conversationId_clickedAt_idx" ON "AdClick"("conversationId", "clickedAt");

-- CreateIndex
CREATE INDEX "AdClick_adId_clickedAt_idx" ON "AdClick"("adId", "clickedAt");

-- CreateIndex
CREATE INDEX "AdConversation_conversationId_idx" ON "AdConversation"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "AutoMessage_adId_key" ON "AutoMessage"("adId");

-- AddForeignKey
ALTER TABLE "AutoMessage" ADD CONSTRAINT "AutoMessage_adId_fkey" FOREIGN KEY ("adId") REFERENCES "Ad"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ad" ADD CONSTRAINT "Ad_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ad" ADD CONSTRAINT "Ad_creativePostId_fkey" FOREIGN KEY ("creativePostId") REFERENCES "Post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdClick" ADD CONSTRAINT "AdClick_adId_fkey" FOREIGN KEY ("adId") REFERENCES "Ad"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdConversation" ADD CONSTRAINT "AdConversation_adId_fkey" FOREIGN KEY ("adId") REFERENCES "Ad"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdConversation" ADD CONSTRAINT "AdConversation_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdSpend" ADD CONSTRAINT "AdSpend_adId_fkey" FOREIGN KEY ("adId") REFERENCES "Ad"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdDailyResult" ADD CONSTRAINT "AdDailyResult_adId_fkey" FOREIGN KEY ("adId") REFERENCES "Ad"("id") ON DELETE CASCADE ON UPDATE CASCADE;
