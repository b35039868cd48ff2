-- Rounds opened before the notice's naming rule existed published masked names.
UPDATE rounds SET policy = policy || '{"noticeNames": "masked"}'::jsonb WHERE NOT policy ? 'noticeNames';
