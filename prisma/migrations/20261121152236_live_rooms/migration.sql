-- CreateEnum
CREATE TYPE "LiveSessionState" AS ENUM ('SCHEDULED', 'LIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "LiveEntryType" AS ENUM ('GET_LEADS', 'BUSINESS');

-- CreateEnum
CREATE TYPE "LiveFunction" AS ENUM ('BUSINESS_PAGE', 'WEBSITE', 'PHONE', 'DIRECT_MESSAGE', 'APP_DOWNLOAD');

-- CreateEnum
CREATE TYPE "LiveEventType" AS ENUM ('VIEWER_MESSAGE', 'LEAD_SUBMITTED', 'ENTRY_CHANGED', 'SETTINGS_CHANGED', 'STATS', 'REMINDER', 'LIVE_ENDED');

-- CreateTable
CREATE TABLE "LiveSession" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "scheduledFor" TIMESTAMP(3),
    "state" "LiveSessionState" NOT NULL DEFAULT 'SCHEDULED',
    "sellsProducts" BOOLEAN NOT NULL DEFAULT false,
    "allowViewerMessages" BOOLEAN NOT NULL DEFAULT true,
    "autoResponsesEnabled" BOOLEAN NOT NULL DEFAULT true,
    "reminderIntervalMinutes" INTEGER,
    "reminderText" TEXT,
    "viewerCount" INTEGER NOT NULL DEFAULT 0,
    "peakViewers" INTEGER NOT NULL DEFAULT 0,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "lastStatsAt" TIMESTAMP(3),
    "lastReminderAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LiveSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveEntry" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "type" "LiveEntryType" NOT NULL,
    "leadFormId" UUID,
    "function" "LiveFunction",
    "label" TEXT,
    "target" TEXT,
    "visible" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LiveEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveEvent" (
    "sessionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" "LiveEventType" NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LiveEvent_pkey" PRIMARY KEY ("sessionId","seq")
);

-- CreateTable
CREATE TABLE "LiveOrder" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "externalId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LiveOrder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LiveSession_accountId_createdAt_idx" ON "LiveSession"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "LiveSession_state_idx" ON "LiveSession"("state");

-- CreateIndex
CREATE INDEX "LiveEntry_sessionId_position_idx" ON "LiveEntry"("sessionId", "position");

-- CreateIndex
CREATE INDEX "LiveOrder_accountId_createdAt_idx" ON "LiveOrder"("accountId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "LiveOrder_sessionId_externalId_key" ON "LiveOrder"("sessionId", "externalId");

-- CreateIndex
CREATE INDEX "Lead_liveSessionId_idx" ON "Lead"("liveSessionId");

-- CreateIndex
CREATE INDEX "Message_liveSessionId_idx" ON "Message"("liveSessionId");

-- AddForeignKey
ALTER TABLE "LiveSession" ADD CONSTRAINT "LiveSession_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveEntry" ADD CONSTRAINT "LiveEntry_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveEvent" ADD CONSTRAINT "LiveEvent_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveOrder" ADD CONSTRAINT "LiveOrder_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
