-- AlterTable
ALTER TABLE "LiveSession" DROP COLUMN "viewerCount";

-- CreateTable
CREATE TABLE "LiveViewerPresence" (
    "sessionId" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "viewers" INTEGER NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LiveViewerPresence_pkey" PRIMARY KEY ("sessionId","instanceId")
);

-- CreateIndex
CREATE INDEX "LiveViewerPresence_heartbeatAt_idx" ON "LiveViewerPresence"("heartbeatAt");

-- AddForeignKey
ALTER TABLE "LiveViewerPresence" ADD CONSTRAINT "LiveViewerPresence_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
