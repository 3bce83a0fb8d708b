-- CreateEnum
CREATE TYPE "CampaignKind" AS ENUM ('KEY_LIVESTREAM', 'LIVE_CHALLENGE', 'SHORT_VIDEO_CHALLENGE');

-- CreateEnum
CREATE TYPE "CampaignRegistrationType" AS ENUM ('REVIEWED', 'AUTO_APPROVED');

-- CreateEnum
CREATE TYPE "CampaignRegistrationStatus" AS ENUM ('UNDER_REVIEW', 'APPROVED', 'REJECTED', 'CANCELLED', 'WITHDRAWN');

-- AlterEnum
ALTER TYPE "ReviewKind" ADD VALUE 'CAMPAIGN_REGISTRATION';

-- AlterTable
ALTER TABLE "BusinessAccount" ADD COLUMN     "livestreamLevel" INTEGER,
ADD COLUMN     "recentSeriousViolations" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shopScore" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN     "totalViewers" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Campaign" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "kind" "CampaignKind" NOT NULL,
    "registrationType" "CampaignRegistrationType" NOT NULL,
    "registrationStartsAt" TIMESTAMP(3) NOT NULL,
    "registrationEndsAt" TIMESTAMP(3) NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "minShopScore" DOUBLE PRECISION,
    "maxRecentViolations" INTEGER,
    "minLivestreamLevel" INTEGER,
    "allowedCategories" TEXT[],
    "benefits" JSONB NOT NULL,
    "allowDuplicateSessions" BOOLEAN NOT NULL DEFAULT false,
    "cancelledAt" TIMESTAMP(3),
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignRegistration" (
    "id" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "status" "CampaignRegistrationStatus" NOT NULL,
    "current" BOOLEAN DEFAULT true,
    "submittedById" UUID NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "statusChangedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignSession" (
    "id" UUID NOT NULL,
    "registrationId" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "mainCategory" TEXT NOT NULL,
    "livestreamLevel" INTEGER NOT NULL,
    "estimatedGmvMinor" INTEGER,
    "estimatedAdSpendMinor" INTEGER,
    "estimateCurrency" TEXT,
    "duplicatedFromId" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignLive" (
    "liveSessionId" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "registrationId" UUID NOT NULL,
    "registeredSessionId" UUID,
    "organizationId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "viewerMessages" INTEGER NOT NULL DEFAULT 0,
    "leads" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CampaignLive_pkey" PRIMARY KEY ("liveSessionId")
);

-- CreateTable
CREATE TABLE "CampaignLiveSales" (
    "liveSessionId" UUID NOT NULL,
    "month" DATE NOT NULL,
    "currency" TEXT NOT NULL,
    "campaignId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "registeredSessionId" UUID,
    "gmvMinor" BIGINT NOT NULL,
    "orders" INTEGER NOT NULL,
    "itemsSold" INTEGER NOT NULL,

    CONSTRAINT "CampaignLiveSales_pkey" PRIMARY KEY ("liveSessionId","month","currency")
);

-- CreateIndex
CREATE INDEX "Campaign_createdAt_id_idx" ON "Campaign"("createdAt", "id");

-- CreateIndex
CREATE INDEX "CampaignRegistration_organizationId_submittedAt_idx" ON "CampaignRegistration"("organizationId", "submittedAt");

-- CreateIndex
CREATE INDEX "CampaignRegistration_accountId_submittedAt_idx" ON "CampaignRegistration"("accountId", "submittedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRegistration_campaignId_accountId_current_key" ON "CampaignRegistration"("campaignId", "accountId", "current");

-- CreateIndex
CREATE INDEX "CampaignSession_registrationId_startsAt_idx" ON "CampaignSession"("registrationId", "startsAt");

-- CreateIndex
CREATE INDEX "CampaignSession_accountId_startsAt_idx" ON "CampaignSession"("accountId", "startsAt");

-- CreateIndex
CREATE INDEX "CampaignLive_campaignId_organizationId_idx" ON "CampaignLive"("campaignId", "organizationId");

-- CreateIndex
CREATE INDEX "CampaignLive_registeredSessionId_idx" ON "CampaignLive"("registeredSessionId");

-- CreateIndex
CREATE INDEX "CampaignLiveSales_organizationId_month_idx" ON "CampaignLiveSales"("organizationId", "month");

-- CreateIndex
CREATE INDEX "CampaignLiveSales_campaignId_organizationId_idx" ON "CampaignLiveSales"("campaignId", "organizationId");

-- AddForeignKey
ALTER TABLE "CampaignRegistration" ADD CONSTRAINT "CampaignRegistration_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRegistration" ADD CONSTRAINT "CampaignRegistration_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignSession" ADD CONSTRAINT "CampaignSession_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "CampaignRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignSession" ADD CONSTRAINT "CampaignSession_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignSession" ADD CONSTRAINT "CampaignSession_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignLive" ADD CONSTRAINT "CampaignLive_liveSessionId_fkey" FOREIGN KEY ("liveSessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignLive" ADD CONSTRAINT "CampaignLive_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignLive" ADD CONSTRAINT "CampaignLive_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "CampaignRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignLive" ADD CONSTRAINT "CampaignLive_registeredSessionId_fkey" FOREIGN KEY ("registeredSessionId") REFERENCES "CampaignSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignLiveSales" ADD CONSTRAINT "CampaignLiveSales_liveSessionId_fkey" FOREIGN KEY ("liveSessionId") REFERENCES "CampaignLive"("liveSessionId") ON DELETE CASCADE ON UPDATE CASCADE;

-- Active registered sessions of one account never overlap, across all its registrations
-- (half-open periods: one may end when the next starts). Not expressible in schema.prisma.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "CampaignSession" ADD CONSTRAINT "CampaignSession_no_overlap"
  EXCLUDE USING gist ("accountId" WITH =, tsrange("startsAt", "endsAt") WITH &&) WHERE ("active");
