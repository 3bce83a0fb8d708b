-- DropIndex
DROP INDEX "Notification_userId_readAt_createdAt_idx";

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "read" BOOLEAN NOT NULL DEFAULT false;

-- Backfill
UPDATE "Notification" SET "read" = true WHERE "readAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "Notification_userId_read_createdAt_idx" ON "Notification"("userId", "read", "createdAt");
