-- Issue 14 (affiliate first-run guide): when an affiliate first sent a test postback. Test
-- postbacks store no lead, so without this the guide could not tell the step was done.
ALTER TABLE "Company" ADD COLUMN "firstTestLeadAt" TIMESTAMP(3);
