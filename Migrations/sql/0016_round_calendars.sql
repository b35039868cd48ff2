-- A round's days are the days of its time zone, and its calendar knows which years' holiday
-- schedules it holds. Rounds opened before this kept weekends and their own lists only, so they
-- keep counting that way in every year.
ALTER TABLE rounds
    ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
    ADD COLUMN notice_published_on date;

UPDATE rounds SET calendar = calendar || '{"years": [], "unloadedYears": "weekends_only"}'::jsonb
WHERE NOT calendar ? 'years';

-- The appeal window is counted from the day results were notified, which is the day the notice went up.
UPDATE rounds SET notice_published_on = appeals_end - ((policy->>'appealWindowDays')::int)
WHERE appeals_end IS NOT NULL;
