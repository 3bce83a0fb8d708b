-- CreateEnum
CREATE TYPE "MemberRole" AS ENUM ('OWNER', 'ADMIN', 'AGENT', 'ANALYST');

-- CreateEnum
CREATE TYPE "WhoCanMessage" AS ENUM ('EVERYONE', 'FOLLOWERS', 'NO_ONE');

-- CreateEnum
CREATE TYPE "GalleryTitle" AS ENUM ('PHOTO_GALLERY', 'MENU', 'ENVIRONMENT', 'PRODUCTS_AND_SERVICES');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "MemberRole" NOT NULL,
    "restricted" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MembershipAccount" (
    "membershipId" UUID NOT NULL,
    "accountId" UUID NOT NULL,

    CONSTRAINT "MembershipAccount_pkey" PRIMARY KEY ("membershipId","accountId")
);

-- CreateTable
CREATE TABLE "BusinessAccount" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "handle" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "whoCanMessage" "WhoCanMessage" NOT NULL DEFAULT 'EVERYONE',
    "followerCount" INTEGER NOT NULL DEFAULT 0,
    "ownerAge" INTEGER,
    "seriousViolations" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BusinessPage" (
    "accountId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "companyName" TEXT,
    "establishedOn" DATE,
    "region" TEXT,
    "website" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "address" TEXT,
    "iosAppUrl" TEXT,
    "androidAppUrl" TEXT,
    "category" TEXT,
    "galleryTitle" "GalleryTitle" NOT NULL DEFAULT 'PHOTO_GALLERY',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessPage_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "GalleryPhoto" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "mediaKey" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GalleryPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediaObject" (
    "key" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MediaObject_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_subject_key" ON "User"("subject");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_organizationId_userId_key" ON "Membership"("organizationId", "userId");

-- CreateIndex
CREATE INDEX "MembershipAccount_accountId_idx" ON "MembershipAccount"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "BusinessAccount_handle_key" ON "BusinessAccount"("handle");

-- CreateIndex
CREATE INDEX "BusinessAccount_organizationId_idx" ON "BusinessAccount"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "GalleryPhoto_accountId_position_key" ON "GalleryPhoto"("accountId", "position");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipAccount" ADD CONSTRAINT "MembershipAccount_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipAccount" ADD CONSTRAINT "MembershipAccount_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessAccount" ADD CONSTRAINT "BusinessAccount_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessPage" ADD CONSTRAINT "BusinessPage_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GalleryPhoto" ADD CONSTRAINT "GalleryPhoto_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "BusinessAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GalleryPhoto" ADD CONSTRAINT "GalleryPhoto_mediaKey_fkey" FOREIGN KEY ("mediaKey") REFERENCES "MediaObject"("key") ON DELETE RESTRICT ON UPDATE CASCADE;
